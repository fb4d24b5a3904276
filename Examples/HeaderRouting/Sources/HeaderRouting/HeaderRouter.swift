import Legato

/// Routes each inbound call by its `X-Tenant` header: the tenant names a
/// trunk of the configuration (the destination) and the caller ID the callee
/// sees. The dialled user is kept; a call without a known tenant is rejected.
@SIPActor
final class HeaderRouter: Scenario {
    /// What one tenant's calls look like on the way out.
    struct Tenant {
        /// The conf's trunk the calls go to.
        var trunk: String
        /// The From user and display name the callee sees.
        var callerID: String
        var displayName: String
    }

    /// The tenants, by `X-Tenant` value (lower case).
    static let tenants: [String: Tenant] = [
        "acme": Tenant(trunk: "acme", callerID: "+15550100", displayName: "Acme Support"),
        "globex": Tenant(trunk: "globex", callerID: "+15550200", displayName: "Globex Sales"),
    ]

    /// The code a call with no or an unknown `X-Tenant` gets.
    static let unknownTenantCode = 403

    private let trunks: [String: TrunkConfig]
    private let noAnswerTimeout: Double
    private let logger: Logger

    init(configuration: LegatoConfiguration, logger: Logger) {
        trunks = configuration.trunks
        noAnswerTimeout = configuration.signalling.noAnswerTimeout
        self.logger = logger
    }

    func callAlerting(_ alerting: CallAlerting, engine: CallEngine) {
        let inbound = alerting.call
        let name = alerting.headers.first { $0.name.lowercased() == "x-tenant" }?.value.lowercased() ?? ""
        guard let tenant = Self.tenants[name], let trunk = trunks[tenant.trunk] else {
            logger.info("header-routing.unknown-tenant", metadata: ["tenant": "\(name)", "call": "\(inbound.id)"])
            try? inbound.reject(code: Self.unknownTenantCode, reason: "Unknown Tenant")
            return
        }
        // sip:host:port of the trunk, with the dialled user and the trunk's transport.
        let uri = URIParts.withTransport(URIParts.replacingUser(in: trunk.uri, with: alerting.destination),
                                         trunk.transport.rawValue)
        let options = CallSIPOptions(callerid: tenant.callerID, displayName: tenant.displayName,
                                     headers: alerting.headers.filter { $0.name.lowercased().hasPrefix("x-") },
                                     offer: inbound.remoteSession, maxForwards: alerting.maxForwards - 1,
                                     noAnswerTimeout: noAnswerTimeout)
        logger.info("header-routing.route", metadata: ["tenant": "\(name)", "uri": "\(uri)", "call": "\(inbound.id)"])
        do {
            let outbound = try engine.callSIP(uri, options: options)
            CallBridge.direct(inbound: inbound, outbound: outbound)
        } catch {
            logger.error("header-routing.call-failed", metadata: ["error": "\(error)"])
            try? inbound.reject(code: 500)
        }
    }
}
