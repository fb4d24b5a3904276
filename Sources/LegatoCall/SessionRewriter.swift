import LegatoSIP

/// What a `SessionRewriter` makes of an SDP on its way from one leg to the other.
enum RewriteResult {
    /// Send this body on to the other leg.
    case forward(SIPBody)
    /// Answer the request with this status instead (488, 491…).
    case refuse(code: Int, reason: String?)
}

/// Rewrites the SDP of mid-call offer/answer exchanges (re-INVITE) between
/// two paired calls. Relay mode installs one (Legato's addresses, ports and
/// keys replace the peer's); direct mode has none and passes SDP unchanged.
@SIPActor
protocol SessionRewriter: AnyObject {
    /// An offer `call`'s remote sent in a re-INVITE: what to offer the peer.
    func rewriteOffer(from call: Call, body: SIPBody) -> RewriteResult
    /// The peer's answer to the forwarded offer (`call` is the peer): what
    /// to answer the offerer with.
    func rewriteAnswer(from call: Call, body: SIPBody?) -> RewriteResult
    /// The forwarded offer failed (non-2xx from `call`, the peer).
    func offerFailed(to call: Call)
}
