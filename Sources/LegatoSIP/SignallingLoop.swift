import Synchronization
internal import CSofiaShim
#if canImport(Glibc)
import Glibc
#endif

/// The thread that owns sofia-sip's `su_root`.
///
/// Created on first use: a dedicated thread creates the root (with nua's stack
/// on the same thread), registers the executor's eventfd and runs the root
/// until the process exits. Everything that touches sofia runs there, isolated
/// to `SIPActor`.
public final class SignallingLoop: @unchecked Sendable {
    /// The process-wide loop. Starting it blocks until the thread is running.
    public static let shared = SignallingLoop()

    /// The executor behind `SIPActor`.
    public let executor = LoopExecutor()
    // Set once on the loop thread before `ready` is signalled; read afterwards only there.
    nonisolated(unsafe) var root: OpaquePointer?
    private let ready = Mutex<Bool>(false)

    private init() {
        var thread = pthread_t()
        let box = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { arg in
            let loop = Unmanaged<SignallingLoop>.fromOpaque(arg!).takeRetainedValue()
            loop.runOnThisThread()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        pthread_detach(thread)
        while !ready.withLock({ $0 }) { usleep(200) }
    }

    private func runOnThisThread() {
        executor.adoptCurrentThread()
        guard let root = legato_root_create() else { fatalError("su_root_create failed") }
        self.root = root
        let rc = legato_root_register_fd(root, executor.eventFD, { arg in
            Unmanaged<LoopExecutor>.fromOpaque(arg!).takeUnretainedValue().drain()
        }, Unmanaged.passUnretained(executor).toOpaque())
        precondition(rc >= 0, "su_root_register failed")
        ready.withLock { $0 = true }
        legato_root_run(root)
    }
}
