import LegatoSIP

/// Offers crossing the bridge: re-INVITE and UPDATE from either side go to
/// the other (SDP rewritten per leg in relay mode) and the far side's
/// answer comes back; Legato's own offers (transfer, media-mode switch);
/// 100rel and PRACK. `OfferAnswerRelay` decides, this performs.
extension CallBridge {
    /// A re-INVITE from `call`'s remote side (hold, unhold, new address, codec change).
    func reinvite(from call: Call, _ message: SIPMessage) {
        guard let side = side(of: call), self[side.other].state == .connected else {
            call.leg.respond(488)
            return
        }
        offer(from: side, kind: .reinvite, message: message) { status, reason in
            call.leg.respond(status, reason: reason)
        }
    }

    /// An UPDATE with an offer from `call`'s remote side (RFC 3311).
    func update(from call: Call, _ request: SIPServerRequest) {
        guard let side = side(of: call), self[side.other].state == .connected else {
            request.respond(488)
            return
        }
        offer(from: side, kind: .update, message: request.message, request: request) { status, reason in
            request.respond(status, reason: reason)
        }
    }

    private func offer(from side: BridgeSide, kind: OfferAnswerRelay.Kind, message: SIPMessage,
                       request: SIPServerRequest? = nil, refuse: (Int, String?) -> Void) {
        let other = self[side.other]
        guard !switching, !other.refreshReinvitePending, !other.bridgeOfferPending else { return refuse(491, nil) }
        for action in offers.handle(.offer(from: side, kind: kind)) {
            guard case .forward = action else {
                refuse(491, nil)
                return
            }
        }
        var forward = message.body.map { stampedDirect($0, for: side.other) }
        if let media {
            guard let body = message.body, body.isSDP else {
                _ = offers.handle(.answer(from: side.other, status: 488))
                return refuse(488, "Offerless re-INVITE Not Supported In Relay Mode")
            }
            switch media.rewriteOffer(from: side, body: body) {
            case .forward(let rewritten): forward = rewritten
            case .refuse(let code, let reason):
                _ = offers.handle(.answer(from: side.other, status: code))
                return refuse(code, reason)
            }
        }
        let origin = self[side]
        origin.offerArrived(message, isReinvite: kind == .reinvite)
        if kind == .update { pendingUpdate = request }
        logger.info("bridge.offer", metadata: ["sip.method": "\(kind.rawValue)", "bridge.from": "\(side.rawValue)",
                                               "call.peer": "\(other.id)"])
        let headers = kind == .update ? origin.crossing(message.headers) : []
        other.sendOffer(kind, body: forward, headers: headers)
    }

    /// The final response of `call` to a re-INVITE the bridge relayed to it.
    func reinviteAnswered(by call: Call, _ response: SIPMessage) {
        if (200..<300).contains(response.status) { call.leg.ack() }
        answered(by: call, response, kind: .reinvite)
    }

    /// The final response of `call` to an UPDATE the bridge relayed to it.
    func updateAnswered(by call: Call, _ response: SIPMessage) {
        answered(by: call, response, kind: .update)
    }

    private func answered(by call: Call, _ response: SIPMessage, kind: OfferAnswerRelay.Kind) {
        guard let side = side(of: call) else { return }
        let wasOffer = kind == .reinvite || (pendingUpdate?.message.body?.isSDP ?? false)
        let answer = answerForOfferer(response, from: side, rewritten: wasOffer && media != nil)
        call.offerAnswered(response)
        for action in offers.handle(.answer(from: side, status: response.status)) {
            guard case .returnAnswer(let origin, let kind, _) = action else { continue }
            let headers = kind == .update ? call.crossing(response.headers) : []
            let request = kind == .update ? pendingUpdate : nil
            if kind == .update { pendingUpdate = nil }
            self[origin].concludeOffer(status: answer.status, reason: answer.reason, body: answer.body,
                                       headers: headers, from: response, request: request)
        }
    }

