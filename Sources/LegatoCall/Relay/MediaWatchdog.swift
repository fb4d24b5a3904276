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

/// The media layer's RTP watchdog for one relay session: once a second it
/// reads the session's receive times on the worker and feeds one
/// `RTPWatchdog` per watched leg; `report` gets each change. Silence while
/// `isHeld` says the call is on hold does not count. Used by relay bridges
/// (both legs) and by calls whose media Legato anchors (leg A).
@SIPActor
final class MediaWatchdog {
    private var task: Task<Void, Never>?

    /// Starts watching `legs` of `session`. `isLive` false stops the watch;
    /// `report` returns false to stop it (after an expiry).
    init(session: RelaySession, legs: [RelayLeg], settings: WatchdogSettings,
         isLive: @escaping @SIPActor () -> Bool, isHeld: @escaping @SIPActor () -> Bool,
         report: @escaping @SIPActor (RelayLeg, RTPWatchdog.Verdict) -> Bool) {
        let stop = Duration.milliseconds(Int(settings.stopAfter * 1000))
        let hangup = settings.hangupAfter > 0 ? Duration.milliseconds(Int(settings.hangupAfter * 1000)) : nil
        let now = ContinuousClock.now
        var dogs = legs.map { _ in RTPWatchdog(stopAfter: stop, hangupAfter: hangup, start: now) }
        task = Task { @SIPActor in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                guard !Task.isCancelled, isLive(), let stats = try? await session.stats() else { return }
                if isHeld() {
                    for index in dogs.indices { dogs[index].exempt(until: .now) }
                    continue
                }
                for (index, leg) in legs.enumerated() {
                    let last = (leg == .a ? stats.a : stats.b).lastPacketAt
                    let verdict = dogs[index].observe(lastPacket: last, now: .now)
                    if verdict != .unchanged, !report(leg, verdict) { return }
                }
            }
        }
    }

    /// Stops watching.
    func stop() {
        task?.cancel()
        task = nil
    }

    deinit { task?.cancel() }
}
