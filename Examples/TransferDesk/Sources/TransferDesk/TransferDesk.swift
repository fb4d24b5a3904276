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
    /// Who each call is bridged with: one ending ends the other.
    private var peers: [String: Call] = [:]

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
        outbound.addEventListener(.ringing) { [weak inbound] _ in try? inbound?.ring() }
        outbound.addEventListener(.connected) { [weak self, weak inbound, weak outbound] _ in
            guard let self, let inbound, let outbound else { return }
            guard (try? inbound.answerDirect(peer: outbound)) != nil else {
                try? outbound.hangup()
                return
            }
            self.link(inbound, outbound)
        }
        outbound.addEventListener(.failed) { [weak inbound] event in
            guard case .failed(_, let code, let reason) = event else { return }
            let mapped = FailureMapping.inbound(forOutbound: code, reason: reason)
            try? inbound?.reject(code: mapped.code, reason: mapped.reason)
        }
        inbound.addEventListener(.disconnected) { [weak outbound] _ in
            if outbound?.state == .progressing { try? outbound?.hangup() }   // the caller gave up
        }
        for call in [inbound, outbound] {
            call.handleBlindTransfer(true)
            call.addEventListener(.disconnected) { [weak self, weak call] _ in
                guard let self, let call else { return }
                self.ended(call)
            }
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

    private func link(_ a: Call, _ b: Call) {
        peers[a.id] = b
        peers[b.id] = a
    }

    /// `call` ended: so does its peer.
    private func ended(_ call: Call) {
        guard let peer = peers.removeValue(forKey: call.id) else { return }
        if peers[peer.id] === call { peers[peer.id] = nil }
        try? peer.hangup()
    }

    /// The remote side of `transferor` sent REFER to `target`.
    private func transfer(from transferor: Call, to target: String, engine: CallEngine) {
        guard let transferee = peers[transferor.id], transferee.state == .connected else {
            try? transferor.notifyBlindTransferFailed(code: 481, reason: "No Party To Transfer")
            return
        }
        let user = URIParts.user(of: String(target.filter { $0 != "<" && $0 != ">" })) ?? ""
        guard allowed.contains(user), let transfers else {
            logger.info("transfer-desk.refused", metadata: ["target": "\(target)", "call": "\(transferor.id)"])
            try? transferor.notifyBlindTransferFailed(code: 403, reason: "Transfer Target Not Allowed")
            return
        }
        let options = CallSIPOptions(callerid: transferee.incoming ? transferee.callerid : transferee.number,
                                     displayName: transferee.displayName.isEmpty ? nil : transferee.displayName,
                                     offer: transferee.remoteSession, noAnswerTimeout: noAnswerTimeout)
        let targetCall: Call
        do {
            targetCall = try engine.callSIP(Self.uri(transfers, user: user), options: options)
        } catch {
            try? transferor.notifyBlindTransferFailed(code: 500)
            return
        }
        logger.info("transfer-desk.dialing", metadata: ["target": "\(user)", "call": "\(transferor.id)"])
        // While the target rings, the transferor leaving does not end the
        // transferee, and the transferee leaving cancels the target.
        peers[transferor.id] = nil
        peers[transferee.id] = targetCall
        targetCall.addEventListener(.connected) { [weak self, weak transferor, weak transferee, weak targetCall] _ in
            guard let self, let targetCall else { return }
            guard let transferee, transferee.state == .connected else {
                try? targetCall.hangup()
                return
            }
            self.link(transferee, targetCall)
            // Point the transferee's media at the target (direct mode: a re-INVITE with the target's SDP).
            transferee.reinviteLocally(body: targetCall.remoteSession)
            try? transferor?.notifyBlindTransferSuccess()
            try? transferor?.hangup()
        }
        targetCall.addEventListener(.failed) { [weak self, weak transferor, weak transferee] event in
            guard let self, case .failed(_, let code, _) = event else { return }
            try? transferor?.notifyBlindTransferFailed(code: (300..<700).contains(code) ? code : 500)
            // The original call goes on if both sides are still there.
            if let transferor, let transferee, transferor.state == .connected, transferee.state == .connected {
                self.link(transferor, transferee)
            } else if let transferee {
                self.peers[transferee.id] = nil
                try? transferee.hangup()
            }
        }
        targetCall.addEventListener(.disconnected) { [weak self, weak targetCall] _ in
            guard let self, let targetCall else { return }
            self.ended(targetCall)
        }
    }
}
