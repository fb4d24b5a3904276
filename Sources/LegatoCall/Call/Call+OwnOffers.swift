import LegatoSIP

/// A call on its own (no bridge) answers mid-call offers itself.
extension Call {
    /// A re-INVITE on a call outside any bridge.
    func answerOfferItself(_ message: SIPMessage) {
        leg.respond(488)
    }

    /// An UPDATE with an offer on a call outside any bridge.
    func answerUpdateItself(_ request: SIPServerRequest) {
        request.respond(488)
    }

    /// The ACK of a call outside any bridge (it may carry the answer to Legato's offer).
    func ackedItself(_ body: SIPBody?) {}

    /// The answer to the call's own re-offer.
    func anchoredOfferAnswered(_ message: SIPMessage) {
        if (200..<300).contains(message.status) { leg.ack() }
    }

    /// The RTP watchdog of a call whose media is anchored in Legato.
    func startAnchorWatchdog() {}
}
