import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The daemon under test: `legato run --config <generated conf> --log-level debug`,
/// stderr captured to a file.
final class LegatoProcess: @unchecked Sendable {
    let conf: LegatoConf
    let configPath: String
    let logPath: String
    private let child: ChildProcess

    /// Longest a daemon may live (its `timeout(1)` limit).
    static let lifetimeLimit: Duration = .seconds(600)
    /// How long it may take to log `legato.ready`.
    static let readyTimeout: Duration = .seconds(10)

    private init(conf: LegatoConf, configPath: String, logPath: String, child: ChildProcess) {
        self.conf = conf
        self.configPath = configPath
        self.logPath = logPath
        self.child = child
    }

    /// Writes `conf`, starts the daemon and waits for `legato.ready`.
    /// `program` runs instead of `legato run` (an example's binary, which
    /// takes `--config` and `--log-level` without a subcommand), with `environment` added.
    static func start(_ conf: LegatoConf, artifacts: Artifacts, name: String = "legato",
                      program: String? = nil, environment: [String: String] = [:]) async throws -> LegatoProcess {
        let binary = try program ?? Paths.legatoBinary()
        var conf = conf
        // Every daemon has a control socket (`legato ctl`): short, per port.
        if conf.controlSocket == nil { conf.controlSocket = "/tmp/legato-ctl-\(conf.port).sock" }
        let configPath = try artifacts.write(conf.yaml, to: "\(name).conf")
        let logPath = artifacts.path("\(name).log")
        let child = try ChildProcess(binary, (program == nil ? ["run"] : []) + ["--config", configPath, "--log-level", "debug"],
                                     timeLimit: lifetimeLimit, stdout: artifacts.path("\(name).stdout"),
                                     stderr: logPath, environment: environment)
        let legato = LegatoProcess(conf: conf, configPath: configPath, logPath: logPath, child: child)
        let ready = await waitUntil(timeout: readyTimeout) {
            legato.log.contains("legato.ready") || !child.isRunning
        }
        guard ready, child.isRunning else {
            let status = child.isRunning ? "still starting" : "exited with \(child.status ?? -1)"
            await child.forceKill()
            throw HarnessError("""
                legato did not log legato.ready within \(readyTimeout) (\(status)); conf \(configPath); log \(logPath):
                \(legato.log.suffix(3000))
                """)
        }
        return legato
    }

    var port: Int { conf.port }
    /// The daemon's stderr so far.
    var log: String { Artifacts.read(logPath) }
    var isRunning: Bool { child.isRunning }

