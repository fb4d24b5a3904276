/// The direction attribute of a media section or session (RFC 4566 / 3264).
public enum MediaDirection: String, Sendable, Equatable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive

    /// The direction the other side answers with (RFC 3264 6.1).
    public var reversed: MediaDirection {
        switch self {
        case .sendonly: return .recvonly
        case .recvonly: return .sendonly
        case .sendrecv, .inactive: return self
        }
    }

    /// True when the section puts the remote party on hold (RFC 3264 8.4).
    public var isHold: Bool { self == .sendonly || self == .inactive }
}
