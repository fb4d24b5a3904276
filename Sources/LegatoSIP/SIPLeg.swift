internal import CSofiaShim

/// One SIP dialog of Legato's: a sofia nua handle with its own Call-ID, tags,
/// CSeq and Contact. Each side of a bridged call is a separate leg, so the far
/// ends never see each other's Via, Contact, Call-ID or Record-Route.
@SIPActor
public final class SIPLeg {
    /// Whether Legato received the dialog's INVITE (`inbound`) or sent it (`outbound`).
    public enum Direction: String, Sendable {
        case inbound, outbound
    }

    /// Who opened the dialog.
    public let direction: Direction
    /// The endpoint (listener) the leg's dialog lives on.
    public unowned let endpoint: SIPEndpoint
    /// Receives the leg's events.
    public weak var delegate: (any SIPLegDelegate)?
    /// Set once the dialog has ended; methods are then no-ops.
    public private(set) var isTerminated = false
    /// The nua handle; nil after the dialog ended and the handle was destroyed.
    private(set) var handle: OpaquePointer?
    /// Outbound legs: credentials to answer a 401/407 challenge with, once per
    /// request Legato sends (INVITE, re-INVITE, BYE); a second challenge to the
    /// same request fails it.
    public var credentials: SIPCredentials? {
        didSet {
            if let handle, credentials != nil, oldValue == nil { legato_nua_handle_allow_one_challenge(handle) }
        }
    }
    /// The current request's challenge was answered already.
    var challengeAnswered = false
    /// The realm of the last challenge answered (quoted), for a later request's.
    private var lastRealm: String?

    /// Answers the current request's challenge with `credentials` (realm from
    /// the credentials, else the challenge's, else the last one answered);
    /// false when there is nothing (more) to answer with.
    func answerChallenge(realm challengeRealm: String?) -> Bool {
        guard let handle, let credentials, !challengeAnswered,
              let realm = credentials.realm.map({ "\"\($0)\"" }) ?? challengeRealm ?? lastRealm else { return false }
        challengeAnswered = true
        lastRealm = realm
        let auth = "Digest:\(realm):\(credentials.username):\(credentials.password)"
        auth.withCString { legato_nua_authenticate(handle, $0) }
        return true
    }

    init(endpoint: SIPEndpoint, handle: OpaquePointer, direction: Direction) {
        self.endpoint = endpoint
        self.handle = handle
        self.direction = direction
    }

    /// Sends a response to the INVITE this (inbound) leg received.
    public func respond(_ status: Int, reason: String? = nil, body: SIPBody? = nil, headers: [SIPHeader] = []) {
        guard let handle else { return }
        SIPMetrics.responseSent(status)
        let phrase = reason ?? SIPStatus.defaultReason(status)
        let block: String? = headers.isEmpty ? nil : headers.wireBlock
        phrase.withCString { p in
            block.withOptionalCString { h in
                body.withBody { ct, data, len in
                    legato_nua_respond(handle, Int32(status), p, ct, data, len, h)
                }
            }
        }
    }

    /// Sends the INVITE of this (outbound) leg.
    public func invite(requestURI: String, maxForwards: Int, body: SIPBody?, headers: [SIPHeader]) {
        guard let handle else { return }
        let block: String? = headers.isEmpty ? nil : headers.wireBlock
        requestURI.withCString { uri in
            block.withOptionalCString { h in
                body.withBody { ct, data, len in
                    legato_nua_invite(handle, uri, Int32(maxForwards), ct, data, len, h)
                }
            }
        }
    }

    /// Sends a re-INVITE in the established dialog (a session modification).
    public func reinvite(body: SIPBody?, headers: [SIPHeader] = []) {
        guard let handle else { return }
        challengeAnswered = false
        let block: String? = headers.isEmpty ? nil : headers.wireBlock
        block.withOptionalCString { h in
            body.withBody { ct, data, len in
                legato_nua_invite(handle, nil, -1, ct, data, len, h)
            }
        }
    }

