import LegatoSIP

/// Blind transfer (RFC 3515) as the transferor's call sees it: REFER in,
/// NOTIFY sipfrag out. What is dialled and bridged is the scenario's
/// (`BlindTransfer` in the conf-driven router).
extension Call {
    /// Makes a REFER from this call's remote side fire BlindTransferRequested
    /// (answered 202) when `on`; otherwise REFER is declined with 603.
    public func handleBlindTransfer(_ on: Bool) {
        handlesBlindTransfer = on
    }

    /// Restricts blind transfer targets: a REFER whose Refer-To `allows`
    /// refuses is answered 403 and raises no event (nil: any target).
    public func restrictTransferTargets(_ allows: (@SIPActor (String) -> Bool)?) {
        transferTargetFilter = allows
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
    func handleRefer(_ request: SIPServerRequest) {
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
        if let allows = transferTargetFilter, !allows(target) {
            logger.notice("transfer.refused", metadata: ["call.transfer-to": "\(target)", "reason": "transfer_denied"])
            request.respond(403, reason: "Transfer Target Not Allowed")
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

}
