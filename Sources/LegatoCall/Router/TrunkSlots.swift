import LegatoSecurity
import LegatoSIP

/// The trunk caps' counts as one object shared by the routers a reload
/// replaces one after the other: calls taken under an old router release their
/// slots here, and the new router's limits apply to the same counts (by trunk
/// name). Owns the clock the CPS windows are measured on, so that windows too
/// carry over.
@SIPActor
final class TrunkSlots {
    private var caps: TrunkCaps
    private let started = ContinuousClock.now

    /// Slots under `limits`, none taken.
    init(limits: [String: TrunkCaps.Limits]) {
        caps = TrunkCaps(limits: limits)
    }

    /// Calls counted on `trunk` now.
    func activeCalls(_ trunk: String) -> Int { caps.activeCalls(trunk) }

    /// Takes a slot on `trunk` now; nil when taken, else the cap that refused it.
    func acquire(_ trunk: String) -> RefusalReason? {
        let elapsed = ContinuousClock.now - started
        let now = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return caps.acquire(trunk, now: now)
    }

    /// Gives back a slot taken with `acquire`.
    func release(_ trunk: String) { caps.release(trunk) }

    /// Keeps the counts and windows, applies `limits` from now on (a reload).
    func apply(_ limits: [String: TrunkCaps.Limits]) {
        caps = caps.limited(by: limits)
    }
}
