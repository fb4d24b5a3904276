import Logging
import LegatoConfig
import LegatoMedia
import LegatoSIP
import LegatoSecurity

/// The default scenario: routes each inbound call by the conf's routes and
/// bridges it to the route's trunk (VoxEngine's "easyProcess", made complete).
@SIPActor
public final class ConfigRouter: Scenario {
    let table: RouteTable
    let trunks: [String: TrunkConfig]
    /// Header filters per trunk and per route: towards the trunk, and from it.
    let trunkFilters: [String: (toTrunk: HeaderFilter, fromTrunk: HeaderFilter)]
    let routeFilters: [String: (toTrunk: HeaderFilter, fromTrunk: HeaderFilter)]
    private let listenerCustomData: [String?]
    private let defaultNoAnswerTimeout: Double
    let logger: Logger
    private let media: MediaWorkerPool?
    private let mediaAddress: String
    private let watchdog: WatchdogSettings
    private let listenerSRTP: [SRTPPolicy]
    private let allowRelatch: Bool
    private let ice: ICEMode
    /// `media.recordings` and `media.record_format` (`record: true` routes).
    let recordings: String
    let recordFormat: RecordFileFormat
    /// Per-trunk `max_calls` / `max_cps` limits of this conf.
    private let capLimits: [String: TrunkCaps.Limits]
    /// The counts under them; shared with the router this one replaced on a
    /// reload (`takeOver(from:)`), so calls in progress keep their slots.
    private(set) var slots: TrunkSlots

    /// Compiles the configuration's routes and header policies. `media` runs
    /// relay-mode routes; without it they are refused with 488.
    public init(configuration: LegatoConfiguration, media: MediaWorkerPool? = nil, logger: Logger) throws {
        self.media = media
        listenerSRTP = configuration.listeners.map(\.srtp)
        allowRelatch = configuration.media.allowRelatch
        ice = configuration.media.ice
        recordings = configuration.media.recordings
        recordFormat = configuration.media.recordFormat
        mediaAddress = configuration.media.address
        watchdog = .init(stopAfter: configuration.media.rtpTimeout, hangupAfter: configuration.media.rtpHangupTimeout)
        table = try RouteTable(configuration.routes)
        trunks = configuration.trunks
        capLimits = configuration.trunks.mapValues { .init(maxCalls: $0.maxCalls, maxCPS: $0.maxCPS) }
        slots = TrunkSlots(limits: capLimits)
        trunkFilters = try configuration.trunks.mapValues {
            (try HeaderFilter($0.headers), try HeaderFilter.fromTrunk($0.headers))
        }
        var routeFilters: [String: (toTrunk: HeaderFilter, fromTrunk: HeaderFilter)] = [:]
        for route in configuration.routes {
            if case .bridge(let bridge) = route.action, let policy = bridge.headers {
                routeFilters[route.name] = (try HeaderFilter(policy), try HeaderFilter.fromTrunk(policy))
            }
        }
        listenerCustomData = configuration.listeners.map(\.customDataHeader)
        self.routeFilters = routeFilters
        defaultNoAnswerTimeout = configuration.signalling.noAnswerTimeout
        self.logger = logger
    }

    /// Routes the call by the first matching route (404 when none matches) and
    /// performs its action: reject, bridge to the route's trunk, or echo.
    public func callAlerting(_ alerting: CallAlerting, engine: CallEngine) {
        route(alerting, after: nil, engine: engine)
    }

    /// Routes by the first matching route listed after `after` (nil: the first
    /// of all); a bridge refused by its trunk's caps with `fallback: next`
    /// comes back here with its own name, once it knows a later route matches.
    private func route(_ alerting: CallAlerting, after: String?, engine: CallEngine) {
        let inbound = alerting.call
        guard let match = table.match(requestUser: alerting.destination, fromUser: alerting.callerid,
                                      headers: alerting.headers, after: after) else {
            inbound.logger.info("route.none")
            inbound.refuse(code: 404, reason: "No Route")
            return
        }
        inbound.logger.info("route.matched", metadata: ["route": "\(match.route.name)"])
        inbound.facts.route = match.route.name
        if case .bridge(let bridge) = match.route.action { inbound.facts.trunk = bridge.trunk }
        switch match.route.action {
        case .reject(let code, let reason):
            inbound.refuse(code: code, reason: reason)
        case .bridge(let bridge):
            self.bridge(alerting, route: match, bridge: bridge, engine: engine)
        case .announce(let announcement):
            announce(alerting, route: match, announcement: announcement, engine: engine)
        case .echo:
            Task { @SIPActor in
                do throws(CallError) {
                    try await inbound.answer(extraHeaders: [], echo: true)
                } catch {
                    inbound.logger.warning("route.echo-failed", metadata: ["error": "\(error)"])
                    switch error {
                    case .offerNotAcceptable(_, let reason): inbound.refuse(code: 488, reason: reason)
                    case .mediaUnavailable: inbound.refuse(code: 503, reason: "No Media Ports")
                    default: inbound.refuse(code: 500)
                    }
                }
            }
        }
    }