    /// ACKs the 2xx this (outbound) leg received, with the answer for a delayed offer.
    public func ack(body: SIPBody? = nil) {
        guard let handle else { return }
        body.withBody { ct, data, len in legato_nua_ack(handle, ct, data, len) }
    }

    /// Ends an established dialog.
    public func bye(headers: [SIPHeader] = []) {
        guard let handle else { return }
        challengeAnswered = false
        let block: String? = headers.isEmpty ? nil : headers.wireBlock
        block.withOptionalCString { legato_nua_bye(handle, $0) }
    }

    /// Cancels the INVITE this (outbound) leg sent and has no final answer to yet.
    public func cancel(headers: [SIPHeader] = []) {
        guard let handle else { return }
        let block: String? = headers.isEmpty ? nil : headers.wireBlock
        block.withOptionalCString { legato_nua_cancel(handle, $0) }
    }

    /// Sends a NOTIFY (Event: refer, message/sipfrag) on the subscription a
    /// REFER answered 202 created: `statusLine` such as "SIP/2.0 180 Ringing";
    /// `final` ends the subscription (Subscription-State: terminated).
    public func notifyRefer(statusLine: String, final: Bool) {
        guard let handle else { return }
        (statusLine + "\r\n").withCString { legato_nua_notify_refer(handle, $0, final ? 1 : 0) }
    }

    /// Acknowledges the reliable provisional response `rseq` to the INVITE
    /// with CSeq `cseq` (RFC 3262 PRACK), with an optional body.
    public func prack(rseq: Int, cseq: Int, body: SIPBody? = nil, headers: [SIPHeader] = []) {
        guard let handle else { return }
        let block: String? = headers.isEmpty ? nil : headers.wireBlock
        block.withOptionalCString { h in
            body.withBody { ct, data, len in legato_nua_prack(handle, UInt32(rseq), UInt32(cseq), ct, data, len, h) }
        }
    }

    /// Sends an UPDATE in the dialog (a session modification without re-INVITE, or a refresh without body).
    public func update(body: SIPBody?, headers: [SIPHeader] = []) {
        guard let handle else { return }
        let block: String? = headers.isEmpty ? nil : headers.wireBlock
        block.withOptionalCString { h in
            body.withBody { ct, data, len in legato_nua_update(handle, ct, data, len, h) }
        }
    }

    /// Sends `method` (without body) in the established dialog apart from the
    /// INVITE session: its failure, whatever the code, ends nothing by itself
    /// (`SIPLegEvent.requestResponse` reports it). Legato's session refresh UPDATE.
    public func sendRequest(_ method: String, headers: [SIPHeader] = []) {
        guard let handle else { return }
        let block: String? = headers.isEmpty ? nil : headers.wireBlock
        method.withCString { m in block.withOptionalCString { h in legato_nua_request(handle, m, h) } }
    }

    /// Sends an INFO in the established dialog.
    public func info(body: SIPBody?, headers: [SIPHeader] = []) {
        guard let handle else { return }
        let block: String? = headers.isEmpty ? nil : headers.wireBlock
        block.withOptionalCString { h in
            body.withBody { ct, data, len in legato_nua_info(handle, ct, data, len, h) }
        }
    }

    /// Sends a MESSAGE in the established dialog.
    public func message(body: SIPBody?, headers: [SIPHeader] = []) {
        guard let handle else { return }
        let block: String? = headers.isEmpty ? nil : headers.wireBlock
        block.withOptionalCString { h in
            body.withBody { ct, data, len in legato_nua_message(handle, ct, data, len, h) }
        }
    }

    func deliver(_ event: SIPLegEvent) {
        delegate?.legDidReceive(event)
    }

    /// Marks the dialog ended and releases the nua handle.
    func terminate() {
        guard let handle else { return }
        isTerminated = true
        self.handle = nil
        legato_nua_handle_destroy(handle)
    }
}
