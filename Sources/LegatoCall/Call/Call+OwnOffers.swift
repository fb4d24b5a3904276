import LegatoSIP

/// A call on its own (no bridge) whose media Legato anchors (`answer()`,
/// `startEarlyMedia()`, the echo route) is its own offer/answer party: it
/// answers re-INVITE and UPDATE offers itself — hold (sendonly/inactive
/// answered recvonly/inactive, media towards it paused), unhold, a new
/// address or port (the relay leg follows), a codec subset — and a
/// re-INVITE without SDP gets Legato's offer in the 200, the answer in the
/// ACK. ReInvite*, OnHold and OffHold fire as on bridged calls. Its RTP
/// watchdog (`media.rtp_timeout`) is the media layer's `MediaWatchdog`.
extension Call {
    /// A re-INVITE on a call outside any bridge.
    func answerOfferItself(_ message: SIPMessage) {
        guard let anchor = mediaAnchor else { return leg.respond(488) }
        guard pendingHold == nil, !anchorAwaitsAck else { return leg.respond(491) }
        fireSignalledEvent(.reInviteReceived(headers: message.customHeaders, body: message.body))
        offerTimer = SessionTimer.Remote(message)
        guard let body = message.body, body.isSDP else {
            // RFC 3261 §14.2: Legato offers in the 200; the answer comes in the ACK.
            pendingHold = remoteHolds
            anchorAwaitsAck = true
            let offer = anchor.offer()
            concludeOffer(status: 200, reason: nil, body: offer, headers: [],
                          from: SIPMessage(status: 200, body: offer), request: nil)
            return
        }
        answer(offer: body, with: anchor, message: message, request: nil)
    }

    /// An UPDATE with an offer on a call outside any bridge.
    func answerUpdateItself(_ request: SIPServerRequest) {
        guard let anchor = mediaAnchor, let body = request.message.body else { return request.respond(488) }
        guard pendingHold == nil, !anchorAwaitsAck else { return request.respond(491) }
        offerTimer = SessionTimer.Remote(request.message)
        answer(offer: body, with: anchor, message: request.message, request: request)
    }

    private func answer(offer body: SIPBody, with anchor: MediaAnchor, message: SIPMessage, request: SIPServerRequest?) {
        pendingHold = Self.holds(body)
        Task { @SIPActor [weak self] in
            do {
                let answer = try await anchor.answer(offer: body)
                guard let self else { return }
                self.remoteSession = body
                self.concludeOffer(status: 200, reason: nil, body: answer, headers: [],
                                   from: SIPMessage(status: 200, body: answer), request: request)
            } catch {
                guard let self else { return }
                self.logger.info("call.offer-refused", metadata: ["error": "\(error)"])
                self.concludeOffer(status: 488, reason: nil, body: nil, headers: [],
                                   from: SIPMessage(status: 488), request: request)
            }
        }
    }

    /// The ACK of a call outside any bridge: it carries the answer to Legato's offer, if one was made.
    func ackedItself(_ body: SIPBody?) {
        guard anchorAwaitsAck else { return }
        anchorAwaitsAck = false
        guard let body, body.isSDP, let anchor = mediaAnchor else { return }
        remoteSession = body
        changeHold(to: Self.holds(body))
        Task { await anchor.apply(answer: body) }
    }

    /// The RTP watchdog of a call whose media is anchored in Legato: silence
    /// from the remote fires RtpStopped/RtpResumed, and past
    /// `rtp_hangup_timeout` ends the call (cause `rtp-timeout`); none while it holds.
    func startAnchorWatchdog() {
        guard watchdog == nil, let anchor = mediaAnchor, let settings = anchorSettings?.watchdog else { return }
        watchdog = MediaWatchdog(
            session: anchor.session, legs: [.a], settings: settings, held: remoteHolds,
            isLive: { [weak self] in self?.state == .connected },
            report: { [weak self] _, verdict in
                guard let self else { return false }
                switch verdict {
                case .unchanged: return true
                case .stopped: self.fireMediaEvent(.rtpStopped)
                case .resumed: self.fireMediaEvent(.rtpResumed)
                case .expired:
                    self.logger.warning("media.rtp-timeout", metadata: ["media.silence": "\(settings.hangupAfter)"])
                    self.endCause = "rtp-timeout"
                    try? self.hangup()
                    return false
                }
                return true
            })
    }
}
