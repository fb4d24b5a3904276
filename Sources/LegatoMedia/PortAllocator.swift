/// Hands out RTP/RTCP port pairs (even RTP port, RTCP = RTP + 1) from a
/// configured range, round robin so a freed pair is not reused at once (late
/// packets of the old call must not reach the new one).
public struct PortAllocator: Sendable, Equatable {
    /// Why no pair could be given.
    public enum Failure: Error, Equatable, Sendable {
        case exhausted
    }

    /// The configured range; pairs start at its first even port.
    public let range: ClosedRange<Int>
    private var inUse: Set<Int> = []
    private var next: Int

    /// `range` is clamped to even starts; it must hold at least one pair.
    public init(range: ClosedRange<Int>) {
        precondition(range.count >= 2, "a port range needs at least two ports")
        self.range = range
        self.next = range.lowerBound + (range.lowerBound % 2)
        precondition(next + 1 <= range.upperBound, "a port range needs at least one even/odd pair")
    }

    /// How many pairs the range holds.
    public var capacity: Int { (range.upperBound - firstPairStart + 1) / 2 }

    /// How many pairs are allocated now.
    public var allocatedCount: Int { inUse.count }

    private var firstPairStart: Int { range.lowerBound + (range.lowerBound % 2) }

    /// Takes the next free pair; returns its RTP port.
    public mutating func allocate() throws(Failure) -> Int {
        let first = next
        var candidate = first
        repeat {
            let port = candidate
            candidate += 2
            if candidate + 1 > range.upperBound { candidate = firstPairStart }
            if !inUse.contains(port) {
                inUse.insert(port)
                next = candidate
                return port
            }
        } while candidate != first
        throw .exhausted
    }

    /// Gives a pair back.
    public mutating func release(_ rtpPort: Int) {
        inUse.remove(rtpPort)
    }

    /// True when the pair starting at `rtpPort` is allocated.
    public func isAllocated(_ rtpPort: Int) -> Bool { inUse.contains(rtpPort) }
}
