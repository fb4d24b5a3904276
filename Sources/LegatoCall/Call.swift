import Logging
import LegatoMedia
import LegatoSDP
import LegatoSIP

/// One leg of a call, with the methods and events of VoxEngine's `Call`.
///
/// Every `Call` lives on the signalling thread (`SIPActor`). Inbound calls are
/// handed to a `Scenario`; outbound calls are created with `CallEngine.callSIP`.
@SIPActor
public final class Call {
    /// Legato's id for this call (unique per process).
    public let id: String
    /// True for a call that arrived at Legato.
    public let incoming: Bool
    /// Inbound: the dialed user (request-URI user). Outbound: the called user.
    public let number: String
    /// The caller's user part (From).
    public let callerid: String
    /// The caller's display name (From), empty if none.
    public let displayName: String
    /// The `X-` headers of the INVITE that opened the call.
    public let headers: [SIPHeader]
    /// The SIP Call-ID of this leg's own dialog.
    public let sipCallID: String?
    /// Always `sip` for calls Legato handles.
    public let clientType = "sip"
    /// The SDP the remote side sent: inbound, the INVITE's offer (nil for a
    /// delayed offer); outbound, the 2xx's SDP.
    public internal(set) var remoteSession: SIPBody?
    /// The SDP of the last 183 the remote side sent (outbound).
    public private(set) var earlyMediaSession: SIPBody?

    let leg: SIPLeg
    let logger: Logger
    private var machine: CallStateMachine
    private var customDataValue: String?
    private var listeners: [CallEventKind: [(id: Int, handler: @SIPActor (CallEvent) -> Void)]] = [:]
    private var nextListenerID = 0
    // What the action being performed attaches to its SIP message.
    private var outgoingBody: SIPBody?
    private var outgoingHeaders: [SIPHeader] = []
    private var outgoingReason: String?
    // The X-headers of the message being handled, for the event it fires.
    private var incomingHeaders: [SIPHeader] = []
    /// Outbound INVITE sent without an offer: the 2xx carries the offer, so the
    /// ACK must wait for the answer relayed from the peer (delayed offer).
    private var ackAwaitsAnswer = false
    private var ackSent = false
    /// The call whose media this call's session was bridged with (`answerDirect`).
    private weak var directPeer: Call?
    /// The call re-INVITEs are relayed to (the other side of a bridge).
    private weak var reinvitePeer: Call?
    /// Rewrites relayed re-INVITE SDP (relay mode); nil passes it unchanged.
    private var sessionRewriter: (any SessionRewriter)?
    private var connectedAt: ContinuousClock.Instant?
    /// The peer whose re-INVITE this call forwarded and now waits to answer.
    private weak var reinviteOrigin: Call?
    /// Inbound: the caller's INVITE listed 100rel in Supported or Require.
    var remoteSupports100rel = false
    /// Inbound: the next 18x goes out reliably (it relays a reliable 18x of the peer).
    private var nextProvisionalReliable = false
    /// Inbound: reliable 18x relayed from the peer, oldest first: the PRACK
    /// the caller sends for each goes on to the peer (end-to-end PRACK).
    private var pendingPracks: [(peer: Call, rseq: Int, cseq: Int)] = []
    /// Outbound: the caller's PRACK this leg forwarded, answered with this leg's response.
    private var prackOrigin: SIPServerRequest?
    /// The UPDATE of the peer's remote side this call's leg forwarded and waits to answer.
    private var updateOrigin: SIPServerRequest?
    /// Legato itself re-INVITEd this call (a transfer) and waits for the answer.
    private var localReinvitePending = false
    /// This call received a re-INVITE and waits for the peer's answer to it.
    private var reinviteAnswerPending = false
    /// The hold state the remote side's latest accepted offer put the call in.
    private var remoteHolds = false
    /// The hold state of the re-INVITE waiting for the peer's answer.
    private var pendingHold: Bool?
    /// INFO requests Legato sent on this call's leg, oldest first: the
    /// request of the peer's remote side each relays (nil: sent through the
    /// API), answered with this leg's response.
    private var infoOrigins: [SIPServerRequest?] = []
    /// The same for MESSAGE.
    private var messageOrigins: [SIPServerRequest?] = []
    /// True after `handleBlindTransfer(true)`: a REFER fires BlindTransferRequested instead of 603.
    public private(set) var handlesBlindTransfer = false
    /// A REFER was accepted (202) and its outcome has not been notified yet.
    public private(set) var isBlindTransferPending = false
    /// Which digits are reported (`handleTones`); nil: none.
    var toneHandling: ToneDetection?
    /// The call whose end ends this one (set by the bridge; cleared while
    /// this call's peer is being transferred away).
    weak var linkedPeer: Call?
    /// Which X-headers of what this call's remote side sends (INFO, MESSAGE,
    /// responses, BYE) cross to the peer: the route's or trunk's header
    /// policy for that direction; nil lets every X- header cross.
    var relayHeaderFilter: HeaderFilter?
    /// The filter the outbound call of a relay bridge gets (set before it exists).
    var peerHeaderFilter: HeaderFilter?

