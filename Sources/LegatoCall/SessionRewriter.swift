import LegatoSIP

/// What a `SessionRewriter` makes of an SDP on its way from one leg to the other.
enum RewriteResult {
    /// Send this body on to the other leg.
    case forward(SIPBody)
    /// Answer the request with this status instead (488, 491…).
    case refuse(code: Int, reason: String?)
}

/// Rewrites the SDP of mid-call offer/answer exchanges (re-INVITE, UPDATE)
/// between the two sides of a `CallBridge`. Relay mode installs one
/// (Legato's addresses, ports and keys replace the other side's); direct
/// mode has none and passes SDP unchanged.
@SIPActor
protocol SessionRewriter: AnyObject {
    /// An offer `side`'s remote sent: what to offer the other side.
    func rewriteOffer(from side: BridgeSide, body: SIPBody) -> RewriteResult
    /// The other side's answer to the forwarded offer (`side` answered):
    /// what to answer the offerer with.
    func rewriteAnswer(from side: BridgeSide, body: SIPBody?) -> RewriteResult
    /// The forwarded offer failed (non-2xx from `side`).
    func offerFailed(to side: BridgeSide)
}
