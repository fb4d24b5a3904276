/// Identifies a media session (one relayed call) across the signalling layer
/// and the media workers. Chosen by the caller; unique per worker.
public struct MediaSessionID: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The caller's number for the session.
    public let rawValue: UInt64

    /// The session with this number.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// The session with this number.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    /// The session with this number, from a literal.
    public init(integerLiteral value: UInt64) { self.rawValue = value }

    /// `media#N`, for logs.
    public var description: String { "media#\(rawValue)" }
}

/// One of the two legs of a relay session. Packets received on leg A are sent
/// out of leg B (towards B's remote) and vice versa.
public enum RelayLeg: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case a = 0
    case b = 1

    /// The other leg.
    public var peer: RelayLeg { self == .a ? .b : .a }

    /// `A` or `B`.
    public var description: String { self == .a ? "A" : "B" }
}

/// The two streams of a leg.
public enum MediaStream: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case rtp = 0
    case rtcp = 1

    /// `RTP` or `RTCP`.
    public var description: String { self == .rtp ? "RTP" : "RTCP" }
}
