import LegatoSIP

/// One live inbound call as `legato ctl calls` lists it.
public struct CallSummary: Sendable, Equatable {
    /// Legato's call id.
    public var id: String
    /// The INVITE's From URI.
    public var from: String
    /// The INVITE's request URI.
    public var to: String
    /// The route that matched, if any.
    public var route: String?
    /// `ALERTING`, `PROGRESSING`, `CONNECTED`, `TERMINATED`.
    public var state: String
    /// Seconds since the INVITE.
    public var ageSeconds: Double
    /// `direct` or `relay`.
    public var mediaMode: String
}

extension CallEngine {
    /// The live inbound calls, oldest first.
    public func inboundCallSummaries() -> [CallSummary] {
        let now = ContinuousClock.now
        return liveCalls.filter(\.incoming).sorted { $0.facts.startInstant < $1.facts.startInstant }.map { call in
            CallSummary(id: call.id, from: call.facts.from, to: call.facts.to, route: call.facts.route,
                        state: "\(call.state)", ageSeconds: LegatoMetrics.seconds(now - call.facts.startInstant),
                        mediaMode: call.mediaSnapshot.mode)
        }
    }

    /// The live call with Legato id `id`.
    public func call(id: String) -> Call? { liveCalls.first { $0.id == id } }

    /// Ends the call `id` as the operator asked (`legato ctl hangup`): a
    /// connected call gets BYE, one not answered yet 480 (inbound) or CANCEL
    /// (outbound); the other side of its bridge follows. False when unknown.
    @discardableResult
    public func hangup(id: String) -> Bool {
        guard let call = call(id: id) else { return false }
        call.endCause = "operator"
        if call.incoming && call.state == .alerting {
            call.refuse(code: 480, reason: "Ended By Operator")
        } else {
            try? call.hangup()
        }
        return true
    }
}
