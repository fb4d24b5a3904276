import ArgumentParser
import Legato
import Logging

extension Logger.Level: @retroactive ExpressibleByArgument {}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon. SIGTERM drains (new calls get 503, calls may finish within shutdown_grace); SIGINT drains with a 2 s grace; SIGHUP reloads the conf; SIGUSR1 reopens the CDR file.")

    @Option(name: .long, help: "The configuration file.")
    var config: String = "conf/legato.conf"

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let configuration: LegatoConfiguration
        do {
            configuration = try ConfigLoader.load(path: config)
        } catch {
            FileHandleStderr.write("\(error.description)\n")
            throw ExitCode(2)
        }
        LegatoServer.bootstrapLogging(level: logLevel)
        // The conf-driven router: routes, trunks and header policies from the conf.
        let server = await LegatoServer(configuration: configuration) { context in
            try ConfigRouter(configuration: context.configuration, media: context.media, logger: context.logger)
        }
        do {
            try await server.run()
        } catch {
            throw ExitCode(1)
        }
    }
}
