/// Pike-like per-source limit on new dialogs: more than `perSecond` in one
/// second blocks the source for `blockSeconds`. A value: feed it events with
/// the time, read the verdict. The table is bounded (`capacity` sources);
/// when full, sources idle for a second or more are forgotten first.
public struct SourceRateLimiter: Sendable {
    /// The verdict for one new dialog.
    public enum Verdict: Equatable, Sendable {
        /// Under the limit.
        case allowed
        /// This event crossed the limit: the source is blocked from now.
        case limited
        /// The source was already blocked.
        case blocked
    }

    private struct Entry: Sendable {
        var windowStart: Double
        var count: Int
        var blockedUntil: Double
    }

    /// New dialogs allowed per source per second.
    public let perSecond: Int
    /// Seconds a source stays blocked after exceeding the limit.
    public let blockSeconds: Double
    /// Most sources remembered.
    public let capacity: Int
    private var entries: [IPAddress: Entry] = [:]

    /// A limiter with an empty table.
    public init(perSecond: Int, blockSeconds: Double, capacity: Int = 65_536) {
        self.perSecond = perSecond
        self.blockSeconds = blockSeconds
        self.capacity = capacity
    }

    /// Number of sources remembered now.
    public var trackedSources: Int { entries.count }

    /// True while `source` is blocked at `now` (seconds on any monotonic clock).
    public func isBlocked(_ source: IPAddress, now: Double) -> Bool {
        (entries[source]?.blockedUntil ?? 0) > now
    }

    /// Counts one new dialog from `source` at `now`.
    public mutating func record(_ source: IPAddress, now: Double) -> Verdict {
        if var entry = entries[source] {
            if entry.blockedUntil > now { return .blocked }
            if now - entry.windowStart >= 1 {
                entry.windowStart = now
                entry.count = 0
            }
            entry.count += 1
            if entry.count > perSecond {
                entry.blockedUntil = now + blockSeconds
                entries[source] = entry
                return .limited
            }
            entries[source] = entry
            return .allowed
        }
        if entries.count >= capacity { evict(now: now) }
        entries[source] = Entry(windowStart: now, count: 1, blockedUntil: 0)
        return perSecond < 1 ? .limited : .allowed
    }

    private mutating func evict(now: Double) {
        entries = entries.filter { $0.value.blockedUntil > now || now - $0.value.windowStart < 1 }
        if entries.count >= capacity, let victim = entries.min(by: { $0.value.windowStart < $1.value.windowStart }) {
            entries[victim.key] = nil
        }
    }
}
