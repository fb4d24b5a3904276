import LegatoSIP

/// 100rel (RFC 3262) on a call, as its bridge asks: an inbound call sends
/// its next 18x reliably when it relays a callee's reliable 18x, and sends
/// on the caller's PRACK for it.
extension Call {
    /// The next 18x goes out reliably if this inbound call's caller supports 100rel and is unanswered.
    func prepareReliableProvisional() {
        sentProvisionalReliably = false
        nextProvisionalReliable = incoming && remoteSupports100rel && state == .alerting
    }

    /// Whether the 18x since `prepareReliableProvisional` went out reliably; clears the request.
    func takeReliableProvisional() -> Bool {
        let sent = sentProvisionalReliably && !nextProvisionalReliable
        nextProvisionalReliable = false
        sentProvisionalReliably = false
        return sent
    }

    /// PRACKs this (outbound) leg's reliable 18x `rseq` with the caller's PRACK
    /// body and headers; the response answers `origin`.
    func send(prackFor rseq: Int, cseq: Int, body: SIPBody?, headers: [SIPHeader], answering origin: SIPServerRequest) {
        prackOrigin = origin
        leg.prack(rseq: rseq, cseq: cseq, body: body, headers: headers)
    }
}
