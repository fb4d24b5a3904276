/// Toll-fraud brakes per trunk: at most `maxCalls` calls at once and at most
/// `maxCPS` new calls in any one-second window (the window opens with the
/// first call after the previous window closed). A value: acquire a slot
/// before dialling the trunk, release it when the call ends.
public struct TrunkCaps: Sendable {
    /// One trunk's limits (0: no limit).
    public struct Limits: Sendable, Equatable {
        /// Concurrent calls.
        public var maxCalls: Int
        /// New calls per second.
        public var maxCPS: Int
        /// Limits with the given values.
        public init(maxCalls: Int = 0, maxCPS: Int = 0) {
            self.maxCalls = maxCalls
            self.maxCPS = maxCPS
        }
    }

    private let limits: [String: Limits]
    private var active: [String: Int] = [:]
    private var windows: [String: (start: Double, count: Int)] = [:]

    /// Caps for the given trunks (trunks not listed have none).
    public init(limits: [String: Limits]) {
        self.limits = limits.filter { $0.value.maxCalls > 0 || $0.value.maxCPS > 0 }
    }

    /// Calls counted on `trunk` now.
    public func activeCalls(_ trunk: String) -> Int { active[trunk] ?? 0 }

    /// Takes a slot on `trunk` at `now` (seconds, monotonic); nil when taken,
    /// else the cap that refused it. Calls on trunks without caps are counted
    /// too, so that caps a reload adds (`limited(by:)`) see them.
    public mutating func acquire(_ trunk: String, now: Double) -> RefusalReason? {
        if let limit = limits[trunk] {
            if limit.maxCalls > 0 && (active[trunk] ?? 0) >= limit.maxCalls { return .trunkMaxCalls }
            if limit.maxCPS > 0 {
                var window = windows[trunk] ?? (now, 0)
                if now - window.start >= 1 { window = (now, 0) }
                if window.count >= limit.maxCPS { return .trunkMaxCPS }
                window.count += 1
                windows[trunk] = window
            }
        }
        active[trunk, default: 0] += 1
        return nil
    }

    /// The same calls in progress and CPS windows, by trunk name, under new
    /// limits (a reload): calls taken before still hold their slots and
    /// release them into the result.
    public func limited(by limits: [String: Limits]) -> TrunkCaps {
        var next = TrunkCaps(limits: limits)
        next.active = active
        next.windows = windows
        return next
    }

    /// Gives back a slot taken with `acquire`.
    public mutating func release(_ trunk: String) {
        guard let count = active[trunk], count > 0 else { return }
        active[trunk] = count - 1
    }
}
