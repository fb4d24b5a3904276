/// The signalling loop's lag samples since start, kept as a histogram of
/// 1 ms buckets up to 10 s (one overflow bucket above) plus the exact maximum,
/// so that `legato ctl status` can give a percentile over the whole run in
/// constant memory.
struct LagHistogram {
    /// Bucket width, in seconds.
    static let bucketSeconds = 0.001
    /// Buckets: [0, 1 ms), [1 ms, 2 ms), … the last one holds everything from 10 s up.
    private var buckets = [Int](repeating: 0, count: 10_001)
    /// Samples recorded.
    private(set) var count = 0
    /// The largest sample, in seconds.
    private(set) var maximum: Double = 0

    /// Records one lag sample (seconds; negative counts as 0).
    mutating func record(_ seconds: Double) {
        let value = max(0, seconds)
        let index = min(buckets.count - 1, Int(value / Self.bucketSeconds))
        buckets[index] += 1
        count += 1
        maximum = max(maximum, value)
    }

    /// The `q` quantile (0…1) in seconds: the upper edge of the bucket that
    /// holds it, never above the maximum; 0 without samples.
    func quantile(_ q: Double) -> Double {
        guard count > 0 else { return 0 }
        let rank = max(1, Int((q * Double(count)).rounded(.up)))
        var seen = 0
        for (index, n) in buckets.enumerated() {
            seen += n
            if seen >= rank {
                // The overflow bucket has no upper edge: the maximum bounds it.
                return index == buckets.count - 1 ? maximum : min(maximum, Double(index + 1) * Self.bucketSeconds)
            }
        }
        return maximum
    }
}
