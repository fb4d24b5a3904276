import LegatoConfig
import LegatoSIP

extension ConfigRouter {
    /// Dials an allowed blind-transfer target through the routing table, like
    /// any call: the Refer-To user is matched as a request-URI user (From: the
    /// transferee), the route must bridge to a trunk, and that route's `deny`,
    /// `user` template, header policy, the trunk's URI, transport, credentials
    /// and `max_calls`/`max_cps` (the slot held for the target leg's lifetime) apply.
    func transferDialer(engine: CallEngine) -> BlindTransfer.Dialer {
        { [weak self] referTo, options throws(BlindTransfer.Refusal) in
            guard let self else { throw .init(code: 503, reason: "Service Unavailable") }
            return try self.dialTransfer(referTo, options: options, engine: engine)
        }
    }

    private func dialTransfer(_ referTo: String, options: CallSIPOptions,
                              engine: CallEngine) throws(BlindTransfer.Refusal) -> Call {
        let user = URIParts.user(of: referTo) ?? ""
        guard let match = table.match(requestUser: user, fromUser: options.callerid ?? "", headers: options.headers)
        else { throw .init(code: 404, reason: "No Route To Transfer Target") }
        guard case .bridge(let bridge) = match.route.action, let trunk = trunks[bridge.trunk] else {
            throw .init(code: 403, reason: "Transfer Target Not Routable")
        }
        let dialled = RouteTable.expand(bridge.user, user: user, captures: match.captures)
        if Self.denies(bridge, dialled) { throw .init(code: 403, reason: "Destination Denied") }
        var options = options
        let filter = (routeFilters[match.route.name] ?? trunkFilters[bridge.trunk])?.toTrunk
        options.headers = filter?.filter(options.headers) ?? options.headers
        options.credentials = Self.credentials(trunk)
        if let refusal = acquireTrunkSlot(trunk.name, logger: CallLogger(logger)) {
            throw .init(code: 503, reason: refusal == .trunkMaxCalls ? "Trunk Busy" : "Trunk Rate Exceeded")
        }
        let placed: Call
        do {
            placed = try engine.callSIP(Self.requestURI(trunk, user: dialled), options: options)
        } catch {
            holdTrunkSlot(trunk.name, until: nil)
            throw .init(code: 400, reason: "Cannot Dial Transfer Target")
        }
        holdTrunkSlot(trunk.name, until: placed)
        return placed
    }

    /// The request-URI of a call to `trunk` for `user`: the trunk's URI with
    /// that user, and its transport when not UDP.
    static func requestURI(_ trunk: TrunkConfig, user: String) -> String {
        URIParts.withTransport(URIParts.replacingUser(in: trunk.uri, with: user), trunk.transport.rawValue)
    }

    /// The trunk's `username`/`password`/`realm`, answered to one 401/407 per request.
    static func credentials(_ trunk: TrunkConfig) -> SIPCredentials? {
        guard let username = trunk.username, let password = trunk.password else { return nil }
        return SIPCredentials(username: username, password: password, realm: trunk.realm)
    }

    /// True when one of the route's `deny` patterns matches the dialled user.
    static func denies(_ bridge: RouteAction.Bridge, _ user: String) -> Bool {
        bridge.deny.contains { (try? Regex($0).ignoresCase().firstMatch(in: user)) != nil }
    }
}
