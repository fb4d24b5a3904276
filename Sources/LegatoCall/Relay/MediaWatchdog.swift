import LegatoMedia
import LegatoSIP

/// RTP timeout settings in seconds (`media.rtp_timeout`, `media.rtp_hangup_timeout`; 0 = never hang up).
public struct WatchdogSettings: Sendable, Equatable {
    /// Seconds of silence before RtpStopped.
    public var stopAfter: Double
    /// Seconds of silence before the call is hung up (0: never).
    public var hangupAfter: Double
    /// The settings as the conf gives them.
    public init(stopAfter: Double, hangupAfter: Double) {
        self.stopAfter = stopAfter
        self.hangupAfter = hangupAfter
    }
}

/// The signalling side of the RTP watchdog of one relay session: the
/// media worker judges the silence once a second (`RelaySession.startWatchdog`)
/// and reports only changes; this object hands each change to `report` on
/// the signalling thread, while `isLive` says the calls are still connected.
/// Hold is pushed to the worker (`setHeld`) when it changes. Used by relay
/// bridges (both legs) and by calls whose media Legato anchors (leg A).
@SIPActor
final class MediaWatchdog {
    private let session: RelaySession
    private let isLive: @SIPActor () -> Bool
    private let report: @SIPActor (RelayLeg, RTPWatchdog.Verdict) -> Bool
    private var held: Bool
    private var stopped = false

    /// Starts watching `legs` of `session`. `isLive` false stops the watch;
    /// `report` returns false to stop it (after an expiry).
    init(session: RelaySession, legs: [RelayLeg], settings: WatchdogSettings, held: Bool,
         isLive: @escaping @SIPActor () -> Bool,
         report: @escaping @SIPActor (RelayLeg, RTPWatchdog.Verdict) -> Bool) {
        self.session = session
        self.isLive = isLive
        self.report = report
        self.held = held
        let stop = Duration.milliseconds(Int(settings.stopAfter * 1000))
        let hangup = settings.hangupAfter > 0 ? Duration.milliseconds(Int(settings.hangupAfter * 1000)) : nil
        MediaEventRouter.shared.register(watchdog: self, for: session.id)
        session.startWatchdog(legs: legs, stopAfter: stop, hangupAfter: hangup, held: held)
    }

    /// The call went on or off hold: silence does not count while held.
    func setHeld(_ held: Bool) {
        guard !stopped, held != self.held else { return }
        self.held = held
        session.setWatchdogHeld(held)
    }

    /// A verdict from the worker.
    func deliver(_ leg: RelayLeg, _ verdict: RTPWatchdog.Verdict) {
        guard !stopped else { return }
        guard isLive() else {
            stop()
            return
        }
        if !report(leg, verdict) { stop() }
    }

    /// Stops watching. Idempotent.
    func stop() {
        guard !stopped else { return }
        stopped = true
        MediaEventRouter.shared.unregister(watchdog: self, for: session.id)
        session.stopWatchdog()
    }
}
