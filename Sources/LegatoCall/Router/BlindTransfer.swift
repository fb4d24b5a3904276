import Logging
import LegatoSIP

/// The default router's blind transfer (RFC 3515 / RFC 5589): on a REFER
/// from one side of a bridged call (the transferor), Legato dials the
/// Refer-To target with Referred-By, the transferee's X-headers and the
/// REFER's (the policy's allowed ones),
/// reports 100 / 18x / the final outcome to the transferor by NOTIFY
/// (message/sipfrag), and on success bridges the remaining party (the
/// transferee) to the target and releases the transferor's leg.
///
/// Relay mode re-points the transferor's relay leg at the target, so the
/// transferee keeps its media path and gets no re-INVITE. Direct mode
/// offers the transferee's SDP to the target and re-INVITEs the transferee
/// with the target's answer.
///
/// While the transfer runs, the bridge does not link the two ends: the
/// transferor hanging up does not end the transferee. On success the target
/// takes the transferor's side of the same bridge (`CallBridge.replace`). If the target fails, the
/// transferor gets the failure sipfrag and the original call goes on (or,
/// if the transferor already left, the transferee is hung up).
@SIPActor
enum BlindTransfer {
    /// Why the router will not dial an allowed transfer target (no route,
    /// destination denied, the target trunk's caps): reported to the transferor.
    struct Refusal: Error {
        let code: Int
        let reason: String
    }

    /// Places the target's leg for a Refer-To URI (`dialable` form) with the
    /// given options: the conf router dials it through its routing table.
    typealias Dialer = @SIPActor (_ referTo: String, _ options: CallSIPOptions) throws(Refusal) -> Call

    /// Enables blind transfer on both calls of a bridged pair.
    /// `targets` are regexes on the Refer-To URI (as dialled: no `<>`, no URI
    /// headers); a REFER to anything else gets 403 and nothing is dialled.
    /// `dial` places an allowed target's leg (nil: the Refer-To as it is).
    static func enable(_ calls: [Call], engine: CallEngine, filter: HeaderFilter?, noAnswerTimeout: Double?,
                       targets: [String], dial: Dialer? = nil) {
        let allowed = targets.compactMap { try? Regex($0).ignoresCase() }
        for call in calls {
            call.handleBlindTransfer(true)
            call.restrictTransferTargets { referTo in
                let uri = Self.dialable(referTo)
                return allowed.contains { (try? $0.firstMatch(in: uri)) != nil }
            }
            call.addEventListener(.blindTransferRequested) { [weak call] event in
                guard let call, case .blindTransferRequested(let headers, let target, let referredBy) = event else { return }
                guard let bridge = call.bridge, let side = bridge.side(of: call) else {
                    try? call.notifyBlindTransferFailed(code: 481, reason: "No Party To Transfer")
                    return
                }
                // The new leg is placed on the transferee's behalf: it carries what the
                // transferee's own INVITE carried, then the REFER's X-headers (which win
                // on a name both have), under the same policy as any outbound leg.
                let own = bridge[side.other].headers.filter(\.isCustom)
                let merged = own.filter { mine in !headers.contains { $0.name.lowercased() == mine.name.lowercased() } }
                    + headers
                start(bridge, transferor: side, target: target, referredBy: referredBy,
                      headers: dial == nil ? filter?.filter(merged) ?? merged : merged, engine: engine,
                      noAnswerTimeout: noAnswerTimeout, dial: dial)
            }
        }
    }