    /// What the offerer gets from the answering side's final response: in
    /// relay mode a 2xx's SDP is rewritten for the offerer's leg (or
    /// refused), and a failure tells the rewriter the offer failed.
    private func answerForOfferer(_ response: SIPMessage, from side: BridgeSide, rewritten: Bool)
        -> (status: Int, reason: String?, body: SIPBody?) {
        guard (200..<300).contains(response.status) else {
            if rewritten { media?.offerFailed(to: side) }
            return (response.status, response.reason, nil)
        }
        guard rewritten, let media else {
            return (response.status, response.reason, response.body.map { stampedDirect($0, for: side.other) })
        }
        switch media.rewriteAnswer(from: side, body: response.body) {
        case .forward(let body): return (response.status, response.reason, body)
        case .refuse(let code, let reason): return (code, reason, nil)
        }
    }

    /// Re-INVITEs `side` with `body` on Legato's own account; false when another offer is in flight.
    @discardableResult
    func offerLocally(to side: BridgeSide, body: SIPBody?) -> Bool {
        let refused = offers.handle(.localOffer(to: side)).contains { action in
            if case .localOfferDone = action { return true }
            return false
        }
        guard !refused else { return false }
        self[side].reinviteLocally(body: body)
        return true
    }

    /// The answer to Legato's own offer on `call`'s side.
    func localOfferAnswered(by call: Call, _ response: SIPMessage) {
        guard let side = side(of: call) else { return }
        call.offerAnswered(response)
        _ = offers.handle(.answer(from: side, status: response.status))
        localOfferSettled(side: side, response: response)
    }

    /// `call`'s remote side ACKed: in direct mode, the answer it carries to
    /// the other side's offer (a delayed-offer call) goes on in that side's ACK.
    func acked(by call: Call, body: SIPBody?) {
        guard let side = side(of: call) else { return }
        if side == .a, directAfterAnswer { switchToDirectAfterAnswer() }
        guard media == nil else { return }
        self[side.other].relayAnswer(body.map { stampedDirect($0, for: side.other) })
    }

    // MARK: - 100rel and PRACK

    /// `call` (the callee) is about to report a reliable 18x: the caller will
    /// send its 18x reliably too when it supports 100rel and is unanswered.
    func reliableProvisionalWillArrive(from call: Call) {
        guard let side = side(of: call) else { return }
        self[side.other].prepareReliableProvisional()
    }

    /// `call`'s reliable 18x has been reported: relayed reliably end to end, or PRACKed here.
    func reliableProvisionalArrived(from call: Call, rseq: Int, cseq: Int) {
        guard let side = side(of: call) else { return }
        let relayed = self[side.other].takeReliableProvisional()
        for action in offers.handle(.reliableProvisional(from: side, rseq: rseq, cseq: cseq, toSupports100rel: relayed)) {
            if case .prackLocally(let on, let rseq, let cseq) = action {
                self[on].leg.prack(rseq: rseq, cseq: cseq, body: nil, headers: [])
            }
        }
    }

    /// A PRACK from `call`'s remote side: on to the other side for a relayed 18x, else answered 200.
    func prack(from call: Call, _ request: SIPServerRequest) {
        guard let side = side(of: call) else { return request.respond(200) }
        for action in offers.handle(.prack(from: side)) {
            switch action {
            case .answerPrack(_, let status):
                request.respond(status)
            case .forwardPrack(let to, let rseq, let cseq):
                self[to].send(prackFor: rseq, cseq: cseq, body: request.message.body,
                              headers: call.crossing(request.message.headers), answering: request)
            default:
                break
            }
        }
    }

    /// `call` answered a PRACK the bridge relayed to it (the call returned the answer already).
    func prackAnswered(by call: Call, status: Int) {
        guard let side = side(of: call) else { return }
        _ = offers.handle(.prackAnswer(from: side, status: status))
    }
}