    func bridge(_ alerting: CallAlerting, route: RouteTable.Match, bridge: RouteAction.Bridge,
                        engine: CallEngine) {
        let inbound = alerting.call
        guard let trunk = trunks[bridge.trunk] else {
            inbound.refuse(code: 500)
            return
        }
        let user = RouteTable.expand(bridge.user, user: alerting.destination, captures: route.captures)
        if Self.denies(bridge, user) {
            inbound.logger.notice("route.destination-denied", metadata: ["route": "\(route.route.name)",
                                                                        "reason": "destination_denied"])
            inbound.refuse(code: 403, reason: "Destination Denied")
            return
        }
        if bridge.mode == .relay, trunk.srtp == .required, !Self.mayCarryKeys(trunk) {
            inbound.logger.warning("route.srtp-refused", metadata: ["trunk": "\(trunk.name)",
                                                                   "reason": "srtp_over_plaintext"])
            inbound.refuse(code: 488, reason: "SRTP Needs TLS")
            return
        }
        if let refusal = admitToTrunk(inbound, trunk: trunk.name) {
            let reason = refusal == .trunkMaxCalls ? "Trunk Busy" : "Trunk Rate Exceeded"
            if bridge.fallbackNext, table.match(requestUser: alerting.destination, fromUser: alerting.callerid,
                                                headers: alerting.headers, after: route.route.name) != nil {
                inbound.logger.info("route.fallback", metadata: ["route": "\(route.route.name)", "trunk": "\(trunk.name)",
                                                                "reason": "\(refusal.rawValue)"])
                self.route(alerting, after: route.route.name, engine: engine)
            } else {
                inbound.refuse(code: 503, reason: reason)
            }
            return
        }
        let uri = Self.requestURI(trunk, user: user)
        let filters = routeFilters[route.route.name] ?? trunkFilters[bridge.trunk]
        let filter = filters?.toTrunk
        var headers = filter?.filter(inbound.headers) ?? []
        // customData: from the listener's configured header, on to the trunk's.
        if listenerCustomData.indices.contains(alerting.listener), let name = listenerCustomData[alerting.listener],
           let value = inbound.headers.first(where: { $0.name.lowercased() == name.lowercased() })?.value {
            do {
                try inbound.setCustomData(value)
            } catch {
                inbound.logger.warning("call.custom-data-ignored", metadata: ["error": "\(error)"])
            }
        }
        if let name = trunk.customDataHeader, let data = inbound.customData() {
            headers.removeAll { $0.name.lowercased() == name.lowercased() }
            headers.append(SIPHeader(name: name, value: data))
        }
        var options = CallSIPOptions(
            callerid: alerting.callerid, displayName: alerting.displayName.isEmpty ? nil : alerting.displayName,
            headers: headers, offer: inbound.remoteSession, maxForwards: alerting.maxForwards - 1,
            noAnswerTimeout: bridge.noAnswerTimeout ?? defaultNoAnswerTimeout)
        options.customData = inbound.customData()
        options.credentials = Self.credentials(trunk)
        let reverse = filters?.fromTrunk
        if bridge.mode == .relay {
            guard let media else {
                inbound.logger.warning("route.relay-unavailable", metadata: ["route": "\(route.route.name)"])
                inbound.refuse(code: 488, reason: "Relay Mode Not Available")
                return
            }
            let policies = policies(alerting, trunk)
            inbound.relayHeaderFilter = filter
            inbound.peerHeaderFilter = reverse
            let timeout = options.noAnswerTimeout
            RelayMedia.start(inbound: inbound, uri: uri, options: options, engine: engine, media: media,
                              address: mediaAddress, policies: policies, watchdog: watchdog,
                              allowRelatch: allowRelatch, ice: ice) { [weak self] joined in
                let inbound = joined.a, outbound = joined.b
                joined.directAfterAnswer = bridge.directAfterAnswer
                if bridge.blindTransfer {
                    BlindTransfer.enable([inbound, outbound], engine: engine, filter: filter, noAnswerTimeout: timeout,
                                        targets: bridge.transferTargets,
                                        dial: self?.transferDialer(engine: engine))
                }
                if bridge.handleTones { Self.handleTones(inbound, outbound) }
                if let digits = bridge.digitsAfterAnswer { Self.sendDigitsAfterAnswer(digits, to: outbound) }
                self?.enableMediaApps(joined, options: bridge)
            }
            return
        }
        let outbound: Call
        do {
            outbound = try engine.callSIP(uri, options: options)
        } catch {
            inbound.logger.error("route.call-failed", metadata: ["error": "\(error)"])
            inbound.refuse(code: 500)
            return
        }
        inbound.relayHeaderFilter = filter
        outbound.relayHeaderFilter = reverse
        let joined = CallBridge.direct(inbound: inbound, outbound: outbound)
        if let media {
            // A direct bridge can be relayed mid-call (`switchToRelay`) with the relay routes' settings.
            joined.relayPlan = RelayPlan(pool: media, address: mediaAddress, policies: policies(alerting, trunk),
                                         watchdog: watchdog, allowRelatch: allowRelatch, ice: ice)
        }
        if bridge.blindTransfer {
            BlindTransfer.enable([inbound, outbound], engine: engine, filter: filter, noAnswerTimeout: options.noAnswerTimeout,
                                targets: bridge.transferTargets, dial: transferDialer(engine: engine))
        }
        if bridge.handleTones { Self.handleTones(inbound, outbound) }
        if let digits = bridge.digitsAfterAnswer { Self.sendDigitsAfterAnswer(digits, to: outbound) }
    }

