import Dispatch
import Logging
import LegatoConfig
import LegatoSIP
#if canImport(Glibc)
import Glibc
#endif

/// Starts and keeps the other signalling shards (`signalling.shards` > 1).
///
/// The process started first is shard 0 and the supervisor: before any
/// listener is bound it opens every shard's inbox for every UDP listener, then
/// starts shards 1 … N-1 as copies of itself (its own executable, with the same
/// arguments; `LEGATO_SHARD` and `LEGATO_SHARD_INBOXES` in their environment,
/// no `NOTIFY_SOCKET`). It passes SIGTERM, SIGINT, SIGHUP and SIGUSR1 on to
/// them, starts a shard again (after 1 s, doubling up to 30 s) if it exits
/// while the supervisor runs, and on stop waits for them. A shard whose
/// supervisor dies gets SIGTERM (`PR_SET_PDEATHSIG`) and drains. Shards are
/// started from the signalling thread (this actor's), which lives as long as
/// the process: the death signal follows the thread that started a child.
@SIPActor
final class ShardSupervisor {
    let role: ShardRole
    private let logger: Logger
    private var children: [Int: pid_t] = [:]
    private var restartDelay: [Int: Double] = [:]
    private var stopping = false
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []

    /// Opens the inboxes (nothing is started yet); throws when one cannot be opened.
    init(configuration: LegatoConfiguration, logger: Logger) throws {
        let count = configuration.signalling.shards
        var inboxes: [Int: [SignallingShards.Inbox]] = [:]
        for (index, listener) in configuration.listeners.enumerated() where listener.transports.contains(.udp) {
            var list: [SignallingShards.Inbox] = []
            for _ in 0..<count {
                guard let inbox = SignallingShards.openInbox(bufferBytes: configuration.signalling.udpBuffer) else {
                    throw ShardError.inbox(errno: errno)
                }
                list.append(inbox)
            }
            inboxes[index] = list
        }
        role = ShardRole(index: 0, count: count, inboxes: inboxes)
        self.logger = logger
    }

    /// Why the shards could not start.
    enum ShardError: Error, CustomStringConvertible {
        case inbox(errno: Int32)
        case spawn(shard: Int, errno: Int32)
        var description: String {
            switch self {
            case .inbox(let code): "cannot open a shard inbox on 127.0.0.1: \(String(cString: strerror(code)))"
            case .spawn(let shard, let code): "cannot start shard \(shard): \(String(cString: strerror(code)))"
            }
        }
    }

    /// Starts shards 1 … N-1.
    func startShards() throws {
        for index in 1..<role.count {
            let pid = try spawn(index)
            children[index] = pid
            watch(index, pid)
        }
    }

    /// Passes `signal` on to every running shard.
    func forward(_ signal: Int32) {
        if signal == SIGTERM || signal == SIGINT { stopping = true }
        for pid in children.values { kill(pid, signal) }
    }

    /// Returns once every shard has exited, SIGKILLing those still running
    /// after `grace` + 10 seconds.
    func waitForShards(grace: Double) async {
        stopping = true
        guard !children.isEmpty else { return }
        let deadline = Task { @SIPActor [weak self] in
            try? await Task.sleep(for: .milliseconds(Int((grace + 10) * 1000)))
            guard let self, !Task.isCancelled else { return }
            for (index, pid) in self.children {
                self.logger.error("legato.shard-killed", metadata: ["shard": "\(index)", "pid": "\(pid)"])
                kill(pid, SIGKILL)
            }
        }
        await withCheckedContinuation { exitWaiters.append($0) }
        deadline.cancel()
    }

    private func spawn(_ index: Int) throws -> pid_t {
        var environment: [String: String] = [:]
        var cursor: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor = cursor.advanced(by: 1)
        }
        for key in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID"] {
            environment.removeValue(forKey: key)
        }
        environment.merge(role.environment(for: index)) { _, new in new }
        let argv = CommandLine.arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        SignallingShards.inheritOnly(role.inboxes.values.flatMap { $0.map(\.descriptor) })
        var pid: pid_t = 0
        let result = posix_spawn(&pid, Self.executable, nil, &attributes, argv, envp)
        guard result == 0 else { throw ShardError.spawn(shard: index, errno: result) }
        logger.info("legato.shard-started", metadata: ["shard": "\(index)", "pid": "\(pid)"])
        return pid
    }

    /// This program's file (so that the shards show under its name, not `exe`).
    private static let executable: String = {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return "/proc/self/exe" }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// Waits for the shard's exit on a thread of its own.
    private func watch(_ index: Int, _ pid: pid_t) {
        DispatchQueue(label: "legato.shard.\(index)").async {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let code = status
            Task { @SIPActor in self.exited(index, pid, status: code) }
        }
    }

    private func exited(_ index: Int, _ pid: pid_t, status: Int32) {
        guard children[index] == pid else { return }
        children[index] = nil
        let exitCode = (status >> 8) & 0xff, signal = status & 0x7f
        if stopping {
            logger.info("legato.shard-stopped", metadata: ["shard": "\(index)", "exit": "\(exitCode)", "signal": "\(signal)"])
            if children.isEmpty {
                let waiters = exitWaiters
                exitWaiters.removeAll()
                for waiter in waiters { waiter.resume() }
            }
            return
        }
        // Its dialogs are gone; datagrams for them are dropped until it is back.
        let delay = restartDelay[index] ?? 1
        restartDelay[index] = min(delay * 2, 30)
        logger.critical("legato.shard-exited", metadata: ["shard": "\(index)", "exit": "\(exitCode)",
                                                         "signal": "\(signal)", "restart_in": "\(delay)"])
        Task { @SIPActor in
            try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            guard !self.stopping else { return }
            do {
                let pid = try self.spawn(index)
                self.children[index] = pid
                self.watch(index, pid)
            } catch {
                self.logger.critical("legato.shard-restart-failed", metadata: ["shard": "\(index)", "error": "\(error)"])
            }
        }
    }
}
