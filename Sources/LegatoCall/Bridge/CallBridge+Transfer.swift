import LegatoSIP

/// Blind transfer on a bridge, for any scenario: the side whose remote sent
/// REFER (the transferor's) is handed to a new call to the target, and the
/// other side (the transferee) talks to the target from then on.
extension CallBridge {
    /// The SDP to offer a transfer target that will take `side`: in relay
    /// mode Legato's SDP for that side's relay leg (the transferee keeps its
    /// media path and needs no re-INVITE), in direct mode the transferee's
    /// own SDP. Throws `offerNotAcceptable` when there is no session to transfer.
    public func transferOffer(replacing side: BridgeSide) throws(CallError) -> SIPBody? {
        let transferee = self[side.other]
        guard let relay = media as? RelayMedia else { return transferee.remoteSession }
        do {
            return try relay.transferOffer(replacing: side.relayLeg, remaining: transferee)
        } catch {
            throw .offerNotAcceptable(method: "transferOffer", reason: error.reason)
        }
    }

    /// The transfer target answered: `target` takes `side` in place of the
    /// transferor, which leaves the bridge (hang it up yourself once the
    /// transfer is reported). Relay mode re-points the relay leg; direct
    /// mode re-INVITEs the transferee with the target's SDP. Ends are linked
    /// again. Throws `invalidState` unless the target and the transferee are
    /// connected, `offerNotAcceptable` when relay mode cannot use the target's SDP.
    public func transfer(_ side: BridgeSide, to target: Call) throws(CallError) {
        let transferee = self[side.other]
        guard target.state == .connected else {
            throw .invalidState(method: "transfer", state: target.state, incoming: target.incoming)
        }
        guard transferee.state == .connected else {
            throw .invalidState(method: "transfer", state: transferee.state, incoming: transferee.incoming)
        }
        if let relay = media as? RelayMedia {
            do throws(SRTPNegotiator.Refusal) {
                try relay.completeTransfer(replacing: side.relayLeg, with: target)
            } catch {
                throw .offerNotAcceptable(method: "transfer", reason: error.reason)
            }
            replace(side, with: target)
            relay.transferCompleted()
        } else {
            replace(side, with: target)
            offerLocally(to: side.other, body: target.remoteSession)
        }
    }
}
