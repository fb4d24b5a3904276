import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGTERM and SIGINT (or the given signals) into calls of a Swift closure (on a Dispatch queue).
///
/// Create it before the daemon says it is ready and `await armed()`: a
/// Dispatch signal source registers asynchronously, and a signal that arrived
/// between `SIG_IGN` and the registration would be lost. Waiting for the
/// registration before `legato.ready` means every signal sent after ready counts.
package final class SignalWatcher {
    private let sources: [any DispatchSourceSignal]
    private let registered = DispatchGroup()

    package init(_ signals: [Int32] = [SIGTERM, SIGINT], _ handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "legato.signals")
        let group = registered
        sources = signals.map { signo in
            // Dispatch delivers the signal only while its default action is off.
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
            source.setEventHandler { handler(signo) }
            group.enter()
            source.setRegistrationHandler { group.leave() }
            source.resume()
            return source
        }
    }

    /// Returns once every source is registered with the kernel.
    package func armed() async {
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            registered.notify(queue: .global()) { cont.resume() }
        }
    }
}
