import Logging
import LegatoSIP

/// The call's own signalling life: the state machine fed with API calls
/// and network inputs, the actions performed on the leg, timers, and the
/// `call.ended cause=…` line.
extension Call {
    /// Sends the INVITE of a new outbound call.
    func place(requestURI: String, maxForwards: Int, offer: SIPBody?, headers: [SIPHeader], noAnswerTimeout: Double?) {
        ackAwaitsAnswer = offer == nil
        self.noAnswerTimeout = noAnswerTimeout
        localSession = offer
        leg.invite(requestURI: requestURI, maxForwards: maxForwards, body: offer,
                   headers: headers + SessionTimer.offerHeaders(sessionTimer.policy))
        startNoAnswerTimer()
    }

    /// Rejects without API validation (engine use: 483, 415, 503, routing
    /// failures); `headers` may be any header (Accept, Retry-After…).
    func refuse(code: Int, reason: String? = nil, headers: [SIPHeader] = []) {
        guard machine.allows(.reject(code: code)) else { return }
        outgoingReason = reason
        outgoingHeaders = headers
        feed(.reject(code: code))
        outgoingReason = nil
        outgoingHeaders = []
    }

    func apply(_ input: CallStateMachine.Input, method: String, headers: [SIPHeader],
               body: SIPBody? = nil, reason: String? = nil) throws(CallError) {
        try CallInputRules.validateExtraHeaders(headers)
        guard machine.allows(input) else {
            throw .invalidState(method: method, state: machine.state, incoming: incoming)
        }
        outgoingHeaders = headers
        outgoingBody = body
        outgoingReason = reason
        defer { outgoingHeaders = []; outgoingBody = nil; outgoingReason = nil }
        feed(input)
    }

    /// Feeds the state machine and performs what it says.
    func feed(_ input: CallStateMachine.Input) {
        let wasEnded = machine.phase == .ended
        let snapshot = wasEnded || onEnded == nil ? nil : mediaSnapshot
        let actions = machine.handle(input)
        if !wasEnded, machine.phase == .ended { facts.endingInput = input }
        perform(actions)
        if !wasEnded, machine.phase == .ended {
            logEnd(after: input)
            if let onEnded, let snapshot {
                self.onEnded = nil
                onEnded(self, input, snapshot)
            }
        }
    }

    /// `call.ended cause=…`, once per call.
    private func logEnd(after input: CallStateMachine.Input) {
        guard !endLogged else { return }
        endLogged = true
        var metadata: Logger.Metadata = [:]
        let cause: String
        switch input {
        case .hangup: cause = "hangup"
        case .reject(let code): cause = "rejected"; metadata["sip.status"] = "\(code)"
        case .noAnswerTimeout: cause = "no-answer"
        case .failure(let status, _): cause = "remote-rejected"; metadata["sip.status"] = "\(status)"
        case .remoteCancel: cause = "remote-cancel"
        case .remoteBye: cause = "remote-bye"
        case .dialogEnded(let status, _): cause = "dialog-ended"; metadata["sip.status"] = "\(status)"
        default: cause = "ended"
        }
        metadata["cause"] = "\(endCause ?? cause)"
        logger.info("call.ended", metadata: metadata)
    }

