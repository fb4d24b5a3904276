#if DEBUG
import Logging
import Legato
import LegatoSIP
#if canImport(Glibc)
import Glibc
#endif

/// Debug builds only (compiled out of release builds): SIGUSR1 switches
/// every connected bridge to direct media (`CallBridge.switchToDirect`),
/// SIGUSR2 to relayed media (`switchToRelay`). A test hook for the
/// integration tests that drive real clients through relay → direct →
/// relay mid-call; it has no conf key and no network surface. Production
/// switching is `direct_after_answer` on a route, or the bridge API.
enum MediaSwitchSignals {
    static func watch(logger: Logger) -> SignalWatcher {
        SignalWatcher([SIGUSR1, SIGUSR2]) { signo in
            Task { @SIPActor in
                let toDirect = signo == SIGUSR1
                logger.info("legato.media-switch-signal", metadata: ["media.to": "\(toDirect ? "direct" : "relay")"])
                for bridge in CallBridge.live {
                    do {
                        if toDirect { try await bridge.switchToDirect() } else { try await bridge.switchToRelay() }
                    } catch {
                        logger.warning("legato.media-switch-refused", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }
}
#endif
