import Logging
import LegatoCall
import LegatoConfig
import LegatoMedia
import LegatoSIP
#if canImport(Glibc)
import Glibc
#endif

/// Runs Legato for one `Scenario`: the configuration's listeners, the media
/// workers (when the conf uses relay media), the overload monitor, and
/// signal handling, until SIGTERM or SIGINT.
///
/// A scenario package needs nothing else:
///
/// ```swift
/// import Legato
///
/// @main
/// struct MyApp {
///     static func main() async {
///         await LegatoServer.main { context in MyScenario(logger: context.logger) }
///     }
/// }
/// ```
///
/// or, with a configuration file of its own choosing:
///
/// ```swift
/// let server = try await LegatoServer(configurationFile: "my.conf") { _ in MyScenario() }
/// try await server.run()
/// ```
///
/// SIGTERM drains: new calls get 503, calls in progress may end within
/// `signalling.shutdown_grace` seconds, then what is left is hung up and
/// ``run()`` returns. SIGINT does the same with at most 2 seconds of grace.
/// SIGHUP reloads the configuration file (new calls use the new routes,
/// trunks and policies); SIGUSR1 reopens the CDR file (`cdr.path`).
@SIPActor
public final class LegatoServer {
    /// What a scenario is built from, handed to the ``ScenarioFactory`` once the
    /// media workers run and before the first listener takes a call.
    public struct Context: Sendable {
        /// The loaded configuration (its `trunks` make a handy table of destinations).
        public let configuration: LegatoConfiguration
        /// The media workers, when the configuration uses relay media
        /// (`media.mode: relay`, or a relay or echo route); nil otherwise.
        public let media: MediaWorkerPool?
        /// The server's logger.
        public let logger: Logger

        /// A context; ``LegatoServer`` makes one for its scenario factory.
        public init(configuration: LegatoConfiguration, media: MediaWorkerPool?, logger: Logger) {
            self.configuration = configuration
            self.media = media
            self.logger = logger
        }
    }

    /// Builds the scenario that receives every inbound call. It runs once, on
    /// the signalling thread, when the server starts; a thrown error stops
    /// the start (``run()`` throws ``StartError``).
    public typealias ScenarioFactory = @Sendable @SIPActor (Context) throws -> any Scenario

    /// Why ``run()`` could not start the server (a listener that cannot be
    /// bound, no media ports, a scenario factory that threw, …).
    public struct StartError: Error, CustomStringConvertible {
        /// The underlying error.
        public let underlying: any Error
        /// `cannot start: <the underlying error>`.
        public var description: String { "cannot start: \(underlying)" }
    }

    /// The configuration the server runs.
    public let configuration: LegatoConfiguration
    /// The logger the server, its calls and the scenario's ``Context`` log to.
    public let logger: Logger
    private let daemon: Daemon
    private var started = false

    /// A server for `configuration` whose calls go to the scenario `scenario`
    /// builds. `logger` defaults to a logger labelled `legato` made now, so
    /// bootstrap swift-log first (``bootstrapLogging(level:)``) if you want its output elsewhere.
    public init(configuration: LegatoConfiguration, logger: Logger? = nil,
                scenario: @escaping ScenarioFactory) {
        self.configuration = configuration
        let logger = logger ?? Logger(label: "legato")
        self.logger = logger
        daemon = Daemon(configuration: configuration, logger: logger, scenario: .factory(scenario))
    }

    /// A server for `configuration` whose calls all go to `scenario`.
    public init(configuration: LegatoConfiguration, logger: Logger? = nil, scenario: any Scenario) {
        self.configuration = configuration
        let logger = logger ?? Logger(label: "legato")
        self.logger = logger
        daemon = Daemon(configuration: configuration, logger: logger, scenario: .instance(scenario))
    }

    /// A server for the configuration file at `path` (see `conf/legato.conf`).
    /// Throws `ConfigErrors` (one `FILE:LINE:COLUMN: KEY: MESSAGE` per line) when the file is not valid.
    public convenience init(configurationFile path: String, logger: Logger? = nil,
                            scenario: @escaping ScenarioFactory) throws {
        self.init(configuration: try ConfigLoader.load(path: path), logger: logger, scenario: scenario)
    }

