#if canImport(Glibc)
import Glibc
#endif

/// A wall-clock instant, in milliseconds since the Unix epoch (UTC), as
/// call detail records state times.
public struct WallTime: Sendable, Equatable, Comparable, Hashable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    /// The instant `milliseconds` after the epoch.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Now, by the system's real-time clock.
    public static var now: WallTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return WallTime(milliseconds: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }

    /// RFC 3339 in UTC with milliseconds: `2026-12-01T04:15:02.123Z`.
    public var rfc3339: String {
        var seconds = time_t(milliseconds.floorDiv(1000))
        let millis = Int(milliseconds - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let ms = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(ms)Z"
    }

    /// Seconds from `self` to `later` (milliseconds precision).
    public func seconds(to later: WallTime) -> Double { Double(later.milliseconds - milliseconds) / 1000 }

    /// Earlier than.
    public static func < (lhs: WallTime, rhs: WallTime) -> Bool { lhs.milliseconds < rhs.milliseconds }
}

extension Int64 {
    fileprivate func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
