import LegatoMedia
import LegatoSIP

/// What an inbound call's detail record needs that the call does not keep
/// otherwise: set by the engine, the router, the bridge and the transfer
/// code while the call runs.
struct CallFacts {
    /// When the INVITE arrived.
    var start = WallTime.now
    /// Monotonic time of the INVITE (call setup histogram).
    var startInstant = ContinuousClock.now
    /// When the caller got a 2xx.
    var answer: WallTime?
    /// The first final response sent to the caller.
    var finalCode: Int?
    var from = ""
    var to = ""
    var listener = ""
    var route: String?
    var trunk: String?
    var transfer: CallRecord.Transfer?
    /// Set by the bridge when the other side's end ended this call.
    var hangupSide: CallRecord.HangupSide?
    /// The bridge's outbound call was given up by Legato's no-answer timer.
    var noAnswer = false
    /// The input that ended the call (any call, inbound or outbound).
    var endingInput: CallStateMachine.Input?
}

/// Where an ended call's media was, read before the end lets it go.
struct CallMediaSnapshot {
    var mode: String
    var srtp: Bool
    var session: RelaySession?
}


extension Call {
    /// The call's media before its end: a bridge's relay, or its own anchor.
    var mediaSnapshot: CallMediaSnapshot {
        if let relay = bridge?.media as? RelayMedia {
            return CallMediaSnapshot(mode: "relay", srtp: relay.a.secure || relay.b.secure, session: relay.session)
        }
        if let anchor = mediaAnchor {
            return CallMediaSnapshot(mode: "relay", srtp: false, session: anchor.session)
        }
        if let media {
            return CallMediaSnapshot(mode: "relay", srtp: false, session: media.session)
        }
        return CallMediaSnapshot(mode: "direct", srtp: false, session: nil)
    }

    /// True when the input that ended the call came from its remote side.
    static func endedRemotely(_ input: CallStateMachine.Input) -> Bool {
        switch input {
        case .remoteBye, .remoteCancel, .failure, .dialogEnded: true
        default: false
        }
    }

    /// The record of this (inbound) call, ended now after `input`.
    func makeRecord(after input: CallStateMachine.Input, media: CallMediaSnapshot,
                    stats: (caller: CallRecord.LegMedia, callee: CallRecord.LegMedia)?) -> CallRecord {
        var code = facts.finalCode ?? 0
        if case .remoteCancel = input, facts.answer == nil { code = 487 }
        if code == 0, case .reject(let c) = input { code = c }
        let side: CallRecord.HangupSide = facts.hangupSide ?? (Self.endedRemotely(input) ? .caller : .legato)
        var record = CallRecord(
            callID: id, sipCallID: sipCallID ?? "", from: facts.from, to: facts.to, listener: facts.listener,
            route: facts.route, trunk: facts.trunk, start: facts.start, answer: facts.answer, end: .now,
            sipCode: code, hangupSide: side,
            media: CallRecord.Media(mode: media.mode, srtp: media.srtp, caller: stats?.caller, callee: stats?.callee),
            transfer: facts.transfer, customData: customDataValue)
        if case .remoteCancel = input, facts.answer == nil { record.callerCancelled = true }
        if endCause == "no-answer" || facts.noAnswer { record.noAnswerTimeout = true }
        return record
    }
}
