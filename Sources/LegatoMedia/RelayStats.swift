/// Counters of one stream (RTP or RTCP) of one leg. "In" is what the leg's
/// remote sent to Legato; "out" is what Legato sent to the leg's remote.
public struct RelayStreamStats: Sendable, Equatable {
    /// Packets received on the leg's socket (accepted or not).
    public var packetsIn: UInt64 = 0
    /// Bytes (UDP payload) of the packets in `packetsIn`.
    public var bytesIn: UInt64 = 0
    /// Packets sent towards the leg's remote.
    public var packetsOut: UInt64 = 0
    /// Bytes (UDP payload) of the packets in `packetsOut`.
    public var bytesOut: UInt64 = 0
    /// Packets dropped because they came from a source other than the latched remote.
    public var droppedForeignSource: UInt64 = 0
    /// Packets received but not forwarded because the other leg has no remote yet.
    public var droppedNoDestination: UInt64 = 0
    /// Packets the kernel refused to send towards this leg's remote (socket buffer full).
    public var droppedSendFailure: UInt64 = 0
    /// Packets dropped by attached processing.
    public var droppedByProcessing: UInt64 = 0
    /// SRTP leg: packets received from the remote whose authentication tag
    /// did not verify (dropped, never forwarded).
    public var droppedAuthentication: UInt64 = 0
    /// SRTP leg: packets dropped for another SRTP reason — a replay, or (for
    /// packets sent to the remote) a failed protect.
    public var droppedSRTPOther: UInt64 = 0
    /// When the last packet was received from this leg (monotonic clock, measured once per wakeup).
    public var lastPacketAt: ContinuousClock.Instant?
    /// RTP only: packets the leg's remote sent that never arrived, by RFC 3550
    /// A.3 (expected from the extended highest sequence number minus received;
    /// never negative). Zero until two packets were seen.
    public var packetsLost: UInt64 = 0
    /// RTP only: the RFC 3550 A.8 interarrival jitter estimate of what the
    /// leg's remote sent, in milliseconds; nil until two packets were seen.
    public var jitterMilliseconds: Double?

    /// All counters zero, no packet yet.
    public init() {}

    /// All drops that happened on packets received from this leg.
    public var droppedIn: UInt64 { droppedForeignSource + droppedNoDestination + droppedByProcessing + droppedAuthentication }
}

/// Counters and state of one leg.
public struct RelayLegStats: Sendable, Equatable {
    /// RTP counters.
    public var rtp = RelayStreamStats()
    /// RTCP counters (demultiplexed under rtcp-mux).
    public var rtcp = RelayStreamStats()
    /// The remote the leg's RTP goes to (set by `setRemote` or latched), if any.
    public var rtpRemote: MediaEndpoint?
    /// The remote the leg's RTCP goes to, if any (the RTP remote when rtcp-mux is on).
    public var rtcpRemote: MediaEndpoint?
    /// True once the RTP remote was latched from a received packet.
    public var rtpLatched = false
    /// True once the RTCP remote was latched from a received packet.
    public var rtcpLatched = false
    /// STUN received on the leg's ports (never relayed, never latching).
    public var stun = RelaySTUNStats()

    /// All counters zero, no remote.
    public init() {}

    /// The counters of `stream` (`rtp` or `rtcp`).
    public subscript(stream: MediaStream) -> RelayStreamStats {
        get { stream == .rtp ? rtp : rtcp }
        set { if stream == .rtp { rtp = newValue } else { rtcp = newValue } }
    }

    /// The later of the RTP and RTCP last-packet times (for an RTP-timeout watchdog).
    public var lastPacketAt: ContinuousClock.Instant? {
        switch (rtp.lastPacketAt, rtcp.lastPacketAt) {
        case let (x?, y?): return max(x, y)
        case let (x?, nil): return x
        case let (nil, y): return y
        }
    }
}

/// A snapshot of a relay session's counters.
public struct RelaySessionStats: Sendable, Equatable {
    /// Leg A.
    public var a = RelayLegStats()
    /// Leg B.
    public var b = RelayLegStats()

    /// Both legs zero.
    public init() {}

    /// The stats of `leg` (`a` or `b`).
    public subscript(leg: RelayLeg) -> RelayLegStats {
        get { leg == .a ? a : b }
        set { if leg == .a { a = newValue } else { b = newValue } }
    }
}

/// STUN messages received on a leg's relay ports (RTP and RTCP together).
/// None is ever relayed to the other leg or latches the leg.
public struct RelaySTUNStats: Sendable, Equatable {
    /// Every STUN message received.
    public var received: UInt64 = 0
    /// Binding Requests answered with a Binding Success Response (media.ice: lite).
    public var answered: UInt64 = 0
    /// Binding Requests dropped for a USERNAME that is not Legato's ufrag for
    /// the leg, or a MESSAGE-INTEGRITY or FINGERPRINT that does not verify.
    public var droppedUnauthenticated: UInt64 = 0
    /// Other STUN dropped: everything when the leg has no ICE credentials
    /// (media.ice: remove), and anything but a Binding Request.
    public var dropped: UInt64 = 0

    /// All counters zero.
    public init() {}
}
