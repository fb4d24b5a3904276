import LegatoMedia
import LegatoSIP

/// The VoxEngine `Call` methods of the seed API that answer, reject, end or
/// talk on the call's own leg.
extension Call {
    /// Sends 180 Ringing on an unanswered inbound call.
    public func ring(extraHeaders: [SIPHeader] = []) throws(CallError) {
        try apply(.ring, method: "ring", headers: extraHeaders)
    }

    /// Sends 183 with `peer`'s SDP (its 183 SDP, else its session) on an
    /// unanswered inbound call: early media flows peer to peer.
    public func startEarlyMediaDirect(peer: Call, extraHeaders: [SIPHeader] = []) throws(CallError) {
        guard let sdp = peer.earlyMediaSession ?? peer.remoteSession else {
            throw .peerHasNoSession(method: "startEarlyMediaDirect")
        }
        try apply(.earlyMedia, method: "startEarlyMediaDirect", headers: extraHeaders, body: sdp)
    }

    /// Answers an inbound call peer to peer with `peer`'s SDP, unchanged; no
    /// media passes through Legato. The two calls are then the sides of a
    /// direct `CallBridge` (created here unless one joins them already):
    /// re-INVITEs, UPDATEs, INFO and MESSAGE cross between them, and with a
    /// delayed offer the caller's answer (in its ACK) goes on to `peer`'s ACK.
    public func answerDirect(peer: Call, extraHeaders: [SIPHeader] = []) throws(CallError) {
        guard let sdp = peer.remoteSession else { throw .peerHasNoSession(method: "answerDirect") }
        try CallInputRules.validateExtraHeaders(extraHeaders)
        guard machine.allows(.answer) else {
            throw .invalidState(method: "answerDirect", state: machine.state, incoming: incoming)
        }
        if bridge == nil || bridge !== peer.bridge {
            CallBridge.join(a: self, b: peer, media: nil, linksEnds: false)
        }
        try apply(.answer, method: "answerDirect", headers: extraHeaders, body: sdp)
    }

    /// Answers an inbound call with media anchored in Legato (relay): the
    /// caller gets Legato's address, ports and (under the listener's SRTP
    /// policy) its own SDES key. Outside a bridge the caller's media ends in
    /// Legato, and the call answers re-INVITE and UPDATE offers itself (hold,
    /// new address, codec subset). Throws `mediaUnavailable` when no media
    /// engine runs (a conf with neither `media.mode: relay` nor a relay
    /// route) or no ports are free, and `offerNotAcceptable` when the INVITE
    /// had no usable offer.
    public func answer(extraHeaders: [SIPHeader] = []) async throws(CallError) {
        try await answer(extraHeaders: extraHeaders, echo: false)
    }

    /// Sends 183 with Legato's SDP on an unanswered inbound call (early
    /// media anchored in Legato); the same media carries on after `answer()`.
    /// Early media lasts at most `signalling.early_media_timeout` (60 s).
    public func startEarlyMedia(extraHeaders: [SIPHeader] = []) async throws(CallError) {
        try CallInputRules.validateExtraHeaders(extraHeaders)
        guard machine.allows(.earlyMedia) else {
            throw .invalidState(method: "startEarlyMedia", state: machine.state, incoming: incoming)
        }
        let anchor = try await anchoredMedia(method: "startEarlyMedia", echo: false)
        try apply(.earlyMedia, method: "startEarlyMedia", headers: extraHeaders, body: anchor.answer)
        fireMediaEvent(.audioStarted)
    }

    /// `answer()`; with `echo`, the caller's media is sent back to it (the echo route action).
    func answer(extraHeaders: [SIPHeader], echo: Bool) async throws(CallError) {
        try CallInputRules.validateExtraHeaders(extraHeaders)
        guard machine.allows(.answer) else {
            throw .invalidState(method: "answer", state: machine.state, incoming: incoming)
        }
        let wasEarly = isInEarlyMedia
        let anchor = try await anchoredMedia(method: "answer", echo: echo)
        try apply(.answer, method: "answer", headers: extraHeaders, body: anchor.answer)
        if !wasEarly { fireMediaEvent(.audioStarted) }
        startAnchorWatchdog()
    }

    /// Answers with an SDP Legato built (relay mode: media anchored in Legato by the bridge).
    func answerAnchored(sdp: SIPBody, extraHeaders: [SIPHeader] = []) throws(CallError) {
        try apply(.answer, method: "answer", headers: extraHeaders, body: sdp)
    }

    /// Sends 183 with an SDP Legato built (relay mode early media).
    func startEarlyMediaAnchored(sdp: SIPBody, extraHeaders: [SIPHeader] = []) throws(CallError) {
        try apply(.earlyMedia, method: "startEarlyMedia", headers: extraHeaders, body: sdp)
    }

