import Legato

/// Bridges every inbound call to the dialled user at the conf's trunk
/// `desk` (signalling only, like the router's direct mode) and lets either
/// side blind-transfer the other (REFER) to an allowed extension, which is
/// dialled at the conf's trunk `transfers`. A Refer-To user not on the
/// allow-list gets NOTIFY 403 and is not dialled.
@SIPActor
final class TransferDesk: Scenario {
    private let allowed: Set<String>
    private let desk: TrunkConfig?
    private let transfers: TrunkConfig?
    private let noAnswerTimeout: Double
    private let logger: Logger

    init(allowed: Set<String>, configuration: LegatoConfiguration, logger: Logger) {
        self.allowed = allowed
        desk = configuration.trunks["desk"]
        transfers = configuration.trunks["transfers"]
        noAnswerTimeout = configuration.signalling.noAnswerTimeout
        self.logger = logger
    }

    func callAlerting(_ alerting: CallAlerting, engine: CallEngine) {
        let inbound = alerting.call
        guard let desk else {
            try? inbound.reject(code: 500)
            return
        }
        let options = CallSIPOptions(callerid: alerting.callerid,
                                     displayName: alerting.displayName.isEmpty ? nil : alerting.displayName,
                                     offer: inbound.remoteSession, maxForwards: alerting.maxForwards - 1,
                                     noAnswerTimeout: noAnswerTimeout)
        let outbound: Call
        do {
            outbound = try engine.callSIP(Self.uri(desk, user: alerting.destination), options: options)
        } catch {
            try? inbound.reject(code: 500)
            return
        }
        // The bridge relays progress and answer, links both ends and owns
        // what crosses between the two calls.
        CallBridge.direct(inbound: inbound, outbound: outbound)
        for call in [inbound, outbound] {
            call.handleBlindTransfer(true)
            call.addEventListener(.blindTransferRequested) { [weak self, weak call] event in
                guard let self, let call, case .blindTransferRequested(_, let target, _) = event else { return }
                self.transfer(from: call, to: target, engine: engine)
            }
        }
    }

    /// `sip:<user>@host:port;transport=…` of `trunk`.
    static func uri(_ trunk: TrunkConfig, user: String) -> String {
        URIParts.withTransport(URIParts.replacingUser(in: trunk.uri, with: user), trunk.transport.rawValue)
    }

    /// The remote side of `transferor` sent REFER to `target`.
    private func transfer(from transferor: Call, to target: String, engine: CallEngine) {
        guard let bridge = transferor.bridge, let side = bridge.side(of: transferor), bridge.linksEnds,
              bridge[side.other].state == .connected else {
            try? transferor.notifyBlindTransferFailed(code: 481, reason: "No Party To Transfer")
            return
        }
        let transferee = bridge[side.other]
        let user = URIParts.user(of: String(target.filter { $0 != "<" && $0 != ">" })) ?? ""
        guard allowed.contains(user), let transfers else {
            logger.info("transfer-desk.refused", metadata: ["target": "\(target)", "call": "\(transferor.id)"])
            try? transferor.notifyBlindTransferFailed(code: 403, reason: "Transfer Target Not Allowed")
            return
        }
        let targetCall: Call
        do {
            let options = CallSIPOptions(callerid: transferee.incoming ? transferee.callerid : transferee.number,
                                         displayName: transferee.displayName.isEmpty ? nil : transferee.displayName,
                                         offer: try bridge.transferOffer(replacing: side), noAnswerTimeout: noAnswerTimeout)
            targetCall = try engine.callSIP(Self.uri(transfers, user: user), options: options)
        } catch {
            try? transferor.notifyBlindTransferFailed(code: 500)
            return
        }
        logger.info("transfer-desk.dialing", metadata: ["target": "\(user)", "call": "\(transferor.id)"])
        // While the target rings, the transferor leaving does not end the transferee.
        bridge.unlink()
        targetCall.addEventListener(.connected) { [weak bridge, weak transferor, weak targetCall] _ in
            guard let targetCall else { return }
            guard let bridge, (try? bridge.transfer(side, to: targetCall)) != nil else {
                try? targetCall.hangup()
                try? transferor?.notifyBlindTransferFailed(code: 487, reason: "Transferee Gone")
                return
            }
            try? transferor?.notifyBlindTransferSuccess()
            try? transferor?.hangup()
        }
        targetCall.addEventListener(.failed) { [weak bridge, weak transferor, weak transferee] event in
            guard case .failed(_, let code, _) = event else { return }
            try? transferor?.notifyBlindTransferFailed(code: (300..<700).contains(code) ? code : 500)
            // The original call goes on if the transferor is still there.
            if let transferor, transferor.state == .connected {
                bridge?.relink()
            } else {
                try? transferee?.hangup()
            }
        }
    }
}
