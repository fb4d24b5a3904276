/// Ports a relay session was given, per leg (RTCP is always RTP + 1).
public struct RelayLegPorts: Sendable, Hashable {
    /// The RTP port (even).
    public let rtp: Int
    /// The RTCP port (RTP + 1).
    public var rtcp: Int { rtp + 1 }

    /// `rtp` is the even port; RTCP is `rtp + 1`.
    public init(rtp: Int) { self.rtp = rtp }
}

/// Where a relay session's legs listen.
public struct RelaySessionPorts: Sendable, Hashable {
    /// Leg A's ports (put them in the SDP sent to A's side).
    public let a: RelayLegPorts
    /// Leg B's ports.
    public let b: RelayLegPorts

    /// The ports of both legs.
    public init(a: RelayLegPorts, b: RelayLegPorts) {
        self.a = a
        self.b = b
    }

    /// The ports of `leg`.
    public subscript(leg: RelayLeg) -> RelayLegPorts { leg == .a ? a : b }
}

/// Per-session relay behaviour.
public struct RelaySessionOptions: Sendable, Hashable {
    /// After latching, follow a new source instead of dropping its packets
    /// (conf: media re-latching). Off by default: packets from other sources
    /// are dropped and counted.
    public var allowRelatch: Bool
    /// rtcp-mux (RFC 5761) per leg: that leg's RTCP shares its RTP socket.
    public var rtcpMuxA: Bool
    /// rtcp-mux for leg B.
    public var rtcpMuxB: Bool
    /// Leg A's packets go back to leg A's remote (an echo test service);
    /// leg B is then unused.
    public var echoA: Bool
    /// Legato's ICE credentials on leg A (media.ice: lite): STUN Binding
    /// Requests for them are answered on A's ports. nil: STUN is dropped.
    public var iceA: ICECredentials?
    /// Legato's ICE credentials on leg B.
    public var iceB: ICECredentials?

    /// Options; by default no relatching, no rtcp-mux, no echo and no ICE (STUN dropped).
    public init(allowRelatch: Bool = false, rtcpMuxA: Bool = false, rtcpMuxB: Bool = false, echoA: Bool = false,
                iceA: ICECredentials? = nil, iceB: ICECredentials? = nil) {
        self.iceA = iceA
        self.iceB = iceB
        self.echoA = echoA
        self.allowRelatch = allowRelatch
        self.rtcpMuxA = rtcpMuxA
        self.rtcpMuxB = rtcpMuxB
    }

    func rtcpMux(_ leg: RelayLeg) -> Bool { leg == .a ? rtcpMuxA : rtcpMuxB }
}
