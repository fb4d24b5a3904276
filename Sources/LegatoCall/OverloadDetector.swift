/// Decides from measured loop lag whether the signalling thread is overloaded,
/// with hysteresis so the verdict does not flap: on when one sample exceeds the
/// threshold, off again only after `recoverySamples` samples below half of it.
public struct OverloadDetector: Equatable, Sendable {
    /// Loop lag above which one sample turns the verdict on.
    public let threshold: Duration
    /// Consecutive samples below half the threshold needed to turn the verdict off.
    public let recoverySamples: Int
    /// The current verdict; false until a sample exceeds `threshold`.
    public private(set) var isOverloaded = false
    private var quietSamples = 0

    /// Starts not overloaded. `recoverySamples` defaults to 5.
    public init(threshold: Duration, recoverySamples: Int = 5) {
        self.threshold = threshold
        self.recoverySamples = recoverySamples
    }

    /// Feeds one lag sample; returns the verdict after it.
    @discardableResult
    public mutating func observe(lag: Duration) -> Bool {
        if lag > threshold {
            isOverloaded = true
            quietSamples = 0
        } else if isOverloaded {
            quietSamples = lag < threshold / 2 ? quietSamples + 1 : 0
            if quietSamples >= recoverySamples { isOverloaded = false }
        }
        return isOverloaded
    }
}
