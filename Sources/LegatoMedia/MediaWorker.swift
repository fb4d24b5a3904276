internal import CLibevent
internal import CMediaShim
import Glibc
import Synchronization

/// A media thread owning one libevent `event_base` and the relay sessions
/// placed on it.
///
/// Other threads talk to it only through commands: a closure appended to a
/// mutex-guarded queue, plus a write to an eventfd the loop watches (written
/// only when the queue goes from empty to non-empty). The packet path takes no
/// lock. Events go back through the closure given at creation, called on the
/// worker thread.
///
/// Call `shutdown()` when done (a `MediaWorkerPool` does it for its workers):
/// the thread keeps the worker alive until then.
public final class MediaWorker: Sendable {
    /// Position in the pool (used in the thread name).
    public let index: Int

    typealias Command = @Sendable (WorkerLoop?) -> Void

    private struct QueueState {
        var commands: [Command] = []
        var stopping = false
        var thread: pthread_t?
        var joined = false
    }

    private let queue = Mutex(QueueState())
    private let wakeFD: Int32
    let loop: WorkerLoop
    /// Touched only on the worker thread (set before the thread starts).
    private nonisolated(unsafe) var wakeEvent: OpaquePointer?

    init(index: Int, ports: MediaPortPool, events: @escaping @Sendable (MediaEvent) -> Void) throws(MediaError) {
        self.index = index
        let fd = legato_media_eventfd()
        guard fd >= 0 else { throw .system(call: "eventfd", errno: errno) }
        wakeFD = fd
        do {
            loop = try WorkerLoop(ports: ports, events: events)
        } catch {
            close(fd)
            throw error
        }
        let arg = Unmanaged.passUnretained(self).toOpaque()
        guard let ev = event_new(loop.base, fd, Int16(EV_READ | EV_PERSIST), { _, _, arg in
            guard let arg else { return }
            Unmanaged<MediaWorker>.fromOpaque(arg).takeUnretainedValue().runCommands()
        }, arg), event_add(ev, nil) == 0 else {
            close(fd)
            throw .eventLoop("wake event")
        }
        wakeEvent = ev
        try start()
    }

    /// Creates a standalone worker (a pool is the usual way). `portRange` is
    /// this worker's own allocator.
    public convenience init(portRange: ClosedRange<Int>, events: @escaping @Sendable (MediaEvent) -> Void = { _ in }) throws {
        try self.init(index: 0, ports: MediaPortPool(range: portRange), events: events)
    }

    private func start() throws(MediaError) {
        var thread = pthread_t()
        let retained = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { arg in
            let worker = Unmanaged<MediaWorker>.fromOpaque(arg!).takeRetainedValue()
            worker.threadMain()
            return nil
        }, retained)
        guard rc == 0 else {
            Unmanaged<MediaWorker>.fromOpaque(retained).release()
            if let ev = wakeEvent { event_free(ev) }
            close(wakeFD)
            throw .system(call: "pthread_create", errno: rc)
        }
        queue.withLock { $0.thread = thread }
    }

    private func threadMain() {
        legato_media_set_thread_name("legato-media-\(index)")
        event_base_dispatch(loop.base)
        // Stopped: every session's sockets and ports go.
        loop.releaseAll()
        if let ev = wakeEvent { event_free(ev) }
        wakeEvent = nil
        // No one writes the eventfd once `stopping` is set (writes happen under the lock).
        close(wakeFD)
    }

    /// Wake-event callback: runs queued commands in order, then stops the loop
    /// if asked to.
    private func runCommands() {
        legato_media_eventfd_drain(wakeFD)
        var batch: [Command] = []
        let stopping = queue.withLock { state -> Bool in
            swap(&batch, &state.commands)
            return state.stopping
        }
        for command in batch { command(loop) }
        if stopping { event_base_loopbreak(loop.base) }
    }

    /// Queues `command` for the worker thread. After shutdown the command runs
    /// at once on the caller's thread with `nil`.
    func post(_ command: @escaping Command) {
        let accepted = queue.withLock { state -> Bool in
            guard !state.stopping else { return false }
            state.commands.append(command)
            if state.commands.count == 1 { legato_media_eventfd_signal(wakeFD) }
            return true
        }
        if !accepted { command(nil) }
    }

    /// Runs `body` on the worker thread and returns its result.
    func perform<T: Sendable>(_ body: @escaping @Sendable (WorkerLoop) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            post { loop in
                guard let loop else {
                    continuation.resume(throwing: MediaError.workerStopped)
                    return
                }
                continuation.resume(with: Result { try body(loop) })
            }
        }
    }

    /// Creates a relay session on this worker: allocates and binds a port
    /// pair per leg on `legA`/`legB` (numeric IPv4 or IPv6 addresses; the legs
    /// may differ in family).
    public func createRelaySession(id: MediaSessionID, legA: String, legB: String,
                                   options: RelaySessionOptions = RelaySessionOptions()) async throws -> RelaySession {
        let a = try SocketAddress(host: legA, port: 0)
        let b = try SocketAddress(host: legB, port: 0)
        let ports = try await perform { loop in
            try loop.createRelay(id: id, legA: a, legB: b, options: options)
        }
        var ice: [RelayLeg: ICECredentials] = [:]
        ice[.a] = options.iceA
        ice[.b] = options.iceB
        return RelaySession(id: id, ports: ports, worker: self, ice: ice)
    }

    /// Packet counters of every session this worker ran (live and released).
    public func totals() async throws -> MediaTotals {
        try await perform { $0.totals() }
    }

    /// Number of sessions living on this worker.
    public func sessionCount() async throws -> Int {
        try await perform { $0.sessions.count }
    }

    /// Stops the loop: queued commands still run, then every session is
    /// released and the thread exits. Waits for the thread unless called from
    /// it. Commands posted afterwards fail with `MediaError.workerStopped`.
    public func shutdown() {
        let thread = queue.withLock { state -> pthread_t? in
            if !state.stopping {
                state.stopping = true
                legato_media_eventfd_signal(wakeFD)
            }
            guard !state.joined, let thread = state.thread else { return nil }
            state.joined = true
            return thread
        }
        guard let thread else { return }
        if pthread_equal(thread, pthread_self()) != 0 {
            pthread_detach(thread)
        } else {
            pthread_join(thread, nil)
        }
    }
}
