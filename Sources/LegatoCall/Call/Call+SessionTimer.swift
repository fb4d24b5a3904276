import LegatoSIP

/// RFC 4028 on a call's leg: `SessionTimer` decides, this performs.
extension Call {
    /// Sets the leg's policy (`signalling.session_timer`, `session_min_se`) before its first message.
    func useSessionTimers(_ policy: SessionTimer.Policy) {
        sessionTimer = SessionTimer(policy: policy)
    }

    /// Legato answers the inbound INVITE with 2xx: negotiate, and the headers that 2xx carries.
    func sessionTimerAnswered() -> [SIPHeader] {
        guard incoming, sessionTimer.interval == nil else { return [] }
        sessionTimerInput(.answered(request: inviteTimer))
        return sessionTimer.responseHeaders
    }

    /// The remote side's re-INVITE or UPDATE is answered 2xx: it refreshed the session. The
    /// headers the 2xx carries.
    func remoteRefreshed(_ request: SessionTimer.Remote) -> [SIPHeader] {
        sessionTimerInput(.remoteRefreshed(request: request))
        return sessionTimer.responseHeaders
    }

    /// The final answer to Legato's own refresh (UPDATE or re-INVITE).
    func refreshAnswered(_ response: SIPMessage) {
        if refreshReinvitePending {
            refreshReinvitePending = false
            if (200..<300).contains(response.status) {
                leg.ack()
                if let body = response.body, body.isSDP { remoteSession = body }
            }
        }
        logger.info("call.session-refreshed", metadata: ["sip.status": "\(response.status)"])
        sessionTimerInput(.localRequestAnswered(status: response.status, response: SessionTimer.Remote(response)))
    }

    func sessionTimerInput(_ input: SessionTimer.Input) {
        guard state == .connected || {
            if case .answered = input { return true }
            return false
        }() else { return }
        perform(timer: sessionTimer.handle(input))
    }

    private func perform(timer actions: [SessionTimer.Action]) {
        for action in actions {
            switch action {
            case .arm(let seconds):
                sessionTimerTask?.cancel()
                sessionTimerTask = LoopTimer(after: seconds) { [weak self] in
                    guard let self else { return }
                    self.sessionTimerTask = nil
                    self.sessionTimerInput(.timerFired(canReinvite: !self.hasOfferInFlight))
                }
            case .disarm:
                sessionTimerTask?.cancel()
                sessionTimerTask = nil
            case .refresh(let method, let headers):
                logger.info("call.session-refresh", metadata: ["sip.method": "\(method.rawValue)"])
                switch method {
                case .update:
                    leg.sendRequest("UPDATE", headers: headers)
                case .reinvite:
                    refreshReinvitePending = true
                    leg.reinvite(body: localSession, headers: headers)
                }
            case .end(let cause):
                logger.warning("call.session-timer", metadata: ["cause": "\(cause.rawValue)"])
                endCause = cause.rawValue
                try? hangup()
            }
        }
    }
}
