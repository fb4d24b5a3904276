import Logging
import LegatoMedia
import LegatoSIP

/// Owns the live calls: turns inbound INVITEs into `Call`s for the scenario,
/// places outbound calls, and drains on shutdown.
@SIPActor
public final class CallEngine: SIPEndpointDelegate {
    /// A listener the engine can place outbound calls from.
    public struct Listener {
        /// The listener's SIP endpoint.
        public let endpoint: SIPEndpoint
        /// Transports the listener has, lowercase (`udp`, `tcp`, `tls`).
        public let transports: Set<String>
        /// The listener's position in the configuration (`CallAlerting.listener`).
        public let index: Int
        /// A listener; `index` is its position in the configuration's `listeners`.
        public init(endpoint: SIPEndpoint, transports: Set<String>, index: Int = 0) {
            self.endpoint = endpoint
            self.transports = transports
            self.index = index
        }
        var isIPv6: Bool { endpoint.address.contains(":") }
    }

    /// Receives every inbound call that passes the engine's checks. Replacing
    /// it (a reload) changes what new calls get; calls in progress keep theirs.
    public var scenario: Scenario
    private let listeners: [Listener]
    private let logger: Logger
    private var calls: [String: Call] = [:]
    private var nextCallNumber: UInt64 = 0
    private let instance = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    /// When true, new INVITEs are refused with 503 (shutdown in progress).
    public private(set) var isDraining = false
    /// Most inbound calls alive at once; beyond it new INVITEs get 503. 0 = no limit.
    public var maxCalls = 0
    /// Seconds an inbound call may stay in early media before it fails with 408; nil = no limit.
    public var earlyMediaTimeout: Double? = 60
    /// Media anchoring for `Call.answer()`, by listener index (empty: no media engine).
    public var anchorSettings: [Int: MediaAnchorSettings] = [:]
    /// RFC 4028 session timers of every leg (`signalling.session_timer`); off by default.
    public var sessionTimerPolicy = SessionTimer.Policy.off
    /// When set and overloaded, new INVITEs get 503 with `Retry-After` before any `Call` exists.
    public var loadMonitor: LoadMonitor?
    /// Seconds in the `Retry-After` of an overload 503.
    public var overloadRetryAfter = 5
    /// Runs on every new INVITE before a `Call` is built (admission: scanner 403,
    /// auth, per-trunk caps); a refusal is answered on the leg and no `Call` exists.
    public var inviteAdmission: (@SIPActor (SIPMessage, _ listener: Int) -> InviteRefusal?)?
    /// Runs when a refused INVITE was answered (the refusal log line).
    public var onRefused: (@SIPActor (InviteRefusal, SIPMessage) -> Void)?
    private var inboundCount = 0 {
        didSet { LegatoMetrics.setActiveCalls(inboundCount) }
    }
    /// Receives the detail record of every inbound call once it ended (with
    /// its media counters when the media was relayed); nil: no records kept.
    public var recordSink: (@SIPActor (CallRecord) -> Void)?

    /// Becomes the delegate of every listener's endpoint.
    public init(listeners: [Listener], scenario: Scenario, logger: Logger) {
        self.listeners = listeners
        self.scenario = scenario
        self.logger = logger
        for listener in listeners { listener.endpoint.delegate = self }
    }

    /// Calls (legs) alive now.
    public var activeCallCount: Int { calls.count }
    /// Inbound calls alive now.
    public var activeInboundCount: Int { inboundCount }
    /// Inbound calls taken since start (status: calls per second).
    public private(set) var inboundTotal: UInt64 = 0
    var liveCalls: Dictionary<String, Call>.Values { calls.values }

    /// Refuses new calls from now on (503) while existing ones go on.
    public func startDraining() { isDraining = true }