    /// The X-headers of `headers` that may cross from this call's remote side to the peer.
    func crossing(_ headers: [SIPHeader]) -> [SIPHeader] {
        let custom = headers.filter(\.isCustom)
        return relayHeaderFilter?.filter(custom) ?? custom
    }
    /// Set by the engine on inbound calls when a media engine runs: what
    /// `answer()`/`startEarlyMedia()` anchor the call's media with.
    var anchorSettings: MediaAnchorSettings?
    /// The call's own anchored media (`answer()` outside a bridge).
    private var mediaAnchor: MediaAnchor?
    private var noAnswerTimer: Task<Void, Never>?
    private var noAnswerTimeout: Double?
    private var earlyMediaTimer: Task<Void, Never>?
    /// True once 183 with SDP was sent on this (inbound) call and it is not answered yet.
    var isInEarlyMedia: Bool { earlyMediaStarted && machine.phase == .alerting }
    private var earlyMediaStarted = false
    /// Seconds an inbound call may stay in early media before it fails with 408; nil = no limit.
    var earlyMediaTimeout: Double?
    var onFinished: (@SIPActor (Call) -> Void)?
    /// RFC 4028 on this leg (`Call+SessionTimer.swift`).
    var sessionTimer = SessionTimer(policy: .off)
    var sessionTimerTask: Task<Void, Never>?
    /// What the inbound INVITE said about session timers.
    var inviteTimer = SessionTimer.Remote()
    /// What the re-INVITE being relayed said about session timers.
    var reinviteTimer = SessionTimer.Remote()
    /// A refresh re-INVITE Legato sent on this leg waits for its answer.
    var refreshReinvitePending = false
    /// The SDP Legato last sent on this leg (a refresh re-INVITE repeats it).
    var localSession: SIPBody?
    /// Why the call ended, logged once as `call.ended cause=…`; set before the
    /// ending input by paths that know better than the input itself.
    var endCause: String?
    private var endLogged = false

    /// An offer/answer exchange is under way on this leg (a refresh re-INVITE waits for it).
    var hasOfferInFlight: Bool {
        reinviteAnswerPending || reinviteOrigin != nil || localReinvitePending || updateOrigin != nil
            || refreshReinvitePending
    }

    init(id: String, incoming: Bool, leg: SIPLeg, number: String, callerid: String, displayName: String,
         headers: [SIPHeader], sipCallID: String?, remoteSession: SIPBody?, logger: Logger) {
        self.id = id
        self.incoming = incoming
        self.leg = leg
        self.number = number
        self.callerid = callerid
        self.displayName = displayName
        self.headers = headers
        self.sipCallID = sipCallID
        self.remoteSession = remoteSession
        self.machine = CallStateMachine(incoming: incoming)
        var logger = logger
        logger[metadataKey: "call.id"] = "\(id)"
        if let sipCallID { logger[metadataKey: "leg.callid"] = "\(sipCallID)" }
        self.logger = logger
        leg.delegate = self
    }

