import LegatoSIP

extension CallBridge {
    /// Bridges an inbound call to an outbound one with signalling only and
    /// SDP passed through unchanged (direct mode, `answerDirect`): the
    /// outbound call's progress and answer reach the inbound call, and each
    /// side's end ends the other.
    @discardableResult
    public static func direct(inbound: Call, outbound: Call) -> CallBridge {
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
        return join(a: inbound, b: outbound, media: nil, linksEnds: true)
    }
}
