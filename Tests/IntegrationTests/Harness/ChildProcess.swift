import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started by a test, always under `timeout(1)` so that it
/// stops by itself even if the test process dies.
///
/// The command runs as `timeout --foreground -k 5 <limit> <command…>`:
/// `--foreground` keeps `timeout` from signalling its own process group, so
/// a signal the test sends to the command cannot take `timeout` down and
/// leave the command running without a limit.
final class ChildProcess: @unchecked Sendable {
    let commandLine: String
    private let process = Process()
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// - Parameters:
    ///   - timeLimit: after this the command gets SIGTERM, 5 s later SIGKILL.
    ///   - stdout/stderr: files (truncated) for the output; nil discards it.
    ///   - stdin: what the command reads (e.g. a pipe's read end); nil is /dev/null.
    ///   - environment: variables added to (or replacing those of) the test's environment.
    init(_ executable: String, _ arguments: [String], timeLimit: Duration,
         stdout: String?, stderr: String?, workingDirectory: URL? = nil,
         stdin: FileHandle? = nil, environment: [String: String] = [:]) throws {
        try Paths.requireTool(executable)
        let limit = max(1, timeLimit.wholeSecondsRoundedUp)
        process.executableURL = URL(fileURLWithPath: Paths.timeout)
        process.arguments = ["--foreground", "-k", "5", "\(limit)", executable] + arguments
        process.standardInput = stdin ?? FileHandle.nullDevice
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = try Self.handle(stdout)
        process.standardError = try Self.handle(stderr)
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        commandLine = ([executable] + arguments).joined(separator: " ")
        process.terminationHandler = { [weak self] finished in
            let status = finished.terminationReason == .uncaughtSignal
                ? 128 + finished.terminationStatus : finished.terminationStatus
            self?.finish(status)
        }
        try process.run()
    }

    private static func handle(_ path: String?) throws -> FileHandle {
        guard let path else { return FileHandle.nullDevice }
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw HarnessError("cannot open \(path) for writing")
        }
        return handle
    }

    private func finish(_ status: Int32) {
        lock.withLock { exitStatus = status }
    }

    /// The exit status once the process has ended (128 + n for signal n).
    var status: Int32? { lock.withLock { exitStatus } }
    var isRunning: Bool { status == nil }

    /// The pid of the command itself (the only child of `timeout`), once it exists.
    func commandPID() async -> pid_t? {
        let parent = process.processIdentifier
        var found: pid_t?
        _ = await waitUntil(timeout: .seconds(5), interval: .milliseconds(10)) {
            found = Self.children(of: parent).first
            return found != nil || !isRunning
        }
        return found
    }

    /// Sends `signo` to the command (not to `timeout`).
    func signal(_ signo: Int32) async throws {
        guard let pid = await commandPID() else {
            throw HarnessError("cannot signal \(commandLine): it is not running")
        }
        kill(pid, signo)
    }

    /// Waits for the process to end; nil if it is still running after `timeout`.
    func waitForExit(timeout: Duration) async -> Int32? {
        _ = await waitUntil(timeout: timeout, interval: .milliseconds(20)) { !isRunning }
        return status
    }

    /// Last resort for a process a test failed to stop: SIGKILL to the command and to `timeout`.
    func forceKill() async {
        if let pid = await commandPID() { kill(pid, SIGKILL) }
        if isRunning { kill(process.processIdentifier, SIGKILL) }
        _ = await waitForExit(timeout: .seconds(5))
    }

    /// Children of `parent`, read from /proc/<pid>/stat (field 4 is the parent pid).
    private static func children(of parent: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var result: [pid_t] = []
        for entry in entries {
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, pid_t(fields[1]) == parent { result.append(pid) }
        }
        return result
    }
}
