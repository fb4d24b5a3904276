import Synchronization

/// How many of the per-call objects exist right now: incremented in their
/// `init`, decremented in their `deinit`. With no call in progress every
/// count is back to zero unless something keeps a finished call alive (a
/// retain cycle, a table never cleaned); `legato ctl status --json` reports
/// them (`live`) so tests and operators can tell a leak from allocator growth.
public enum LiveObjects {
    /// `Call` objects (one per leg).
    public static let calls = Atomic<Int>(0)
    /// `CallBridge` objects.
    public static let bridges = Atomic<Int>(0)
    /// Relay media (`RelayMedia`, one per relayed bridge).
    public static let relays = Atomic<Int>(0)

    /// The three counts, for reports.
    public static var snapshot: (calls: Int, bridges: Int, relays: Int) {
        (calls.load(ordering: .relaxed), bridges.load(ordering: .relaxed), relays.load(ordering: .relaxed))
    }

    static func born(_ counter: borrowing Atomic<Int>) { counter.add(1, ordering: .relaxed) }
    static func died(_ counter: borrowing Atomic<Int>) { counter.subtract(1, ordering: .relaxed) }
}
