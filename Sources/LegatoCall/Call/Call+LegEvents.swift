import LegatoSIP

/// What arrives on the call's leg: the call's own life goes to its state
/// machine; what concerns the other side (offers, INFO, MESSAGE, PRACK,
/// reliable 18x, the ACK's answer) goes to the call's bridge, and without
/// one the call answers it itself (`Call+OwnOffers.swift`).
extension Call {
    func handle(_ event: SIPLegEvent) {
        switch event {
        case .response(let message) where machine.phase == .connected:
            guard message.status >= 200 else { return }
            answerToOwnOffer(message)
        case .reinvite(let message):
            incomingHeaders = message.customHeaders
            guard machine.phase == .connected else {
                leg.respond(488)
                return
            }
            if refreshReinvitePending || bridgeOfferPending {
                leg.respond(491)
                return
            }
            if let bridge { bridge.reinvite(from: self, message) } else { answerOfferItself(message) }
        case .response(let message):
            incomingHeaders = message.customHeaders
            handleInviteResponse(message)
        case .ack(let message):
            incomingHeaders = message.customHeaders
            if let bridge { bridge.acked(by: self, body: message.body) } else { ackedItself(message.body) }
            feed(.ack)
        case .cancelled(let message):
            incomingHeaders = message?.customHeaders ?? []
            feed(.remoteCancel)
        case .bye(let message):
            incomingHeaders = message?.customHeaders ?? []
            feed(.remoteBye)
        case .info(let request):
            incomingHeaders = request.message.customHeaders
            handleInDialog(request, isInfo: true)
        case .message(let request):
            incomingHeaders = request.message.customHeaders
            handleInDialog(request, isInfo: false)
        case .refer(let request):
            incomingHeaders = request.message.customHeaders
            handleRefer(request)
        case .prack(let request):
            if let bridge { bridge.prack(from: self, request) } else { request.respond(200) }
        case .prackResponse(let response):
            prackOrigin?.respond(response.status, reason: response.reason, body: response.body)
            prackOrigin = nil
            bridge?.prackAnswered(by: self, status: response.status)
        case .update(let request):
            incomingHeaders = request.message.customHeaders
            handleUpdate(request)
        case .updateResponse(let response):
            bridge?.updateAnswered(by: self, response)
        case .requestResponse(let response):
            refreshAnswered(response)
        case .infoResponse(let response):
            relayInDialogResponse(response, isInfo: true)
        case .messageResponse(let response):
            relayInDialogResponse(response, isInfo: false)
        case .terminated(let status, let reason):
            incomingHeaders = []
            feed(.dialogEnded(status: status, reason: reason))
        }
    }

    /// A response to the INVITE this (outbound) leg sent.
    private func handleInviteResponse(_ message: SIPMessage) {
        switch message.status {
        case 101..<200:
            if let body = message.body, body.isSDP { earlyMediaSession = body }
            let reliable = message.rseq > 0
            if reliable { bridge?.reliableProvisionalWillArrive(from: self) }
            feed(.provisional(status: message.status))
            guard reliable else { return }
            if let bridge {
                bridge.reliableProvisionalArrived(from: self, rseq: message.rseq, cseq: message.cseq)
            } else {
                // RFC 3262 terminated on this leg: Legato PRACKs the callee itself.
                leg.prack(rseq: message.rseq, cseq: message.cseq, body: nil, headers: [])
            }
        case 200..<300:
            if let body = message.body, body.isSDP { remoteSession = body }
            feed(.success)
            if machine.phase == .connected { sessionTimerInput(.confirmed(response: SessionTimer.Remote(message))) }
        case 300...:
            feed(.failure(status: message.status, reason: message.reason ?? SIPStatus.defaultReason(message.status)))
        default:
            break
        }
    }

    /// A final response to a re-INVITE this leg sent while connected: Legato's
    /// refresh, the bridge's own offer, or an offer the bridge relayed.
    private func answerToOwnOffer(_ message: SIPMessage) {
        if refreshReinvitePending {
            refreshAnswered(message)
            return
        }
        if bridgeOfferPending {
            bridgeOfferPending = false
            if (200..<300).contains(message.status) {
                leg.ack()
                if let body = message.body, body.isSDP { remoteSession = body }
            } else {
                logger.warning("call.reinvite-refused", metadata: ["sip.status": "\(message.status)"])
            }
            bridge?.localOfferAnswered(by: self, message)
        } else if let bridge {
            bridge.reinviteAnswered(by: self, message)
        } else if (200..<300).contains(message.status) {
            leg.ack()
        }
    }

    /// An INFO or MESSAGE from the remote side: fires its event, then goes
    /// to the other side of the bridge (whose final response is returned to
    /// the sender). Without a connected other side Legato answers 200 itself.
    private func handleInDialog(_ request: SIPServerRequest, isInfo: Bool) {
        let message = request.message
        if isInfo, consumeDTMFInfo(request) { return }
        let text = message.body?.text ?? ""
        if isInfo {
            fireSignalledEvent(.infoReceived(headers: message.customHeaders,
                                             mimeType: message.body?.contentType ?? "", body: text))
        } else {
            fireSignalledEvent(.messageReceived(headers: message.customHeaders, text: text))
        }
        guard machine.phase == .connected, let bridge, bridge.relay(request, isInfo: isInfo, from: self) else {
            request.respond(machine.phase == .ended ? 481 : 200)
            return
        }
    }

    /// An UPDATE from the remote side (RFC 3311): a refresh without body is
    /// answered on this leg (RFC 4028, the session of this leg only); an
    /// offer goes to the bridge, or is answered by the call itself when its
    /// media is anchored in Legato.
    private func handleUpdate(_ request: SIPServerRequest) {
        guard machine.phase == .connected else {
            request.respond(481)
            return
        }
        guard request.message.body?.isSDP ?? false else {
            request.respond(200, headers: remoteRefreshed(SessionTimer.Remote(request.message)))
            return
        }
        if refreshReinvitePending || bridgeOfferPending {
            request.respond(491)
            return
        }
        if let bridge { bridge.update(from: self, request) } else { answerUpdateItself(request) }
    }
}
