import ArgumentParser
import Logging
import LegatoConfig
import LegatoSIP
#if canImport(Glibc)
import Glibc
#endif

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon. SIGTERM drains (new calls get 503, calls may finish within shutdown_grace); SIGINT drains with a 2 s grace.")

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
        LogSetup.bootstrap(level: logLevel)
        let logger = Logger(label: "legato")
        let daemon = await Daemon(configuration: configuration, logger: logger)
        let grace = configuration.signalling.shutdownGrace
        let watcher = SignalWatcher { signo in
            Task { @SIPActor in
                logger.info("legato.signal", metadata: ["signal": "\(signo == SIGTERM ? "SIGTERM" : "SIGINT")"])
                await daemon.stop(grace: signo == SIGTERM ? grace : min(grace, 2))
            }
        }
        await watcher.armed()
        #if DEBUG
        let mediaSwitch = MediaSwitchSignals.watch(logger: logger)
        await mediaSwitch.armed()
        #endif
        do {
            try await daemon.start()
        } catch {
            logger.critical("legato.start-failed", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        await daemon.waitUntilStopped()
        _ = watcher
        #if DEBUG
        _ = mediaSwitch
        #endif
    }
}
