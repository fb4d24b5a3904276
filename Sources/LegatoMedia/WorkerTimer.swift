internal import CLibevent
import Glibc
import Synchronization

/// A one-shot libevent timer on a media worker: what playouts, DTMF senders
/// and recorders run on. The owner re-arms it for each next tick against its
/// own absolute schedule (`arm(after:)`), so callback latency never
/// accumulates; `cancel()` frees the event (idempotent; `deinit` too). Lives
/// on, and only runs on, the worker thread; `fire` must not retain the owner.
final class WorkerTimer {
    /// Timers alive of one kind (tests check that closing sessions frees them).
    final class Count: Sendable {
        private let value = Atomic<Int>(0)

        init() {}

        /// How many are alive now.
        var current: Int { value.load(ordering: .relaxed) }
        fileprivate func add(_ delta: Int) { value.add(delta, ordering: .relaxed) }
    }

    private var event: OpaquePointer?
    private let fire: () -> Void
    private let count: Count

    /// A timer on the worker loop `base`, counted in `count`.
    init(base: OpaquePointer, count: Count, fire: @escaping () -> Void) throws(MediaError) {
        self.fire = fire
        self.count = count
        let arg = Unmanaged.passUnretained(self).toOpaque()
        guard let ev = event_new(base, -1, 0, { _, _, arg in
            guard let arg else { return }
            Unmanaged<WorkerTimer>.fromOpaque(arg).takeUnretainedValue().fire()
        }, arg) else { throw .eventLoop("event_new") }
        event = ev
        count.add(1)
    }

    deinit { cancel() }

    /// Calls `fire` once, `delay` from now (at once when it is not positive); replaces a pending call.
    func arm(after delay: Duration) {
        guard let event else { return }
        let (seconds, attoseconds) = delay.components
        var tv = delay <= .zero ? timeval(tv_sec: 0, tv_usec: 0)
            : timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        event_add(event, &tv)
    }

    /// Frees the event; `fire` is not called afterwards.
    func cancel() {
        guard let ev = event else { return }
        event_free(ev)  // deletes it first if pending
        event = nil
        count.add(-1)
    }
}
