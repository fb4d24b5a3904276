/// The signalling life of one leg as a value: feed it inputs (API calls and
/// what arrived from the network), get back the actions to perform.
///
/// It holds no SIP data: `Call` attaches bodies and headers when it performs
/// the actions. Keeping it a value makes every race (CANCEL vs 200, BYE vs
/// BYE, timeout vs answer) a unit test.
public struct CallStateMachine: Equatable, Sendable {
    /// What can happen to the leg: an API call on it, or news from its dialog.
    public enum Input: Equatable, Sendable {
        // API (local) inputs
        case ring
        case earlyMedia
        case answer
        case reject(code: Int)
        case hangup
        case noAnswerTimeout
        // network inputs
        case provisional(status: Int)
        case success
        case failure(status: Int, reason: String)
        case ack
        case remoteCancel
        case remoteBye
        case dialogEnded(status: Int, reason: String)
    }

    /// What `Call` must do after an input, in the order returned.
    public enum Action: Equatable, Sendable {
        /// Send a response to the inbound INVITE.
        case respond(Int)
        /// ACK the outbound 2xx.
        case sendAck
        /// CANCEL the outbound INVITE.
        case sendCancel
        /// BYE the established dialog (sofia ACKs an unacknowledged 2xx first).
        case sendBye
        case stopNoAnswerTimer
        case fireRinging(status: Int)
        case fireConnected
        case fireDisconnected(code: Int, reason: String, direction: DisconnectDirection)
        case fireFailed(code: Int, reason: String)
        case fireStateChanged(old: CallState, new: CallState)
    }

    /// Phases finer than `CallState`.
    public enum Phase: Equatable, Sendable {
        case alerting, progressing, connected
        /// Outbound: CANCEL sent (or to be sent), waiting for the INVITE to end.
        case cancelling
        /// Done from the API's point of view; the dialog may still be closing.
        case ended
    }

    /// True for an inbound leg (it received the INVITE), false for an outbound one.
    public let incoming: Bool
    /// Where the leg is now; starts at `.alerting` (inbound) or `.progressing` (outbound).
    public private(set) var phase: Phase
    /// True once the dialog itself is gone (sofia destroyed the handle).
    public private(set) var dialogGone = false

    /// A fresh leg, before any input.
    public init(incoming: Bool) {
        self.incoming = incoming
        self.phase = incoming ? .alerting : .progressing
    }

    /// The VoxEngine-visible state.
    public var state: CallState {
        switch phase {
        case .alerting: return .alerting
        case .progressing: return .progressing
        case .connected: return .connected
        case .cancelling, .ended: return .terminated
        }
    }

    /// Whether an API method is allowed now.
    public func allows(_ input: Input) -> Bool {
        switch input {
        case .ring, .earlyMedia, .answer, .reject: return incoming && phase == .alerting
        case .hangup: return phase == .alerting || phase == .progressing || phase == .connected
        default: return true
        }
    }

    /// Feeds one input; returns what to do, in order.
    public mutating func handle(_ input: Input) -> [Action] {
        let before = state
        var actions = transition(input)
        let after = state
        if before != after { actions.append(.fireStateChanged(old: before, new: after)) }
        return actions
    }

    private mutating func transition(_ input: Input) -> [Action] {
        switch (phase, input) {
        // ---- inbound, unanswered
        case (.alerting, .ring): return [.respond(180)]
        case (.alerting, .earlyMedia): return [.respond(183)]
        case (.alerting, .answer):
            phase = .connected
            return [.respond(200), .fireConnected]
        case (.alerting, .reject(let code)):
            phase = .ended
            return [.respond(code), .fireDisconnected(code: code, reason: "Rejected", direction: .local)]
        case (.alerting, .hangup):
            phase = .ended
            return [.respond(480), .fireDisconnected(code: 480, reason: "Temporarily Unavailable", direction: .local)]
        case (.alerting, .remoteCancel):
            phase = .ended
            return [.fireDisconnected(code: 487, reason: "Request Terminated", direction: .remote)]
        case (.alerting, .dialogEnded(let status, let reason)):
            phase = .ended
            dialogGone = true
            return [.fireDisconnected(code: status, reason: reason, direction: .remote)]

        // ---- outbound, unanswered
        case (.progressing, .provisional(let status)):
            return [.fireRinging(status: status)]
        case (.progressing, .success):
            phase = .connected
            return [.stopNoAnswerTimer, .sendAck, .fireConnected]
        case (.progressing, .failure(let status, let reason)):
            phase = .ended
            return [.stopNoAnswerTimer, .fireFailed(code: status, reason: reason)]
        case (.progressing, .hangup):
            phase = .cancelling
            return [.stopNoAnswerTimer, .sendCancel, .fireFailed(code: 487, reason: "Request Terminated")]
        case (.progressing, .noAnswerTimeout):
            phase = .cancelling
            return [.sendCancel, .fireFailed(code: 480, reason: "No Answer")]
        case (.progressing, .dialogEnded(let status, let reason)):
            phase = .ended
            dialogGone = true
            let code = status >= 300 ? status : 500
            return [.stopNoAnswerTimer, .fireFailed(code: code, reason: status >= 300 ? reason : "Dialog Ended")]

        // ---- CANCEL sent: the INVITE still has to end
        case (.cancelling, .success):
            // The CANCEL lost the race with a 2xx (RFC 3261 9.1): the dialog
            // exists now and must be closed: ACK the 2xx, then BYE.
            phase = .ended
            return [.sendAck, .sendBye]
        case (.cancelling, .failure), (.cancelling, .provisional):
            return []
        case (.cancelling, .dialogEnded):
            phase = .ended
            dialogGone = true
            return []

        // ---- connected
        case (.connected, .hangup):
            phase = .ended
            return [.sendBye, .fireDisconnected(code: 200, reason: "Normal Clearing", direction: .local)]
        case (.connected, .remoteBye):
            phase = .ended
            return [.fireDisconnected(code: 200, reason: "BYE", direction: .remote)]
        case (.connected, .dialogEnded(let status, let reason)):
            phase = .ended
            dialogGone = true
            return [.fireDisconnected(code: status >= 300 ? status : 200, reason: reason.isEmpty ? "Dialog Ended" : reason,
                                      direction: .remote)]
        case (.connected, .success):
            // 2xx retransmission: sofia re-ACKs on its own.
            return []
        case (.connected, .ack):
            return []

        // ---- ended: only the dialog's own end is still news
        case (.ended, .dialogEnded):
            dialogGone = true
            return []

        default:
            return []
        }
    }
}
