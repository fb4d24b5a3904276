import LegatoMedia
import LegatoSIP

/// Delivers media workers' events to the calls of the relay session they
/// concern: a table from session and leg to the call on it (weak: it owns nothing).
@SIPActor
public final class MediaEventRouter {
    /// The process-wide router; the daemon's media pool sends its events here.
    public static let shared = MediaEventRouter()

    private struct Entry {
        weak var a: Call?
        weak var b: Call?
    }

    private var sessions: [MediaSessionID: Entry] = [:]

    private struct WatchdogEntry {
        weak var watchdog: MediaWatchdog?
    }

    /// The RTP watchdog of each watched session (weak: the media owning it ends it).
    private var watchdogs: [MediaSessionID: WatchdogEntry] = [:]

    /// `watchdog` gets `session`'s watchdog verdicts.
    func register(watchdog: MediaWatchdog, for session: MediaSessionID) {
        watchdogs[session] = WatchdogEntry(watchdog: watchdog)
    }

    /// Forgets `watchdog` (a newer one for the same session stays).
    func unregister(watchdog: MediaWatchdog, for session: MediaSessionID) {
        if watchdogs[session]?.watchdog === watchdog || watchdogs[session]?.watchdog == nil {
            watchdogs[session] = nil
        }
    }

    /// The closure to give `MediaWorkerPool`: hops each event onto the signalling thread.
    public nonisolated static func eventHandler() -> @Sendable (MediaEvent) -> Void {
        { event in Task { @SIPActor in MediaEventRouter.shared.deliver(event) } }
    }

    /// The calls on leg A and leg B of `session` (leg B absent for an anchored call).
    func register(_ session: MediaSessionID, a: Call, b: Call?) {
        sessions[session] = Entry(a: a, b: b)
    }

    func unregister(_ session: MediaSessionID) {
        sessions[session] = nil
    }

    func deliver(_ event: MediaEvent) {
        switch event {
        case .firstPacket(let session, let leg):
            guard let entry = sessions[session], let call = leg == .a ? entry.a : entry.b else { return }
            call.fireMediaEvent(.firstAudioPacketReceived)
        case .tone(let session, let leg, let digit):
            guard let entry = sessions[session], let call = leg == .a ? entry.a : entry.b else { return }
            call.toneDetected(String(digit.character), type: .rfc4733)
        case .playbackFinished(let session, let leg, let playback, let stopped):
            guard let entry = sessions[session], let call = leg == .a ? entry.a : entry.b else { return }
            call.playbackEnded(playback, stopped: stopped)
        case .inBandTone(let session, let leg, let digit):
            guard let entry = sessions[session], let call = leg == .a ? entry.a : entry.b else { return }
            call.toneDetected(String(digit.character), type: .inBand)
        case .voiceActivity(let session, let leg, let active):
            guard let entry = sessions[session], let call = leg == .a ? entry.a : entry.b else { return }
            call.micStatusChanged(active: active)
        case .watchdog(let session, let leg, let verdict):
            watchdogs[session]?.watchdog?.deliver(leg, verdict)
        case .latched:
            break
        }
    }
}
