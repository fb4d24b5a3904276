import Synchronization
internal import CSofiaShim
#if canImport(Glibc)
import Glibc
#endif

/// A serial executor whose jobs run on the su_root loop thread.
///
/// `enqueue` may be called from any thread: it appends the job to a
/// mutex-guarded queue and signals an eventfd registered in the su_root; the
/// loop thread drains the queue when the eventfd becomes readable.
public final class LoopExecutor: SerialExecutor, @unchecked Sendable {
    // Jobs waiting to run. Guarded by the mutex; the only state shared across threads.
    private let pending = Mutex<[UnownedJob]>([])
    let eventFD: Int32
    // Written once by the loop thread before any job runs; read by checkIsolated.
    nonisolated(unsafe) private(set) var ownerThread: pthread_t?

    init() {
        eventFD = legato_eventfd()
        precondition(eventFD >= 0, "eventfd() failed: errno \(errno)")
    }

    /// Claims the calling thread as the loop thread.
    func adoptCurrentThread() { ownerThread = pthread_self() }

    /// Queues `job` for the loop thread; callable from any thread. Wakes the loop
    /// only when the queue was empty.
    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let wasEmpty = pending.withLock { queue in
            queue.append(unowned)
            return queue.count == 1
        }
        if wasEmpty { legato_eventfd_signal(eventFD) }
    }

    /// Runs every queued job; called on the loop thread when the eventfd fires.
    func drain() {
        legato_eventfd_drain(eventFD)
        while true {
            let jobs = pending.withLock { queue -> [UnownedJob] in
                let taken = queue
                queue.removeAll(keepingCapacity: true)
                return taken
            }
            if jobs.isEmpty { return }
            for job in jobs { job.runSynchronously(on: asUnownedSerialExecutor()) }
        }
    }

    /// True on the loop thread.
    public var isOnLoopThread: Bool {
        guard let owner = ownerThread else { return false }
        return pthread_equal(owner, pthread_self()) != 0
    }

    /// Traps unless called on the loop thread.
    public func checkIsolated() {
        precondition(isOnLoopThread, "not on the Legato signalling thread")
    }

    /// This executor as an unowned reference, for actors that run on it.
    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
