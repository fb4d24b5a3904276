/// Packet counters summed over relay sessions: what the metrics endpoint
/// reports, aggregated from the per-leg counters the workers keep anyway
/// (no per-packet cost of its own).
public struct MediaTotals: Sendable, Equatable {
    /// RTP packets received from the remotes (every leg).
    public var rtpPacketsIn: UInt64 = 0
    /// RTP packets sent to the remotes (every leg).
    public var rtpPacketsOut: UInt64 = 0
    /// SRTP/SRTCP packets dropped because their authentication tag did not verify.
    public var srtpAuthFailures: UInt64 = 0
    /// Playback frames a worker sent more than a frame (20 ms) late: 0 while
    /// the workers keep up with every playback they run.
    public var lateTicks: UInt64 = 0

    /// All zero.
    public init() {}

    /// The counters of one session.
    public init(_ stats: RelaySessionStats) {
        for leg in [stats.a, stats.b] {
            rtpPacketsIn &+= leg.rtp.packetsIn
            rtpPacketsOut &+= leg.rtp.packetsOut
            srtpAuthFailures &+= leg.rtp.droppedAuthentication &+ leg.rtcp.droppedAuthentication
        }
    }

    /// The sum of both.
    public static func + (lhs: MediaTotals, rhs: MediaTotals) -> MediaTotals {
        var sum = lhs
        sum.rtpPacketsIn &+= rhs.rtpPacketsIn
        sum.rtpPacketsOut &+= rhs.rtpPacketsOut
        sum.srtpAuthFailures &+= rhs.srtpAuthFailures
        sum.lateTicks &+= rhs.lateTicks
        return sum
    }
}

/// The last counters of released sessions, kept a while so that a call
/// detail record written after the release still gets them. Bounded: the
/// oldest entries go first.
struct RetiredSessionStats {
    private(set) var totals = MediaTotals()
    private var stats: [MediaSessionID: RelaySessionStats] = [:]
    private var order: [MediaSessionID] = []
    private var head = 0
    let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    /// Adds a released session's counters to the totals and keeps them for `final(_:)`.
    mutating func retire(_ id: MediaSessionID, _ last: RelaySessionStats) {
        totals = totals + MediaTotals(last)
        stats[id] = last
        order.append(id)
        if order.count - head > capacity {
            stats[order[head]] = nil
            head += 1
            if head > capacity {
                order.removeFirst(head)
                head = 0
            }
        }
    }

    /// The counters a released session had, if it was released recently.
    func final(_ id: MediaSessionID) -> RelaySessionStats? { stats[id] }
}
