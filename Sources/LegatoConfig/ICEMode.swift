/// What relay mode does about ICE (`media.ice`). Either way Legato removes
/// the endpoints' ICE attributes from the SDP it relays (no connectivity
/// checks run across Legato) and STUN arriving on relay ports never crosses
/// to the other leg.
public enum ICEMode: String, Sendable, Equatable {
    /// STUN on relay ports is dropped; Legato's SDP carries no ICE lines.
    case remove
    /// Legato is an ICE-lite agent towards each side that offered ICE:
    /// `a=ice-lite`, its own credentials and host candidates in its SDP, and
    /// connectivity checks for those credentials answered on its relay ports.
    case lite

    /// Every mode, in the order error messages list them.
    static let allModes: [ICEMode] = [.remove, .lite]
}