    // MARK: - accessors

    /// The current state (`ALERTING`, `PROGRESSING`, `CONNECTED`, `TERMINATED`).
    public var state: CallState { machine.state }

    /// The string carried with the call (≤ 200 bytes).
    public func customData() -> String? { customDataValue }

    /// Sets the string carried with the call. Throws `CallError.customDataTooLong` above 200 bytes.
    public func setCustomData(_ value: String) throws(CallError) {
        try CallInputRules.validateCustomData(value)
        customDataValue = value
    }

    public var description: String {
        "Call(\(id), \(incoming ? "inbound" : "outbound"), \(number), \(state))"
    }

    /// VoxEngine's `toString()`.
    public func toString() -> String { description }

    // MARK: - listeners

    /// Subscribes `handler` to events of `kind`; keep the token to remove it.
    @discardableResult
    public func addEventListener(_ kind: CallEventKind, _ handler: @escaping @SIPActor (CallEvent) -> Void) -> ListenerToken {
        nextListenerID += 1
        listeners[kind, default: []].append((nextListenerID, handler))
        return ListenerToken(id: nextListenerID, kind: kind)
    }

    /// Unsubscribes the listener `token` names. Unknown tokens are ignored.
    public func removeEventListener(_ token: ListenerToken) {
        listeners[token.kind]?.removeAll { $0.id == token.id }
    }

    // MARK: - methods

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
    /// media passes through Legato. With a delayed offer, the caller's answer
    /// (in its ACK) is relayed to `peer`'s ACK.
    public func answerDirect(peer: Call, extraHeaders: [SIPHeader] = []) throws(CallError) {
        guard let sdp = peer.remoteSession else { throw .peerHasNoSession(method: "answerDirect") }
        directPeer = peer
        peer.directPeer = self
        pair(with: peer, rewriter: nil)
        try apply(.answer, method: "answerDirect", headers: extraHeaders, body: sdp)
    }