    /// A server for the configuration file at `path` whose calls all go to `scenario`.
    public convenience init(configurationFile path: String, logger: Logger? = nil, scenario: any Scenario) throws {
        self.init(configuration: try ConfigLoader.load(path: path), logger: logger, scenario: scenario)
    }

    /// Starts the server (media workers, scenario, listeners; logs
    /// `legato.ready`) and returns once it has stopped: after SIGTERM or
    /// SIGINT, or ``stop(grace:)``. Throws ``StartError`` (logged as
    /// `legato.start-failed`) when it cannot start; call it once.
    public func run() async throws {
        precondition(!started, "LegatoServer.run() called twice")
        started = true
        let daemon = self.daemon
        let logger = self.logger
        let grace = configuration.signalling.shutdownGrace
        // Signalling shards: a shard started by a supervisor takes its role
        // from its environment; the first process opens the inboxes and is
        // shard 0 (ShardSupervisor).
        let supervisor: ShardSupervisor?
        do {
            supervisor = try prepareShards()
        } catch {
            logger.critical("legato.start-failed", metadata: ["error": "\(error)"])
            throw StartError(underlying: error)
        }
        let watcher = SignalWatcher([SIGTERM, SIGINT, SIGUSR1, SIGHUP]) { signo in
            Task { @SIPActor in
                supervisor?.forward(signo)
                switch signo {
                case SIGUSR1:
                    // logrotate's postrotate: the CDR file is reopened.
                    daemon.reopenRecords()
                case SIGHUP:
                    logger.info("legato.signal", metadata: ["signal": "SIGHUP"])
                    daemon.reload()
                default:
                    logger.info("legato.signal", metadata: ["signal": "\(signo == SIGTERM ? "SIGTERM" : "SIGINT")"])
                    await daemon.stop(grace: signo == SIGTERM ? grace : min(grace, 2))
                }
            }
        }
        // Signals sent after `legato.ready` must count: arm first.
        await watcher.armed()
        do {
            try supervisor?.startShards()
            try daemon.start()
        } catch {
            logger.critical("legato.start-failed", metadata: ["error": "\(error)"])
            supervisor?.forward(SIGTERM)
            await daemon.stop(grace: 0)
            await supervisor?.waitForShards(grace: 0)
            throw StartError(underlying: error)
        }
        await daemon.waitUntilStopped()
        await supervisor?.waitForShards(grace: grace)
        withExtendedLifetime(watcher) {}
    }

    /// With `signalling.shards` > 1: in a shard the supervisor started, takes
    /// the role its environment gives; in the first process, opens the shards'
    /// inboxes and returns the supervisor (which starts the others later).
    private func prepareShards() throws -> ShardSupervisor? {
        var environment: [String: String] = [:]
        for key in [ShardRole.indexVariable, ShardRole.inboxesVariable] {
            if let value = getenv(key) { environment[key] = String(cString: value) }
        }
        if environment[ShardRole.indexVariable] != nil {
            guard let role = ShardRole.fromEnvironment(environment),
                  role.count == configuration.signalling.shards else {
                throw ShardEnvironmentError(value: environment[ShardRole.indexVariable] ?? "")
            }
            SignallingShards.stopWithParent(signal: SIGTERM)
            daemon.useShard(role)
            return nil
        }
        guard configuration.signalling.shards > 1 else { return nil }
        let supervisor = try ShardSupervisor(configuration: configuration, logger: logger)
        daemon.useShard(supervisor.role)
        return supervisor
    }

    /// Drains and stops a running server as SIGTERM does, with `grace`
    /// seconds (default `signalling.shutdown_grace`) for calls to end;
    /// returns once it has stopped.
    public func stop(grace: Double? = nil) async {
        await daemon.stop(grace: grace ?? configuration.signalling.shutdownGrace)
    }

    /// `LEGATO_SHARD` does not match the configuration's `signalling.shards`.
    struct ShardEnvironmentError: Error, CustomStringConvertible {
        let value: String
        var description: String { "LEGATO_SHARD=\(value) does not fit signalling.shards of the configuration" }
    }

    /// Sends swift-log's output, from `level` up, to standard error as
    /// key=value lines (what `legato run` does). Call it once per process,
    /// before making loggers.
    public nonisolated static func bootstrapLogging(level: Logger.Level) {
        LogSetup.bootstrap(level: level)
    }
}
