import LegatoSDP
import LegatoSIP

/// Mid-call offers on one call: what the bridge asks of a call it relays
/// offers through, and what a call without a bridge does with an offer.
extension Call {
    // MARK: - as the offerer's side of a bridge

    /// The remote side sent an offer (re-INVITE or UPDATE) that the bridge relays:
    /// remember it, and fire ReInviteReceived for a re-INVITE.
    func offerArrived(_ message: SIPMessage, isReinvite: Bool) {
        if let body = message.body, body.isSDP {
            remoteSession = body
            pendingHold = Self.holds(body)
        } else {
            pendingHold = remoteHolds
        }
        offerTimer = SessionTimer.Remote(message)
        if isReinvite { fireSignalledEvent(.reInviteReceived(headers: message.customHeaders, body: message.body)) }
    }

    /// Answers the remote side's re-INVITE (`request` nil) or UPDATE with the
    /// outcome the bridge got from the other side; a 2xx refreshes the
    /// session (RFC 4028) and, for a re-INVITE, fires ReInviteAccepted and
    /// OnHold/OffHold when the hold state changed; a failure fires ReInviteRejected.
    func concludeOffer(status: Int, reason: String?, body: SIPBody?, headers: [SIPHeader],
                       from answer: SIPMessage?, request: SIPServerRequest?) {
        var headers = headers
        if (200..<300).contains(status) {
            headers += remoteRefreshed(offerTimer)
            if let body { localSession = body }
        }
        if let request {
            request.respond(status, reason: reason, body: body, headers: headers)
        } else {
            leg.respond(status, reason: reason, body: body, headers: headers)
        }
        let hold = pendingHold
        pendingHold = nil
        guard request == nil else {
            if (200..<300).contains(status), let hold { changeHold(to: hold) }
            return
        }
        guard (200..<300).contains(status) else {
            fireSignalledEvent(.reInviteRejected(headers: answer?.customHeaders ?? [], code: status,
                                                 reason: reason ?? SIPStatus.defaultReason(status)))
            return
        }
        fireSignalledEvent(.reInviteAccepted(headers: answer?.customHeaders ?? [], body: answer?.body))
        if let hold { changeHold(to: hold) }
    }

    /// OnHold/OffHold when the remote side's accepted offer changed the hold state.
    func changeHold(to hold: Bool) {
        guard hold != remoteHolds else { return }
        remoteHolds = hold
        watchdog?.setHeld(hold)
        fireSignalledEvent(hold ? .onHold : .offHold)
    }

    // MARK: - as the answering side of a bridge

    /// Sends an offer the bridge relays (or makes) on this leg: a re-INVITE
    /// or an UPDATE, carrying the leg's session-timer headers.
    func sendOffer(_ kind: OfferAnswerRelay.Kind, body: SIPBody?, headers: [SIPHeader]) {
        if let body { localSession = body }
        switch kind {
        case .reinvite: leg.reinvite(body: body, headers: headers + sessionTimer.requestHeaders)
        case .update: leg.update(body: body, headers: headers + sessionTimer.requestHeaders)
        }
    }

    /// This leg's final answer to an offer Legato sent on it: a 2xx's SDP
    /// becomes the remote session; the session timer counts it as a refresh.
    func offerAnswered(_ response: SIPMessage) {
        if (200..<300).contains(response.status), let body = response.body, body.isSDP { remoteSession = body }
        sessionTimerInput(.localRequestAnswered(status: response.status, response: SessionTimer.Remote(response)))
    }

    /// Re-INVITEs the remote side with `body` on Legato's own account (a
    /// direct-mode transfer gives the transferee the target's SDP; a media
    /// mode switch); the 2xx is ACKed here and reported to the bridge.
    func reinviteLocally(body: SIPBody?) {
        bridgeOfferPending = true
        sendOffer(.reinvite, body: body, headers: [])
    }

    /// True when an SDP offer puts its sender's peer on hold (sendonly or inactive audio, RFC 3264 8.4).
    static func holds(_ body: SIPBody) -> Bool {
        guard let sdp = try? SDPParser.parse(body.text), !sdp.media.isEmpty else { return false }
        return sdp.direction(of: 0).isHold
    }
}
