import LegatoSIP

/// What a `Call` needs of its SIP dialog: sofia's `SIPLeg` in the daemon, an
/// in-memory leg in unit tests (no sofia, no network). The leg delivers its
/// dialog's events to `delegate` in order.
@SIPActor
protocol CallLeg: AnyObject {
    var delegate: (any SIPLegDelegate)? { get set }
    /// Responds to the INVITE (or re-INVITE) the leg received.
    func respond(_ status: Int, reason: String?, body: SIPBody?, headers: [SIPHeader])
    func invite(requestURI: String, maxForwards: Int, body: SIPBody?, headers: [SIPHeader])
    func reinvite(body: SIPBody?, headers: [SIPHeader])
    func ack(body: SIPBody?)
    func bye(headers: [SIPHeader])
    func cancel(headers: [SIPHeader])
    func notifyRefer(statusLine: String, final: Bool)
    func prack(rseq: Int, cseq: Int, body: SIPBody?, headers: [SIPHeader])
    func update(body: SIPBody?, headers: [SIPHeader])
    func sendRequest(_ method: String, headers: [SIPHeader])
    func info(body: SIPBody?, headers: [SIPHeader])
    func message(body: SIPBody?, headers: [SIPHeader])
}

extension CallLeg {
    func respond(_ status: Int, reason: String? = nil, body: SIPBody? = nil) {
        respond(status, reason: reason, body: body, headers: [])
    }
    func reinvite(body: SIPBody?) { reinvite(body: body, headers: []) }
    func ack() { ack(body: nil) }
    func info(body: SIPBody?) { info(body: body, headers: []) }
}

extension SIPLeg: CallLeg {}
