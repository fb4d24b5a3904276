/// The RTP watchdog of one relay session, kept on its worker: one
/// `RTPWatchdog` per watched leg, judged once a second against the leg's
/// last-packet time, which the packet path already stamps. Only changes
/// leave the worker (`MediaEvent.watchdog`), so the signalling thread pays
/// nothing per call per second.
///
/// While the call is on hold (`held`), silence does not count: each check
/// moves the watchdogs' start forward instead of judging.
struct SessionWatch: Equatable {
    /// The watched legs and their watchdogs.
    private(set) var legs: [RelayLeg]
    private var dogs: [RTPWatchdog]
    /// True while either side holds the other.
    var held: Bool

    /// Watches `legs` from `start` (when media may first be expected).
    init(legs: [RelayLeg], stopAfter: Duration, hangupAfter: Duration?, held: Bool, start: ContinuousClock.Instant) {
        self.legs = legs
        dogs = legs.map { _ in RTPWatchdog(stopAfter: stopAfter, hangupAfter: hangupAfter, start: start) }
        self.held = held
    }

    /// Judges each watched leg at `now`; `lastPacket` gives a leg's last
    /// receive time. `report` gets each change. Returns false once a leg
    /// expired (the session is no longer watched).
    mutating func check(now: ContinuousClock.Instant, lastPacket: (RelayLeg) -> ContinuousClock.Instant?,
                        report: (RelayLeg, RTPWatchdog.Verdict) -> Void) -> Bool {
        if held {
            for index in dogs.indices { dogs[index].exempt(until: now) }
            return true
        }
        for (index, leg) in legs.enumerated() {
            let verdict = dogs[index].observe(lastPacket: lastPacket(leg), now: now)
            guard verdict != .unchanged else { continue }
            report(leg, verdict)
            if verdict == .expired { return false }
        }
        return true
    }
}
