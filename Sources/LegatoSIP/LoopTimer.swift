internal import CSofiaShim

/// A one-shot timer on the signalling loop's own timer queue (sofia's
/// `su_timer`): the action runs on the loop thread, isolated to `SIPActor`,
/// without a Swift `Task`, a dispatch timer or a thread hop — so arming and
/// cancelling per-call timers (no-answer, early media, session timers) costs
/// a heap operation, not two wake-ups.
///
/// While armed, the timer keeps itself alive; `cancel()` or firing lets go.
@SIPActor
public final class LoopTimer {
    private let timer: OpaquePointer?
    private var action: (@SIPActor () -> Void)?
    /// The retain the armed timer holds on itself (sofia holds an unretained pointer).
    private var selfRetain: Unmanaged<LoopTimer>?
    /// Counts `cancel()` calls, so that a repeating beat that cancels stops.
    private var cancels = 0

    /// A stopped timer on the signalling loop.
    public init() {
        timer = SignallingLoop.shared.root.flatMap { legato_timer_create($0) }
    }

    /// A timer already armed to run `action` after `seconds`.
    public convenience init(after seconds: Double, _ action: @escaping @SIPActor () -> Void) {
        self.init()
        schedule(after: seconds, action)
    }

    /// True from `schedule` until the action runs or `cancel()`.
    public var isArmed: Bool { action != nil }

    /// (Re)arms the timer: `action` runs once on the loop after `seconds`
    /// (rounded up to whole milliseconds), replacing any pending action.
    public func schedule(after seconds: Double, _ action: @escaping @SIPActor () -> Void) {
        guard let timer else { return }
        self.action = action
        if selfRetain == nil { selfRetain = Unmanaged.passRetained(self) }
        let ms = UInt(max(0, (seconds * 1000).rounded(.up)))
        _ = legato_timer_start(timer, ms, loopTimerFired, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Runs `beat(lag)` every `period` until `cancel()`, where `lag` is how
    /// much later than `period` the loop ran the beat (the loop's lag).
    public func repeating(every period: Duration, _ beat: @escaping @SIPActor (Duration) -> Void) {
        let start = ContinuousClock.now
        let seconds = Double(period.components.seconds) + Double(period.components.attoseconds) / 1e18
        schedule(after: seconds) {
            let cancels = self.cancels
            beat(ContinuousClock.now - start - period)
            // A beat that cancelled the timer (or re-armed it otherwise) ends the repetition.
            if self.cancels == cancels, !self.isArmed { self.repeating(every: period, beat) }
        }
    }

    /// Disarms the timer; the pending action, if any, never runs.
    public func cancel() {
        cancels &+= 1
        guard let timer, action != nil else { return }
        legato_timer_stop(timer)
        action = nil
        selfRetain?.release()
        selfRetain = nil
    }

    fileprivate func fire() {
        guard let action else { return }
        self.action = nil
        let retained = selfRetain
        selfRetain = nil
        action()
        retained?.release()
    }

    isolated deinit {
        if let timer { legato_timer_destroy(timer) }
    }
}

private let loopTimerFired: legato_fd_callback = { arg in
    guard let arg else { return }
    let timer = Unmanaged<LoopTimer>.fromOpaque(arg).takeUnretainedValue()
    SIPActor.assumeIsolated { timer.fire() }
}