    /// Takes a slot under the trunk's `max_calls` / `max_cps` for the
    /// call's lifetime, or returns why the trunk refuses it (logged).
    func admitToTrunk(_ call: Call, trunk: String) -> RefusalReason? {
        if let refusal = acquireTrunkSlot(trunk, logger: call.logger) { return refusal }
        holdTrunkSlot(trunk, until: call)
        return nil
    }

    /// Takes a slot under the trunk's caps, or returns why not (logged).
    func acquireTrunkSlot(_ trunk: String, logger: CallLogger) -> RefusalReason? {
        guard let refusal = slots.acquire(trunk) else { return nil }
        logger.notice("route.trunk-refused", metadata: ["trunk": "\(trunk)", "reason": "\(refusal.rawValue)"])
        return refusal
    }

    /// Gives the slot back when `call` ends (now, without a call).
    func holdTrunkSlot(_ trunk: String, until call: Call?) {
        let slots = self.slots
        guard let call else {
            slots.release(trunk)
            return
        }
        var released = false
        // Into the shared counts, also after a reload replaced this router.
        let release: @SIPActor (CallEvent) -> Void = { _ in
            guard !released else { return }
            released = true
            slots.release(trunk)
        }
        _ = call.addEventListener(.disconnected, release)
        _ = call.addEventListener(.failed, release)
    }

    /// A reload: the counts of the router this one replaces (its calls in
    /// progress, by trunk name) go on under this conf's limits.
    public func takeOver(from previous: any Scenario) {
        guard let previous = previous as? ConfigRouter else { return }
        slots = previous.slots
        slots.apply(capLimits)
    }

    /// The SRTP policies of a relayed bridge: the listener's on leg A, the trunk's on leg B.
    private func policies(_ alerting: CallAlerting, _ trunk: TrunkConfig) -> RelayMedia.Policies {
        RelayMedia.Policies(
            a: listenerSRTP.indices.contains(alerting.listener) ? listenerSRTP[alerting.listener] : .optional,
            b: Self.mayCarryKeys(trunk) ? trunk.srtp : .off)
    }

    /// SDES keys go to a trunk only over TLS, or where its conf says
    /// `srtp_over_plaintext: true`. Otherwise an `optional` trunk gets a plain
    /// RTP/AVP offer and a `required` one no call (488, `route.srtp-refused`).
    static func mayCarryKeys(_ trunk: TrunkConfig) -> Bool {
        trunk.transport == .tls || trunk.srtpOverPlaintext
    }

    /// `handle_tones`: both legs report digits once the callee answered (the
    /// telephone-event payload types are known from both SDPs then).
    private static func handleTones(_ inbound: Call, _ outbound: Call) {
        outbound.addEventListener(.connected) { [weak inbound, weak outbound] _ in
            inbound?.handleTones(true)
            outbound?.handleTones(true)
        }
    }

    /// `digits_after_answer`: DTMF to the callee once it answered.
    private static func sendDigitsAfterAnswer(_ digits: String, to outbound: Call) {
        outbound.addEventListener(.connected) { [weak outbound] _ in
            Task { @SIPActor [weak outbound] in
                // Let the relay session take the callee's address first.
                try? await Task.sleep(for: .milliseconds(250))
                guard let outbound, outbound.state == .connected else { return }
                do {
                    try outbound.sendDigits(digits)
                } catch {
                    outbound.logger.warning("route.digits-failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
