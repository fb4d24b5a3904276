import Legato

/// Bridges an unanswered inbound call with the outbound call placed for it,
/// signalling only (media flows between the two ends, SDP unchanged),
/// written with `Call`'s public API:
///
/// - the callee's 180/183 → `ring()` / `startEarlyMediaDirect(peer:)` towards the caller;
/// - the callee's answer → `answerDirect(peer:)`;
/// - the callee's failure → the caller is rejected with the mapped code;
/// - a hang-up on either side → `hangup()` on the other.
@SIPActor
enum DirectBridge {
    static func connect(inbound: Call, outbound: Call) {
        outbound.addEventListener(.ringing) { [weak inbound, weak outbound] event in
            guard let inbound, let outbound, inbound.state == .alerting,
                  case .ringing(_, _, let earlyMedia) = event else { return }
            if earlyMedia != nil {
                try? inbound.startEarlyMediaDirect(peer: outbound)
            } else {
                try? inbound.ring()
            }
        }
        outbound.addEventListener(.connected) { [weak inbound, weak outbound] _ in
            guard let outbound else { return }
            guard let inbound, inbound.state == .alerting else {
                try? outbound.hangup()   // the caller left meanwhile
                return
            }
            do {
                try inbound.answerDirect(peer: outbound)
            } catch {
                try? inbound.reject(code: 500)
                try? outbound.hangup()
            }
        }
        outbound.addEventListener(.failed) { [weak inbound] event in
            guard let inbound, inbound.state == .alerting, case .failed(_, let code, let reason) = event else { return }
            let mapped = FailureMapping.inbound(forOutbound: code, reason: reason)
            try? inbound.reject(code: mapped.code, reason: mapped.reason)
        }
        outbound.addEventListener(.disconnected) { [weak inbound] _ in
            try? inbound?.hangup()
        }
        inbound.addEventListener(.disconnected) { [weak outbound] _ in
            try? outbound?.hangup()
        }
    }
}