    private static func start(_ bridge: CallBridge, transferor side: BridgeSide, target: String, referredBy: String,
                              headers: [SIPHeader], engine: CallEngine, noAnswerTimeout: Double?, dial: Dialer?) {
        let transferor = bridge[side]
        let transferee = bridge[side.other]
        let referTo = Self.dialable(target)
        guard transferee.state == .connected, bridge.linksEnds else {
            try? transferor.notifyBlindTransferFailed(code: 481, reason: "No Party To Transfer")
            return
        }
        var options = CallSIPOptions(
            callerid: transferee.incoming ? transferee.callerid : transferee.number,
            displayName: transferee.displayName.isEmpty ? nil : transferee.displayName,
            headers: headers, noAnswerTimeout: noAnswerTimeout)
        options.systemHeaders = referredBy.isEmpty ? [] : [SIPHeader(name: "Referred-By", value: referredBy)]
        do throws(CallError) {
            options.offer = try bridge.transferOffer(replacing: side)
        } catch {
            try? transferor.notifyBlindTransferFailed(code: 488, reason: Self.reason(error))
            return
        }
        let targetCall: Call
        do throws(Refusal) {
            targetCall = try (dial ?? dialAsIs(engine))(referTo, options)
        } catch {
            transferor.logger.notice("transfer.not-dialled", metadata: ["transfer.target": "\(referTo)",
                                                                       "sip.status": "\(error.code)"])
            try? transferor.notifyBlindTransferFailed(code: error.code, reason: error.reason)
            return
        }
        // From now on the transferor's end does not end the transferee.
        bridge.unlink()
        let target = targetCall
        transferor.logger.info("transfer.dialing", metadata: ["call.transferee": "\(transferee.id)",
                                                              "call.target": "\(target.id)"])
        target.relayHeaderFilter = transferee.relayHeaderFilter
        target.addEventListener(.ringing) { [weak transferor] event in
            guard case .ringing(let status, _, _) = event else { return }
            transferor?.notifyBlindTransferProgress(status: status, reason: nil)
        }
        let caller = bridge.a
        target.addEventListener(.failed) { [weak bridge, weak transferor, weak transferee, weak caller] event in
            guard case .failed(_, let code, let reason) = event else { return }
            caller?.facts.transfer = CallRecord.Transfer(to: referTo, result: "failed \(code)")
            try? transferor?.notifyBlindTransferFailed(code: code, reason: reason)
            guard let transferee else { return }
            if let transferor, transferor.state == .connected {
                bridge?.relink()  // the original call goes on
            } else {
                try? transferee.hangup()
            }
        }
        target.addEventListener(.connected) { [weak bridge, weak transferor, weak transferee, weak target, weak caller] _ in
            guard let target else { return }
            guard let bridge, let transferee, transferee.state == .connected else {
                try? target.hangup()
                try? transferor?.notifyBlindTransferFailed(code: 487, reason: "Transferee Gone")
                return
            }
            do throws(CallError) {
                try bridge.transfer(side, to: target)
            } catch {
                try? target.hangup()
                try? transferor?.notifyBlindTransferFailed(code: 488, reason: Self.reason(error))
                bridge.relink()
                return
            }
            caller?.facts.transfer = CallRecord.Transfer(to: referTo, result: "success")
            try? transferor?.notifyBlindTransferSuccess()
            try? transferor?.hangup()
            target.logger.info("transfer.complete", metadata: ["call.transferee": "\(transferee.id)"])
        }
    }

    /// Dials the Refer-To URI as it is (a scenario without a routing table).
    private static func dialAsIs(_ engine: CallEngine) -> Dialer {
        { referTo, options throws(Refusal) in
            do {
                return try engine.callSIP(referTo, options: options)
            } catch {
                throw Refusal(code: 400, reason: "Cannot Dial Transfer Target")
            }
        }
    }

    /// The reason phrase a failed transfer reports for `error`.
    private static func reason(_ error: CallError) -> String {
        if case .offerNotAcceptable(_, let reason) = error { return reason }
        return "Not Acceptable Here"
    }

    /// The Refer-To URI without its angle brackets and URI headers (`?…`),
    /// which belong to the REFER, not to the INVITE Legato sends.
    static func dialable(_ referTo: String) -> String {
        var uri = referTo.trimmingWhitespace
        if uri.hasPrefix("<"), let close = uri.firstIndex(of: ">") { uri = String(uri[uri.index(after: uri.startIndex)..<close]) }
        if let question = uri.firstIndex(of: "?") { uri = String(uri[..<question]) }
        return uri
    }
}