    private func anchoredMedia(method: String, echo: Bool) async throws(CallError) -> MediaAnchor {
        if let mediaAnchor { return mediaAnchor }
        guard let settings = anchorSettings else {
            throw .mediaUnavailable(method: method, reason: "no media engine runs (set media.mode: relay)")
        }
        let anchor = try await MediaAnchor.create(offer: remoteSession, settings: settings, echo: echo, method: method)
        guard machine.phase != .ended else {
            anchor.release()
            throw .invalidState(method: method, state: machine.state, incoming: incoming)
        }
        mediaAnchor = anchor
        media = (anchor.session, .a)
        MediaEventRouter.shared.register(anchor.session.id, a: self, b: nil)
        return anchor
    }

    /// Rejects an unanswered inbound call with `code` (300–699).
    public func reject(code: Int = 486, reason: String? = nil, extraHeaders: [SIPHeader] = []) throws(CallError) {
        try CallInputRules.validateRejectCode(code)
        if let reason, reason.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
            throw .headerValueHasLineBreak(name: "reason phrase")
        }
        try apply(.reject(code: code), method: "reject", headers: extraHeaders, reason: reason)
    }

    /// Deprecated VoxEngine alias of `reject`.
    public func decline(code: Int = 603, extraHeaders: [SIPHeader] = []) throws(CallError) {
        try reject(code: code, extraHeaders: extraHeaders)
    }

    /// Ends the call: BYE when connected, CANCEL when outbound and unanswered,
    /// 480 when inbound and unanswered. Does nothing on a terminated call.
    public func hangup(extraHeaders: [SIPHeader] = []) throws(CallError) {
        guard machine.state != .terminated else { return }
        try apply(.hangup, method: "hangup", headers: extraHeaders)
    }

    /// Sends a SIP INFO in the call's dialog (VoxEngine's `sendInfo`).
    /// Throws for a MIME type that is not `type/subtype`, a body over 8192
    /// bytes, non-`X-` extra headers, or a call that is not connected.
    public func sendInfo(mimeType: String, body: String, extraHeaders: [SIPHeader] = []) throws(CallError) {
        try CallInputRules.validateMimeType(mimeType)
        try CallInputRules.validateBody(body, method: "sendInfo")
        try CallInputRules.validateExtraHeaders(extraHeaders)
        guard machine.phase == .connected else {
            throw .invalidState(method: "sendInfo", state: machine.state, incoming: incoming)
        }
        send(info: SIPBody(contentType: mimeType, text: body), headers: extraHeaders, answering: nil)
    }

    /// Sends a SIP MESSAGE (`text/plain`) in the call's dialog (VoxEngine's
    /// `sendMessage`). Throws for a text over 8192 bytes, non-`X-` extra
    /// headers, or a call that is not connected.
    public func sendMessage(_ text: String, extraHeaders: [SIPHeader] = []) throws(CallError) {
        try CallInputRules.validateBody(text, method: "sendMessage")
        try CallInputRules.validateExtraHeaders(extraHeaders)
        guard machine.phase == .connected else {
            throw .invalidState(method: "sendMessage", state: machine.state, incoming: incoming)
        }
        send(message: SIPBody(contentType: "text/plain", text: text), headers: extraHeaders, answering: nil)
    }

    /// Sends an INFO on this leg; its final response answers `origin` (a
    /// request relayed from the other side of the bridge), if any.
    func send(info body: SIPBody?, headers: [SIPHeader], answering origin: SIPServerRequest?) {
        infoOrigins.append(origin)
        leg.info(body: body, headers: headers)
    }

    /// Sends a MESSAGE on this leg; its final response answers `origin`, if any.
    func send(message body: SIPBody?, headers: [SIPHeader], answering origin: SIPServerRequest?) {
        messageOrigins.append(origin)
        leg.message(body: body, headers: headers)
    }

    /// Sends an INFO Legato generated (DTMF), whose response goes nowhere.
    func sendInternalInfo(_ body: SIPBody) {
        send(info: body, headers: [], answering: nil)
    }

    /// This leg's final response to an INFO/MESSAGE it sent: back to the request it relays.
    func relayInDialogResponse(_ response: SIPMessage, isInfo: Bool) {
        let origin: SIPServerRequest??
        if isInfo {
            origin = infoOrigins.isEmpty ? nil : infoOrigins.removeFirst()
        } else {
            origin = messageOrigins.isEmpty ? nil : messageOrigins.removeFirst()
        }
        guard let request = origin ?? nil else { return }
        request.respond(response.status, reason: response.reason, body: response.body, headers: crossing(response.headers))
    }
}