    /// Returns when no call is left.
    public func waitUntilIdle() async {
        if calls.isEmpty { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// Hangs up every live call.
    public func hangupAll() {
        for call in Array(calls.values) { try? call.hangup() }
    }

    // MARK: - outbound

    /// Places an outbound call to `uri` (VoxEngine's `callSIP`).
    public func callSIP(_ uri: String, options: CallSIPOptions = CallSIPOptions()) throws(CallError) -> Call {
        try CallInputRules.validateExtraHeaders(options.headers)
        if let data = options.customData { try CallInputRules.validateCustomData(data) }
        guard uri.hasPrefix("sip:") || uri.hasPrefix("sips:"), !uri.utf8.contains(where: { $0 <= 32 }) else {
            throw .cannotPlaceCall("'\(uri)' is not a SIP URI")
        }
        guard let listener = listener(for: uri) else { throw .cannotPlaceCall("no listener can reach \(uri)") }
        let endpoint = listener.endpoint
        let host = endpoint.address.contains(":") ? "[\(endpoint.address)]" : endpoint.address
        let user = options.callerid.flatMap { $0.isEmpty ? nil : $0 } ?? "anonymous"
        let display = options.displayName.map { "\"\($0.replacingQuotes())\" " } ?? ""
        let from = "\(display)<sip:\(user)@\(host)>"
        let to = "<\(uri)>"
        guard let leg = endpoint.makeOutboundLeg(from: from, to: to) else {
            throw .cannotPlaceCall("the listener is shutting down")
        }
        leg.credentials = options.credentials
        let call = Call(id: newCallID(), incoming: false, leg: leg, number: URIParts.user(of: uri) ?? "",
                        callerid: user, displayName: options.displayName ?? "", headers: options.headers,
                        sipCallID: nil, remoteSession: nil, logger: logger)
        if let data = options.customData { try call.setCustomData(data) }
        call.useSessionTimers(sessionTimerPolicy)
        track(call)
        call.logger.info("call.outbound", metadata: ["call.to": "\(uri)"])
        call.place(requestURI: uri, maxForwards: options.maxForwards, offer: options.offer,
                   headers: options.headers + options.systemHeaders, noAnswerTimeout: options.noAnswerTimeout)
        return call
    }

    func listener(for uri: String) -> Listener? {
        let wantsIPv6 = URIParts.host(of: uri)?.hasPrefix("[") ?? false
        let transport = URIParts.transport(of: uri) ?? (uri.hasPrefix("sips:") ? "tls" : "udp")
        return listeners.first { $0.isIPv6 == wantsIPv6 && $0.transports.contains(transport) }
            ?? listeners.first { $0.transports.contains(transport) }
    }

    // MARK: - inbound

    /// Turns the INVITE into an inbound `Call` and hands it to the scenario, unless it
    /// is refused first: 503 (draining, overloaded, too many calls), 415 (body not SDP or
    /// multipart), 422 (Session-Expires below Legato's Min-SE) or 483 (Max-Forwards exhausted).
    public func endpoint(_ endpoint: SIPEndpoint, didReceiveInvite invite: SIPMessage, on leg: SIPLeg) {
        let listenerIndex = listeners.first { $0.endpoint === endpoint }?.index ?? 0
        if loadMonitor?.isOverloaded == true {
            // Shed before anything is built: one 503 with Retry-After, no Call, no info line.
            let refusal = InviteRefusal(status: 503, reason: "Overloaded", refusal: "overload",
                                        headers: [SIPHeader(name: "Retry-After", value: "\(overloadRetryAfter)")])
            leg.respond(refusal.status, reason: refusal.reason, headers: refusal.headers)
            onRefused?(refusal, invite)
            return
        }
        if let refusal = inviteAdmission?(invite, listenerIndex) {
            leg.respond(refusal.status, reason: refusal.reason, headers: refusal.headers)
            onRefused?(refusal, invite)
            return
        }
        let call = Call(id: newCallID(), incoming: true, leg: leg, number: invite.requestUser ?? "",
                        callerid: invite.fromUser ?? "", displayName: invite.fromDisplayName ?? "",
                        headers: invite.customHeaders, sipCallID: invite.callID, remoteSession: invite.body,
                        logger: logger)
        call.earlyMediaTimeout = earlyMediaTimeout
        call.remoteSupports100rel = invite.supports100rel
        call.useSessionTimers(sessionTimerPolicy)
        call.inviteTimer = SessionTimer.Remote(invite)
        call.anchorSettings = anchorSettings[listenerIndex]
        call.facts.from = invite.fromURI ?? ""
        call.facts.to = invite.requestURI ?? ""
        let host = endpoint.address.contains(":") ? "[\(endpoint.address)]" : endpoint.address
        call.facts.listener = "\(host):\(endpoint.port)"
        call.onEnded = { [weak self] call, input, media in self?.inboundEnded(call, after: input, media: media) }
        track(call)
        call.logger.info("call.inbound", metadata: ["call.from": "\(invite.fromURI ?? "")",
                                                    "call.to": "\(invite.requestURI ?? "")"])
        if isDraining {
            LegatoMetrics.admissionRefused("draining")
            call.refuse(code: 503, reason: "Shutting Down", headers: [SIPHeader(name: "Retry-After", value: "\(drainRetryAfter)")])
            return
        }
        if maxCalls > 0 && inboundCount > maxCalls {
            LegatoMetrics.admissionRefused("max_calls")
            call.refuse(code: 503, reason: "Too Many Calls")
            return
        }
        if let body = invite.body, !Self.acceptsSessionBody(body.contentType) {
            // RFC 3261 21.4.16: say which body types are understood.
            call.refuse(code: 415, headers: [SIPHeader(name: "Accept", value: "application/sdp")])
            return
        }
        if SessionTimer.isTooSmall(call.inviteTimer, sessionTimerPolicy) {
            // RFC 4028 §9: ask for at least Legato's minimum.
            call.refuse(code: 422, headers: [SIPHeader(name: "Min-SE", value: "\(sessionTimerPolicy.minSE)")])
            return
        }
        let maxForwards = invite.maxForwards ?? 70
        if maxForwards <= 0 {
            call.refuse(code: 483)
            return
        }
        scenario.callAlerting(CallAlerting(
            call: call, callerid: call.callerid, destination: call.number,
            fromURI: invite.fromURI ?? "", toURI: invite.toURI ?? "", displayName: call.displayName,
            headers: invite.headers, maxForwards: maxForwards, customData: nil,
            listener: listenerIndex), engine: self)
    }

    /// SDP, or a multipart body (passed through unchanged in direct mode).
    static func acceptsSessionBody(_ contentType: String) -> Bool {
        let type = contentType.lowercased()
        return type.hasPrefix("application/sdp") || type.hasPrefix("multipart/mixed")
    }

    // MARK: - records

    /// Seconds a caller refused while draining is told to wait (Retry-After).
    public var drainRetryAfter = 5

    private func inboundEnded(_ call: Call, after input: CallStateMachine.Input, media: CallMediaSnapshot) {
        let record = call.makeRecord(after: input, media: media, stats: nil)
        LegatoMetrics.callEnded(record.disposition)
        guard let sink = recordSink else { return }
        guard let session = media.session else { return sink(record) }
        Task { @SIPActor in
            var record = record
            if let stats = await session.finalStats() {
                record.media.caller = CallRecord.LegMedia(relayed: stats.a.rtp)
                record.media.callee = CallRecord.LegMedia(relayed: stats.b.rtp)
            }
            sink(record)
        }
    }

    // MARK: - bookkeeping

    private func newCallID() -> String {
        nextCallNumber += 1
        return "\(instance)-\(nextCallNumber)"
    }

    private func track(_ call: Call) {
        calls[call.id] = call
        if call.incoming {
            inboundCount += 1
            inboundTotal += 1
        }
        call.onFinished = { [weak self] finished in self?.untrack(finished) }
    }

    private func untrack(_ call: Call) {
        calls[call.id] = nil
        if call.incoming { inboundCount -= 1 }
        call.logger.debug("call.finished")
        if calls.isEmpty {
            let waiters = idleWaiters
            idleWaiters.removeAll()
            for waiter in waiters { waiter.resume() }
        }
    }
}

extension String {
    /// The string with `"` and `\` removed, for a quoted display name.
    func replacingQuotes() -> String { filter { $0 != "\"" && $0 != "\\" && $0 != "\r" && $0 != "\n" } }
}
