import LegatoSIP

/// Pairs an inbound and an outbound call so that each side's progress,
/// answer and end reach the other.
@SIPActor
public enum Bridge {
    /// Bridges signalling only, with SDP passed through unchanged (`answerDirect`).
    public static func direct(inbound: Call, outbound: Call) {
        outbound.addEventListener(.ringing) { [weak inbound, weak outbound] event in
            guard let inbound, let outbound, case .ringing(_, let headers, let early) = event else { return }
            let crossing = outbound.crossing(headers)
            if early != nil {
                if (try? inbound.startEarlyMediaDirect(peer: outbound, extraHeaders: crossing)) == nil {
                    try? inbound.startEarlyMediaDirect(peer: outbound)
                }
            } else {
                if (try? inbound.ring(extraHeaders: crossing)) == nil { try? inbound.ring() }
            }
        }
        outbound.addEventListener(.connected) { [weak inbound, weak outbound] event in
            guard let outbound else { return }
            guard let inbound, inbound.state == .alerting else {
                try? outbound.hangup()
                return
            }
            do {
                let crossing = outbound.crossing(event.headers)
                if (try? inbound.answerDirect(peer: outbound, extraHeaders: crossing)) == nil {
                    try inbound.answerDirect(peer: outbound)
                }
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
            guard inbound.state == .alerting, case .failed(let headers, let code, let reason) = event else { return }
            let mapped = FailureMapping.inbound(forOutbound: code, reason: reason)
            inbound.refuse(code: mapped.code, reason: mapped.reason, headers: outbound?.crossing(headers) ?? [])
        }
        outbound.addEventListener(.disconnected) { [weak inbound, weak outbound] event in
            guard let inbound else { return onEnd() }
            guard let outbound, inbound.linkedPeer === outbound else { return }
            onEnd()
            hangup(inbound, carrying: outbound.crossing(event.headers))
        }
        inbound.addEventListener(.disconnected) { [weak inbound, weak outbound] event in
            guard let outbound else { return onEnd() }
            guard let inbound, outbound.linkedPeer === inbound else { return }
            onEnd()
            hangup(outbound, carrying: inbound.crossing(event.headers))
        }
    }

    /// Hangs up `call` with the X-headers of the other side's BYE (those the
    /// policy lets cross); without them if any is not acceptable as an API
    /// header, so that the hang-up itself never fails.
    static func hangup(_ call: Call, carrying headers: [SIPHeader]) {
        if (try? call.hangup(extraHeaders: headers)) == nil { try? call.hangup() }
    }
}
