import LegatoSIP

/// Pairs an inbound and an outbound call so that each side's progress,
/// answer and end reach the other.
@SIPActor
public enum Bridge {
    /// Bridges signalling only, with SDP passed through unchanged (`answerDirect`).
    public static func direct(inbound: Call, outbound: Call) {
        outbound.addEventListener(.ringing) { [weak inbound, weak outbound] event in
            guard let inbound, let outbound, case .ringing(_, _, let early) = event else { return }
            if early != nil {
                try? inbound.startEarlyMediaDirect(peer: outbound)
            } else {
                try? inbound.ring()
            }
        }
        outbound.addEventListener(.connected) { [weak inbound, weak outbound] _ in
            guard let outbound else { return }
            guard let inbound, inbound.state == .alerting else {
                try? outbound.hangup()
                return
            }
            do {
                try inbound.answerDirect(peer: outbound)
            } catch {
                inbound.logger.error("bridge.answer-failed", metadata: ["error": "\(error)"])
                inbound.refuse(code: 500)
                try? outbound.hangup()
            }
        }
        linkEnds(inbound: inbound, outbound: outbound)
    }

    /// Ends each side when the other ends: an outbound failure rejects the
    /// unanswered inbound call with the mapped code (`FailureMapping`), a
    /// hang-up on either side hangs up the other. `onEnd` runs at each end
    /// event (relay mode releases its media session there; it must be idempotent).
    ///
    /// A side ends the other only while they are linked (`Call.linkedPeer`):
    /// a blind transfer unlinks the transferee from the transferor first, so
    /// the transferor's BYE does not end the transferee, and `onEnd` (which
    /// the bridge uses to release media) runs only for linked ends.
    static func linkEnds(inbound: Call, outbound: Call, onEnd: @escaping @SIPActor () -> Void = {}) {
        inbound.linkedPeer = outbound
        outbound.linkedPeer = inbound
        outbound.addEventListener(.failed) { [weak inbound, weak outbound] event in
            guard let inbound else { return onEnd() }
            guard inbound.linkedPeer === outbound else { return }
            onEnd()
            guard inbound.state == .alerting, case .failed(_, let code, let reason) = event else { return }
            let mapped = FailureMapping.inbound(forOutbound: code, reason: reason)
            inbound.refuse(code: mapped.code, reason: mapped.reason)
        }
        outbound.addEventListener(.disconnected) { [weak inbound, weak outbound] _ in
            guard let inbound else { return onEnd() }
            guard let outbound, inbound.linkedPeer === outbound else { return }
            onEnd()
            try? inbound.hangup()
        }
        inbound.addEventListener(.disconnected) { [weak inbound, weak outbound] _ in
            guard let outbound else { return onEnd() }
            guard let inbound, outbound.linkedPeer === inbound else { return }
            onEnd()
            try? outbound.hangup()
        }
    }
}