    /// Answers an inbound call with media anchored in Legato (relay): the
    /// caller gets Legato's address, ports and (under the listener's SRTP
    /// policy) its own SDES key. Outside a bridge the caller's media ends in
    /// Legato. Throws `mediaUnavailable` when no media engine runs (a conf
    /// with neither `media.mode: relay` nor a relay route) or no ports are
    /// free, and `offerNotAcceptable` when the INVITE had no usable offer.
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
        MediaEventRouter.shared.register(anchor.session.id, inbound: self, outbound: nil)
        return anchor
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
        infoOrigins.append(nil)
        leg.info(body: SIPBody(contentType: mimeType, text: body), headers: extraHeaders)
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
        messageOrigins.append(nil)
        leg.message(body: SIPBody(contentType: "text/plain", text: text), headers: extraHeaders)
    }

    /// An INFO or MESSAGE from the remote side: fires its event, then relays
    /// it to the bridged peer with its body, content type and X-headers; the
    /// peer's final response is returned to the sender. Without a connected
    /// peer Legato answers 200 itself.
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
        guard machine.phase == .connected, let peer = reinvitePeer, peer.state == .connected else {
            request.respond(machine.phase == .ended ? 481 : 200)
            return
        }
        logger.info("call.relay-request", metadata: ["sip.method": "\(isInfo ? "INFO" : "MESSAGE")",
                                                     "call.peer": "\(peer.id)"])
        let headers = crossing(message.headers)
        if isInfo {
            peer.infoOrigins.append(request)
            peer.leg.info(body: message.body, headers: headers)
        } else {
            peer.messageOrigins.append(request)
            peer.leg.message(body: message.body, headers: headers)
        }
    }

    /// This leg's final response to an INFO/MESSAGE it sent: back to the sender it relays.
    private func relayInDialogResponse(_ response: SIPMessage, isInfo: Bool) {
        let origin: SIPServerRequest??
        if isInfo {
            origin = infoOrigins.isEmpty ? nil : infoOrigins.removeFirst()
        } else {
            origin = messageOrigins.isEmpty ? nil : messageOrigins.removeFirst()
        }
        guard let request = origin ?? nil else { return }
        let headers = crossing(response.headers)
        request.respond(response.status, reason: response.reason, body: response.body, headers: headers)
    }

    /// The relay session and leg carrying this call's media (relay legs and
    /// anchored calls); nil for direct legs.
    var relayMedia: (RelaySession, RelayLeg)? {
        if let bridge = sessionRewriter as? RelayBridge, let leg = bridge.legOf(self) { return (bridge.session, leg) }
        if let mediaAnchor { return (mediaAnchor.session, .a) }
        return nil
    }

    /// Re-INVITEs the remote side with `body` on Legato's own account (a
    /// direct-mode transfer gives the transferee the target's SDP); the 2xx
    /// is ACKed here and goes nowhere else.
    public func reinviteLocally(body: SIPBody?) {
        localReinvitePending = true
        leg.reinvite(body: body)
    }

    /// Sends an INFO Legato generated (DTMF), whose response goes nowhere.
    func sendInternalInfo(_ body: SIPBody) {
        infoOrigins.append(nil)
        leg.info(body: body)
    }

    /// The SDP rewriter of the bridge this call is on (the relay bridge in relay mode).
    var sessionRewriterForTransfer: (any SessionRewriter)? { sessionRewriter }

    /// Makes a REFER from this call's remote side fire BlindTransferRequested
    /// (answered 202) when `on`; otherwise REFER is declined with 603.
    public func handleBlindTransfer(_ on: Bool) {
        handlesBlindTransfer = on
    }

    /// Tells the transferor the transfer succeeded: NOTIFY with
    /// `SIP/2.0 200 OK`, ending the refer subscription. Only while a transfer
    /// request is pending on this call.
    public func notifyBlindTransferSuccess() throws(CallError) {
        guard isBlindTransferPending else {
            throw .invalidState(method: "notifyBlindTransferSuccess", state: machine.state, incoming: incoming)
        }
        isBlindTransferPending = false
        leg.notifyRefer(statusLine: "SIP/2.0 200 OK", final: true)
    }

    /// Tells the transferor the transfer failed with `code` (300–699): NOTIFY
    /// with that status line, ending the refer subscription.
    public func notifyBlindTransferFailed(code: Int, reason: String? = nil) throws(CallError) {
        try CallInputRules.validateRejectCode(code)
        if let reason, reason.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
            throw .headerValueHasLineBreak(name: "reason phrase")
        }
        guard isBlindTransferPending else {
            throw .invalidState(method: "notifyBlindTransferFailed", state: machine.state, incoming: incoming)
        }
        isBlindTransferPending = false
        leg.notifyRefer(statusLine: "SIP/2.0 \(code) \(reason ?? SIPStatus.defaultReason(code))", final: true)
    }

    /// Reports a provisional outcome (100 Trying, 18x) of the pending transfer.
    func notifyBlindTransferProgress(status: Int, reason: String?) {
        guard isBlindTransferPending, (100..<200).contains(status) else { return }
        leg.notifyRefer(statusLine: "SIP/2.0 \(status) \(reason ?? SIPStatus.defaultReason(status))", final: false)
    }

    /// A REFER from the remote side (RFC 3515): 603 unless blind transfer is
    /// handled, 501 for an attended transfer (Refer-To with Replaces), 491
    /// while another is pending; otherwise 202, a NOTIFY with 100 Trying, and
    /// BlindTransferRequested.
    private func handleRefer(_ request: SIPServerRequest) {
        let message = request.message
        guard machine.phase == .connected else {
            request.respond(481)
            return
        }
        guard handlesBlindTransfer else {
            logger.info("call.refer-declined")
            request.respond(603, reason: "Transfer Not Allowed")
            return
        }
        guard let target = message.referTo, !target.isEmpty else {
            request.respond(400, reason: "Missing Refer-To")
            return
        }
        if target.lowercased().contains("replaces=") {
            request.respond(501, reason: "Attended Transfer Not Implemented")
            return
        }
        guard !isBlindTransferPending else {
            request.respond(491)
            return
        }
        isBlindTransferPending = true
        request.respond(202)
        leg.notifyRefer(statusLine: "SIP/2.0 100 Trying", final: false)
        let referredBy = message.referredBy ?? message.fromURI.map { "<\($0)>" } ?? ""
        logger.info("call.blind-transfer", metadata: ["call.transfer-to": "\(target)"])
        fireSignalledEvent(.blindTransferRequested(headers: message.customHeaders, transferTo: target,
                                                   referredBy: referredBy))
    }

    /// Makes `peer` the call this one's re-INVITEs go to, and the other way
    /// round, with `rewriter` handling the SDP (relay mode) or nil (direct).
    func pair(with peer: Call, rewriter: (any SessionRewriter)?) {
        reinvitePeer = peer
        peer.reinvitePeer = self
        sessionRewriter = rewriter
        peer.sessionRewriter = rewriter
    }

    /// Answers with an SDP Legato built (relay mode: media anchored in Legato).
    func answerAnchored(sdp: SIPBody, extraHeaders: [SIPHeader] = []) throws(CallError) {
        try apply(.answer, method: "answer", headers: extraHeaders, body: sdp)
    }

    /// Sends 183 with an SDP Legato built (relay mode early media).
    func startEarlyMediaAnchored(sdp: SIPBody, extraHeaders: [SIPHeader] = []) throws(CallError) {
        try apply(.earlyMedia, method: "startEarlyMedia", headers: extraHeaders, body: sdp)
    }

    /// Fires a media event (relay legs), logged as `call.<kind>`.
    func fireMediaEvent(_ event: CallEvent) {
        logger.info("call.media-event", metadata: ["call.event": "\(event.kind.rawValue)"])
        fire(event)
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

    // MARK: - engine-facing

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

    // MARK: - performing

    private func apply(_ input: CallStateMachine.Input, method: String, headers: [SIPHeader],
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
        perform(machine.handle(input))
        if !wasEnded, machine.phase == .ended { logEnd(after: input) }
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
                if status < 200, nextProvisionalReliable {
                    nextProvisionalReliable = false
                    headers.append(SIPHeader(name: "Require", value: "100rel"))
                }
                if status / 100 == 2 { headers += sessionTimerAnswered() }
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
        if machine.phase == .ended {
            noAnswerTimer?.cancel()
            noAnswerTimer = nil
            sessionTimerTask?.cancel()
            sessionTimerTask = nil
            if let mediaAnchor {
                MediaEventRouter.shared.unregister(mediaAnchor.session.id)
                mediaAnchor.release()
            }
            // Requests relayed on this leg that will get no answer now.
            for request in (infoOrigins + messageOrigins + [updateOrigin, prackOrigin]).compactMap({ $0 }) {
                request.respond(481)
            }
            updateOrigin = nil
            prackOrigin = nil
            pendingPracks = []
            infoOrigins = []
            messageOrigins = []
        }
        if machine.dialogGone, let onFinished {
            self.onFinished = nil
            onFinished(self)
        }
    }

    private var connectedDuration: Double {
        guard let connectedAt else { return 0 }
        let d = ContinuousClock.now - connectedAt
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private func sendAck(_ body: SIPBody?) {
        guard !ackSent else { return }
        ackSent = true
        if let body { localSession = body }
        leg.ack(body: body)
    }

    /// The caller's ACK carried the answer to the offer our peer sent in its 2xx.
    private func relayAnswer(_ body: SIPBody?) {
        guard ackAwaitsAnswer else { return }
        ackAwaitsAnswer = false
        if machine.phase == .connected { sendAck(body) }
    }

    private func startNoAnswerTimer() {
        guard let timeout = noAnswerTimeout, noAnswerTimer == nil, !incoming else { return }
        noAnswerTimer = Task { @SIPActor [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
            guard !Task.isCancelled, let self else { return }
            self.logger.info("call.no-answer-timeout", metadata: ["call.timeout": "\(timeout)"])
            self.noAnswerTimer = nil
            self.perform(self.machine.handle(.noAnswerTimeout))
        }
    }

    /// Early media lasts at most `earlyMediaTimeout`: then the call fails with 408.
    private func startEarlyMediaTimer() {
        guard let timeout = earlyMediaTimeout, earlyMediaTimer == nil, incoming else { return }
        earlyMediaTimer = Task { @SIPActor [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
            guard !Task.isCancelled, let self, self.machine.phase == .alerting else { return }
            self.logger.info("call.early-media-timeout", metadata: ["call.timeout": "\(timeout)"])
            self.earlyMediaTimer = nil
            self.refuse(code: 408, reason: "Early Media Timeout")
        }
    }

    private func fire(_ event: CallEvent) {
        for entry in listeners[event.kind] ?? [] { entry.handler(event) }
    }

    /// A re-INVITE from the remote side (hold, unhold, new address, codec
    /// change) is sent on to the peer: with its SDP unchanged in direct mode,
    /// rewritten for the peer's leg in relay mode. The peer's answer comes
    /// back as the response. A re-INVITE while one is pending on either side
    /// gets 491 (RFC 3261 14.2).
    private func handleReinvite(_ message: SIPMessage) {
        guard machine.phase == .connected, let peer = reinvitePeer, peer.state == .connected else {
            leg.respond(488)
            return
        }
        guard !reinviteAnswerPending, reinviteOrigin == nil, !peer.reinviteAnswerPending, peer.reinviteOrigin == nil,
              !refreshReinvitePending, !peer.refreshReinvitePending else {
            leg.respond(491)
            return
        }
        var forward = message.body
        if let rewriter = sessionRewriter {
            guard let body = message.body else {
                leg.respond(488, reason: "Offerless re-INVITE Not Supported In Relay Mode")
                return
            }
            switch rewriter.rewriteOffer(from: self, body: body) {
            case .forward(let rewritten): forward = rewritten
            case .refuse(let code, let reason):
                leg.respond(code, reason: reason)
                return
            }
        }
        if let body = message.body, body.isSDP {
            remoteSession = body
            pendingHold = Self.holds(body)
        }
        fireSignalledEvent(.reInviteReceived(headers: message.customHeaders, body: message.body))
        reinviteTimer = SessionTimer.Remote(message)
        reinviteAnswerPending = true
        peer.reinviteOrigin = self
        logger.info("call.reinvite", metadata: ["call.peer": "\(peer.id)"])
        peer.localSession = forward ?? peer.localSession
        peer.leg.reinvite(body: forward, headers: peer.sessionTimer.requestHeaders)
    }

    /// The answer to a re-INVITE this call forwarded: ACK a 2xx, then answer the origin alike.
    private func relayReinviteAnswer(_ message: SIPMessage, to origin: Call?) {
        if (200..<300).contains(message.status) { leg.ack() }
        let answer = answerForOfferer(message, rewritten: sessionRewriter != nil)
        sessionTimerInput(.localRequestAnswered(status: message.status, response: SessionTimer.Remote(message)))
        guard let origin else { return }
        origin.reinviteAnswerPending = false
        var headers: [SIPHeader] = []
        if (200..<300).contains(answer.status) {
            headers = origin.remoteRefreshed(origin.reinviteTimer)
            if let body = answer.body { origin.localSession = body }
        }
        origin.leg.respond(answer.status, reason: answer.reason, body: answer.body, headers: headers)
        origin.reinviteAnswered(message, status: answer.status, reason: answer.reason)
    }

    /// What the offerer of a relayed re-INVITE or UPDATE gets from this
    /// leg's final response: a 2xx's SDP becomes this call's remote session
    /// and, when the offer went through the session rewriter, is rewritten for
    /// the offerer's leg (or refused); a failure tells the rewriter the offer
    /// failed.
    private func answerForOfferer(_ response: SIPMessage, rewritten: Bool)
        -> (status: Int, reason: String?, body: SIPBody?) {
        guard (200..<300).contains(response.status) else {
            if rewritten { sessionRewriter?.offerFailed(to: self) }
            return (response.status, response.reason, nil)
        }
        if let body = response.body, body.isSDP { remoteSession = body }
        guard rewritten, let rewriter = sessionRewriter else { return (response.status, response.reason, response.body) }
        switch rewriter.rewriteAnswer(from: self, body: response.body) {
        case .forward(let body): return (response.status, response.reason, body)
        case .refuse(let code, let reason): return (code, reason, nil)
        }
    }

    /// An UPDATE from the remote side (RFC 3311): a session refresh without
    /// body, or a new offer. Relayed to the peer like a re-INVITE (SDP
    /// rewritten per leg in relay mode) with the peer's answer returned;
    /// 491 while another offer is pending on either side.
    private func handleUpdate(_ request: SIPServerRequest) {
        if machine.phase == .connected, !(request.message.body?.isSDP ?? false) {
            // A refresh of this leg's session (RFC 4028): answered here, it concerns no other leg.
            request.respond(200, headers: remoteRefreshed(SessionTimer.Remote(request.message)))
            return
        }
        guard machine.phase == .connected, let peer = reinvitePeer, peer.state == .connected else {
            request.respond(machine.phase == .connected ? 200 : 481)
            return
        }
        guard !reinviteAnswerPending, reinviteOrigin == nil, updateOrigin == nil,
              !peer.reinviteAnswerPending, peer.reinviteOrigin == nil, peer.updateOrigin == nil else {
            request.respond(491)
            return
        }
        var forward = request.message.body
        if let body = request.message.body, body.isSDP, let rewriter = sessionRewriter {
            switch rewriter.rewriteOffer(from: self, body: body) {
            case .forward(let rewritten): forward = rewritten
            case .refuse(let code, let reason):
                request.respond(code, reason: reason)
                return
            }
        }
        if let body = request.message.body, body.isSDP { remoteSession = body }
        peer.updateOrigin = request
        logger.info("call.relay-request", metadata: ["sip.method": "UPDATE", "call.peer": "\(peer.id)"])
        if let forward { peer.localSession = forward }
        peer.leg.update(body: forward, headers: crossing(request.message.headers) + peer.sessionTimer.requestHeaders)
    }

    /// The peer side's answer to the UPDATE this leg forwarded.
    private func relayUpdateAnswer(_ response: SIPMessage) {
        guard let origin = updateOrigin else { return }
        updateOrigin = nil
        let wasOffer = origin.message.body?.isSDP ?? false
        let answer = answerForOfferer(response, rewritten: wasOffer && sessionRewriter != nil)
        sessionTimerInput(.localRequestAnswered(status: response.status, response: SessionTimer.Remote(response)))
        var headers = crossing(response.headers)
        if (200..<300).contains(answer.status), let offerer = reinvitePeer {
            headers += offerer.remoteRefreshed(SessionTimer.Remote(origin.message))
            if let body = answer.body { offerer.localSession = body }
        }
        origin.respond(answer.status, reason: answer.reason, body: answer.body, headers: headers)
    }

    /// Fires ReInviteAccepted/Rejected and, when the accepted offer changed it, OnHold/OffHold.
    private func reinviteAnswered(_ message: SIPMessage, status: Int, reason: String?) {
        let hold = pendingHold
        pendingHold = nil
        guard (200..<300).contains(status) else {
            fireSignalledEvent(.reInviteRejected(headers: message.customHeaders, code: status,
                                                 reason: reason ?? SIPStatus.defaultReason(status)))
            return
        }
        fireSignalledEvent(.reInviteAccepted(headers: message.customHeaders, body: message.body))
        if let hold, hold != remoteHolds {
            remoteHolds = hold
            fireSignalledEvent(hold ? .onHold : .offHold)
        }
    }

    /// True when an SDP offer puts its sender's peer on hold (sendonly or inactive audio, RFC 3264 8.4).
    static func holds(_ body: SIPBody) -> Bool {
        guard let sdp = try? SDPParser.parse(body.text), !sdp.media.isEmpty else { return false }
        return sdp.direction(of: 0).isHold
    }

    /// Fires a signalling event and logs it as `call.event`.
    private func fireSignalledEvent(_ event: CallEvent) {
        logger.info("call.signalling-event", metadata: ["call.event": "\(event.kind.rawValue)"])
        fire(event)
    }

    fileprivate func handle(_ event: SIPLegEvent) {
        switch event {
        case .response(let message) where machine.phase == .connected && refreshReinvitePending:
            guard message.status >= 200 else { return }
            refreshAnswered(message)
        case .response(let message) where machine.phase == .connected && reinviteOrigin != nil:
            guard message.status >= 200 else { return }
            let origin = reinviteOrigin
            reinviteOrigin = nil
            relayReinviteAnswer(message, to: origin)
        case .response(let message) where machine.phase == .connected && localReinvitePending:
            guard message.status >= 200 else { return }
            localReinvitePending = false
            if (200..<300).contains(message.status) {
                leg.ack()
                if let body = message.body, body.isSDP { remoteSession = body }
            } else {
                logger.warning("call.reinvite-refused", metadata: ["sip.status": "\(message.status)"])
            }
        case .reinvite(let message):
            incomingHeaders = message.customHeaders
            handleReinvite(message)
        case .response(let message):
            incomingHeaders = message.customHeaders
            switch message.status {
            case 101..<200:
                if let body = message.body, body.isSDP { earlyMediaSession = body }
                let peer = message.rseq > 0 ? linkedPeer : nil
                let endToEnd = peer.map { $0.incoming && $0.remoteSupports100rel && $0.state == .alerting } ?? false
                if let peer, endToEnd { peer.nextProvisionalReliable = true }
                feed(.provisional(status: message.status))
                if message.rseq > 0 {
                    if let peer, endToEnd, !peer.nextProvisionalReliable {
                        // Relayed reliably: the caller's PRACK will come back through Legato.
                        peer.pendingPracks.append((self, message.rseq, message.cseq))
                    } else {
                        // RFC 3262 terminated on this leg: Legato PRACKs the callee itself.
                        peer?.nextProvisionalReliable = false
                        leg.prack(rseq: message.rseq, cseq: message.cseq)
                    }
                }
            case 200..<300:
                if let body = message.body, body.isSDP { remoteSession = body }
                feed(.success)
                if machine.phase == .connected { sessionTimerInput(.confirmed(response: SessionTimer.Remote(message))) }
            case 300...:
                feed(.failure(status: message.status,
                                                reason: message.reason ?? SIPStatus.defaultReason(message.status)))
            default:
                break
            }
        case .ack(let message):
            incomingHeaders = message.customHeaders
            directPeer?.relayAnswer(message.body)
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
            if pendingPracks.isEmpty {
                request.respond(200)
            } else {
                let pending = pendingPracks.removeFirst()
                pending.peer.prackOrigin = request
                pending.peer.leg.prack(rseq: pending.rseq, cseq: pending.cseq, body: request.message.body,
                                       headers: crossing(request.message.headers))
            }
        case .prackResponse(let response):
            prackOrigin?.respond(response.status, reason: response.reason, body: response.body)
            prackOrigin = nil
        case .update(let request):
            incomingHeaders = request.message.customHeaders
            handleUpdate(request)
        case .updateResponse(let response):
            relayUpdateAnswer(response)
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
}

extension Call: SIPLegDelegate {
    public func leg(_ leg: SIPLeg, didReceive event: SIPLegEvent) { handle(event) }
}
