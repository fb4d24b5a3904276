import Logging
import LegatoCall
import LegatoConfig
import LegatoSIP
#if canImport(Glibc)
import Glibc
#endif

extension LegatoServer {
    /// The options `main(arguments:defaultConfigurationFile:scenario:)` reads from a command line.
    public struct CommandLineOptions: Equatable, Sendable {
        /// `--config FILE`: the configuration file.
        public var configurationFile: String
        /// `--log-level LEVEL`: trace, debug, info, notice, warning, error or critical (default info).
        public var logLevel: Logger.Level = .info
        /// `-h` / `--help` was given.
        public var wantsHelp = false

        /// Parses `arguments` (without the program name): `--config FILE`,
        /// `--config=FILE`, `--log-level LEVEL`, `--log-level=LEVEL`, `-h`, `--help`.
        /// Throws a message for anything else.
        public init(parsing arguments: [String], defaultConfigurationFile: String) throws(UsageError) {
            configurationFile = defaultConfigurationFile
            var rest = arguments[...]
            while let argument = rest.popFirst() {
                var name = argument
                var value: String?
                if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                    name = String(argument[..<equals])
                    value = String(argument[argument.index(after: equals)...])
                }
                switch name {
                case "-h", "--help":
                    wantsHelp = true
                case "--config", "--log-level":
                    guard let given = value ?? rest.popFirst() else { throw UsageError("\(name) needs a value") }
                    if name == "--config" {
                        configurationFile = given
                    } else {
                        guard let level = Logger.Level(rawValue: given) else {
                            throw UsageError("unknown log level '\(given)' "
                                + "(trace, debug, info, notice, warning, error, critical)")
                        }
                        logLevel = level
                    }
                default:
                    throw UsageError("unknown argument '\(argument)'")
                }
            }
        }
    }

    /// A command line ``CommandLineOptions`` cannot read; `description` says why.
    public struct UsageError: Error, CustomStringConvertible, Equatable {
        /// What is wrong with the command line.
        public let description: String
        /// A usage error saying `description`.
        public init(_ description: String) { self.description = description }
    }

    /// The whole of a scenario program's `main`: reads `--config FILE`
    /// (default `defaultConfigurationFile`) and `--log-level LEVEL` from
    /// `arguments`, loads the configuration, sets up logging, runs the server
    /// until SIGTERM or SIGINT and exits the process: 0 after a drain, 2 for
    /// a bad command line or configuration (printed on standard error), 1
    /// when the server cannot start.
    public nonisolated static func main(arguments: [String] = Array(CommandLine.arguments.dropFirst()),
                                        defaultConfigurationFile: String = "legato.conf",
                                        scenario: @escaping ScenarioFactory) async -> Never {
        let program = CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? "legato"
        let usage = "usage: \(program) [--config FILE] [--log-level LEVEL]\n"
        let options: CommandLineOptions
        do {
            options = try CommandLineOptions(parsing: arguments, defaultConfigurationFile: defaultConfigurationFile)
        } catch {
            StandardError.write("\(program): \(error.description)\n\(usage)")
            exit(2)
        }
        if options.wantsHelp {
            print(usage + """

                  --config FILE      the configuration file (default \(defaultConfigurationFile))
                  --log-level LEVEL  trace, debug, info, notice, warning, error or critical (default info)

                SIGTERM drains (new calls get 503, calls may finish within shutdown_grace); SIGINT drains with a 2 s grace.
                """)
            exit(0)
        }
        let configuration: LegatoConfiguration
        do {
            configuration = try ConfigLoader.load(path: options.configurationFile)
        } catch {
            StandardError.write("\(error.description)\n")
            exit(2)
        }
        bootstrapLogging(level: options.logLevel)
        let server = await LegatoServer(configuration: configuration, scenario: scenario)
        do {
            try await server.run()
        } catch {
            exit(1)
        }
        exit(0)
    }

    /// `main(arguments:defaultConfigurationFile:scenario:)` for a scenario
    /// made once, without the ``Context``.
    public nonisolated static func main(arguments: [String] = Array(CommandLine.arguments.dropFirst()),
                                        defaultConfigurationFile: String = "legato.conf",
                                        scenario: @escaping @Sendable @SIPActor () -> any Scenario) async -> Never {
        await main(arguments: arguments, defaultConfigurationFile: defaultConfigurationFile) { _ in scenario() }
    }
}

/// Writes to standard error without Foundation.
enum StandardError {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