    private func perform(_ actions: [CallStateMachine.Action]) {
        for action in actions {
            switch action {
            case .respond(let status):
                let body = (status == 183 || status / 100 == 2) ? outgoingBody : nil
                var headers = outgoingHeaders
                if status < 200 {
                    sentProvisionalReliably = nextProvisionalReliable
                    if nextProvisionalReliable {
                        nextProvisionalReliable = false
                        headers.append(SIPHeader(name: "Require", value: "100rel"))
                    }
                }
                if status / 100 == 2 { headers += sessionTimerAnswered() }
                if status >= 200, incoming, facts.finalCode == nil {
                    facts.finalCode = status
                    if status / 100 == 2 {
                        facts.answer = .now
                        LegatoMetrics.callSetup(since: facts.startInstant)
                    }
                }
                if let body { localSession = body }
                leg.respond(status, reason: outgoingReason, body: body, headers: headers)
                if status == 183 {
                    earlyMediaStarted = body != nil
                    startEarlyMediaTimer()
                }
            case .sendAck:
                // A delayed-offer ACK waits for the caller's answer, unless the
                // leg is being given up anyway (late 2xx after CANCEL).
                if !ackAwaitsAnswer || machine.phase == .ended { sendAck(nil) }
            case .sendCancel:
                leg.cancel(headers: outgoingHeaders)
            case .sendBye:
                leg.bye(headers: outgoingHeaders)
            case .stopNoAnswerTimer:
                noAnswerTimer?.cancel()
                noAnswerTimer = nil
            case .fireRinging(let status):
                fire(.ringing(status: status, headers: incomingHeaders, earlyMedia: status == 183 ? earlyMediaSession : nil))
            case .fireConnected:
                connectedAt = .now
                fire(.connected(headers: incomingHeaders, customData: customDataValue))
            case .fireDisconnected(let code, let reason, let direction):
                fire(.disconnected(headers: incomingHeaders, code: code, reason: reason,
                                   duration: connectedDuration, direction: direction))
            case .fireFailed(let code, let reason):
                fire(.failed(headers: incomingHeaders, code: code, reason: reason))
            case .fireStateChanged(let old, let new):
                logger.debug("call.state", metadata: ["call.state.old": "\(old)", "call.state.new": "\(new)"])
                fire(.stateChanged(old: old, new: new))
            }
        }
        if machine.phase != .alerting {
            earlyMediaTimer?.cancel()
            earlyMediaTimer = nil
        }
        if machine.phase == .ended { releaseOnEnd() }
        if machine.dialogGone, let onFinished {
            self.onFinished = nil
            onFinished(self)
        }
    }

    /// What an ended call lets go: timers, its anchored media, requests relayed on its leg.
    private func releaseOnEnd() {
        noAnswerTimer?.cancel()
        noAnswerTimer = nil
        sessionTimerTask?.cancel()
        sessionTimerTask = nil
        watchdog?.stop()
        watchdog = nil
        if let mediaAnchor {
            self.mediaAnchor = nil
            MediaEventRouter.shared.unregister(mediaAnchor.session.id)
            mediaAnchor.release()
        }
        // Requests relayed on this leg that will get no answer now.
        for request in (infoOrigins + messageOrigins + [updateOrigin, prackOrigin]).compactMap({ $0 }) {
            request.respond(481)
        }
        updateOrigin = nil
        prackOrigin = nil
        infoOrigins = []
        messageOrigins = []
        bridge?.sideEnded(self)
    }

    var connectedDuration: Double {
        guard let connectedAt else { return 0 }
        let d = ContinuousClock.now - connectedAt
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    func sendAck(_ body: SIPBody?) {
        guard !ackSent else { return }
        ackSent = true
        if let body { localSession = body }
        leg.ack(body: body)
    }

    /// The other side's ACK carried the answer to the offer this call's remote sent in its 2xx.
    func relayAnswer(_ body: SIPBody?) {
        guard ackAwaitsAnswer else { return }
        ackAwaitsAnswer = false
        if machine.phase == .connected { sendAck(body) }
    }

    func startNoAnswerTimer() {
        guard let timeout = noAnswerTimeout, noAnswerTimer == nil, !incoming else { return }
        noAnswerTimer = LoopTimer(after: timeout) { [weak self] in
            guard let self else { return }
            self.logger.info("call.no-answer-timeout", metadata: ["call.timeout": "\(timeout)"])
            self.noAnswerTimer = nil
            self.feed(.noAnswerTimeout)
        }
    }

    /// Early media lasts at most `earlyMediaTimeout`: then the call fails with 408.
    func startEarlyMediaTimer() {
        guard let timeout = earlyMediaTimeout, earlyMediaTimer == nil, incoming else { return }
        earlyMediaTimer = LoopTimer(after: timeout) { [weak self] in
            guard let self, self.machine.phase == .alerting else { return }
            self.logger.info("call.early-media-timeout", metadata: ["call.timeout": "\(timeout)"])
            self.earlyMediaTimer = nil
            self.endCause = "early-media-timeout"
            self.refuse(code: 408, reason: "Early Media Timeout")
        }
    }
}