    /// CPU seconds the daemon has used so far (utime + stime of /proc/PID/stat).
    func cpuSeconds() async -> Double? {
        guard let pid = await child.commandPID(), let stat = readWholeFile("/proc/\(pid)/stat"),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after "(comm)": state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The UDP ports in `range` that the daemon itself has bound now (its
    /// socket fds matched against /proc/net/udp{,6}); other processes'
    /// sockets, e.g. ephemeral ports that fall in the range, do not count.
    func boundUDPPorts(in range: ClosedRange<Int>) async -> [Int] {
        guard let pid = await child.commandPID() else { return [] }
        return Self.boundUDPPorts(of: [Int32(pid)], in: range)
    }

    /// The UDP ports in `range` that the processes `pids` have bound now.
    static func boundUDPPorts(of pids: [Int32], in range: ClosedRange<Int>) -> [Int] {
        var inodes = Set<Substring>()
        for pid in pids {
            let fdDirectory = "/proc/\(pid)/fd"
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: fdDirectory)) ?? [] {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdDirectory)/\(entry)"),
                      target.hasPrefix("socket:[") else { continue }
                inodes.insert(Substring(target.dropFirst("socket:[".count).dropLast()))
            }
        }
        var ports: [Int] = []
        for table in ["/proc/net/udp", "/proc/net/udp6"] {
            for line in (readWholeFile(table) ?? "").split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, let colon = fields[1].lastIndex(of: ":"),
                      let port = Int(fields[1][fields[1].index(after: colon)...], radix: 16),
                      range.contains(port), inodes.contains(fields[9]) else { continue }
                ports.append(port)
            }
        }
        return ports.sorted()
    }
    var exitStatus: Int32? { child.status }

    /// Sends SIGTERM to the daemon (drain: new INVITEs get 503, calls go on up to shutdown_grace).
    /// Sends `signo` (SIGHUP: reload; SIGUSR1: reopen the CDR file).
    func signal(_ signo: Int32) async throws {
        try await child.signal(signo)
    }

    func sendSIGTERM() async throws {
        try await child.signal(SIGTERM)
    }

    /// Stops the daemon (SIGSTOP) for `pause`, then lets it go on (SIGCONT): its
    /// signalling loop then runs that late, as under a flood.
    func freeze(for pause: Duration) async throws {
        try await child.signal(SIGSTOP)
        try await Task.sleep(for: pause)
        try await child.signal(SIGCONT)
    }

    /// `legato ctl media all direct|relay`: switches every bridge's media.
    func switchMedia(toDirect: Bool) async throws {
        let result = try await ctl("media", "all", toDirect ? "direct" : "relay")
        guard result.status == 0 else { throw HarnessError("ctl media failed: \(result.output)") }
    }

    /// Runs `legato ctl --socket <the daemon's socket> ARGS…` and returns its exit status and output.
    func ctl(_ arguments: String...) async throws -> (status: Int32, output: String) {
        try await Self.ctl(socket: conf.controlSocket ?? "", arguments)
    }

    static func ctl(socket: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let output = NSTemporaryDirectory() + "legato-ctl-\(UInt32.random(in: 0...UInt32.max)).out"
        defer { unlink(output); unlink(output + ".err") }
        let child = try ChildProcess(try Paths.legatoBinary(), ["ctl", "--socket", socket] + arguments,
                                     timeLimit: .seconds(30), stdout: output, stderr: output + ".err")
        guard let status = await child.waitForExit(timeout: .seconds(35)) else {
            await child.forceKill()
            throw HarnessError("legato ctl \(arguments) did not finish")
        }
        // Separate files: ChildProcess creates each anew (one path for both would orphan the first).
        return (status, Artifacts.read(output) + Artifacts.read(output + ".err"))
    }

    /// Waits until the log contains `text`; false on timeout.
    func waitForLog(_ text: String, timeout: Duration = .seconds(10)) async -> Bool {
        await waitUntil(timeout: timeout) { log.contains(text) }
    }

    /// Waits for the daemon to exit; nil if it is still running after `timeout`.
    func waitForExit(timeout: Duration) async -> Int32? {
        await child.waitForExit(timeout: timeout)
    }

    /// SIGTERM, then waits for the exit status. If the daemon is still running
    /// after `timeout` (default: shutdown_grace + 10 s), it is killed and a
    /// HarnessError says so.
    @discardableResult
    func stop(timeout: Duration? = nil) async throws -> Int32 {
        if let status = child.status { return status }
        let timeout = timeout ?? .seconds(conf.shutdownGrace + 10)
        try await sendSIGTERM()
        if let status = await child.waitForExit(timeout: timeout) { return status }
        await child.forceKill()
        throw HarnessError("""
            legato did not exit within \(timeout) of SIGTERM (shutdown_grace \(conf.shutdownGrace) s); killed it. \
            Log \(logPath):
            \(log.suffix(1500))
            """)
    }

    /// Kills a daemon a failing test left behind.
    func forceKill() async { await child.forceKill() }
}

/// Runs `body` with a started daemon and stops it afterwards (SIGTERM), even
/// when `body` throws; the daemon must then exit with status 0.
func withLegato<T>(_ conf: LegatoConf, artifacts: Artifacts, program: String? = nil,
                   environment: [String: String] = [:],
                   _ body: (LegatoProcess) async throws -> T) async throws -> T {
    let legato = try await LegatoProcess.start(conf, artifacts: artifacts, program: program, environment: environment)
    let result: T
    do {
        result = try await body(legato)
    } catch {
        _ = try? await legato.stop()
        if legato.isRunning { await legato.forceKill() }
        throw error
    }
    let status = try await legato.stop()
    guard status == 0 else {
        throw HarnessError("legato exited with status \(status) after SIGTERM (expected 0); log \(legato.logPath)")
    }
    return result
}
