import Logging
import LegatoMedia
import LegatoSIP

extension RelayMedia {
    /// Watches both legs while both calls of the bridge are connected: leg
    /// A's silence is side A's remote's, leg B's side B's. Silence while the
    /// call is on hold does not count; an expiry hangs up both sides.
    func watch(settings: WatchdogSettings) {
        watchdogSettings = settings
        watchdog?.stop()
        let session = self.session
        watchdog = MediaWatchdog(
            session: session, legs: [.a, .b], settings: settings, held: isOnHold,
            isLive: { [weak self] in
                guard let bridge = self?.bridge else { return false }
                return bridge.a.state == .connected && bridge.b.state == .connected
            },
            report: { [weak self] leg, verdict in
                guard let bridge = self?.bridge else { return false }
                let call = bridge[leg == .a ? .a : .b]
                switch verdict {
                case .unchanged: return true
                case .stopped: call.fireMediaEvent(.rtpStopped)
                case .resumed: call.fireMediaEvent(.rtpResumed)
                case .expired:
                    call.logger.warning("media.rtp-timeout", metadata: [
                        "media.silence": "\(settings.hangupAfter)", "media.session": "\(session.id)"])
                    bridge.a.endCause = "rtp-timeout"
                    bridge.b.endCause = "rtp-timeout"
                    try? bridge.a.hangup()
                    try? bridge.b.hangup()
                    return false
                }
                return true
            })
    }
}
