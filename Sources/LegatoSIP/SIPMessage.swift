/// What Legato keeps of a received SIP request or response: plain Swift values
/// copied out of sofia's `sip_t` before its callback returned.
public struct SIPMessage: Sendable, Equatable {
    /// Request method (`INVITE`, `BYE`…); nil for a response.
    public var method: String?
    /// Request-URI of a request.
    public var requestURI: String?
    /// User part of the Request-URI (the dialed number).
    public var requestUser: String?
    /// Status code of a response; 0 for a request.
    public var status: Int
    /// Reason phrase of a response.
    public var reason: String?
    /// From URI, without display name or tag.
    public var fromURI: String?
    /// User part of the From URI (the caller id).
    public var fromUser: String?
    /// From display name, unquoted; nil when absent.
    public var fromDisplayName: String?
    /// To URI, without display name or tag.
    public var toURI: String?
    /// User part of the To URI.
    public var toUser: String?
    /// To display name, unquoted; nil when absent.
    public var toDisplayName: String?
    /// The Call-ID.
    public var callID: String?
    /// Max-Forwards, nil when absent.
    public var maxForwards: Int?
    /// The body with its Content-Type; nil when the message had none.
    public var body: SIPBody?
    /// URI of the first Contact; nil when absent.
    public var contactURI: String?
    /// Headers sofia does not parse itself (all `X-` headers are among them),
    /// plus User-Agent and Subject, in message order.
    public var headers: [SIPHeader]
    /// REFER: the Refer-To URI, with its URI headers (`?Replaces=…`).
    public var referTo: String?
    /// REFER: the Referred-By header value, if the request had one.
    public var referredBy: String?
    /// RSeq of a reliable provisional response (RFC 3262), 0 when not reliable.
    public var rseq: Int = 0
    /// The CSeq number.
    public var cseq: Int = 0
    /// Supported or Require lists 100rel.
    public var supports100rel = false
    /// RFC 4028 Session-Expires: delta seconds and refresher (`uac`/`uas`), nil when absent.
    public var sessionExpires: Int?
    /// The Session-Expires `refresher` parameter, lowercased (`uac` or `uas`); nil when absent.
    public var sessionRefresher: String?
    /// RFC 4028 Min-SE, nil when absent.
    public var minSE: Int?
    /// Supported or Require lists `timer`.
    public var supportsTimer = false
    /// Allow lists UPDATE; nil when the message had no Allow header.
    public var allowsUpdate: Bool?
    /// Incoming requests: where the request came from (nil for responses and built messages).
    public var source: SIPSource?
    /// 401/407 responses: the challenge's realm, quoted as in the header.
    public var challengeRealm: String?

    /// A message from its main fields; the others keep their defaults (none, 0, false).
    public init(method: String? = nil, requestURI: String? = nil, requestUser: String? = nil,
                status: Int = 0, reason: String? = nil,
                fromURI: String? = nil, fromUser: String? = nil, fromDisplayName: String? = nil,
                toURI: String? = nil, toUser: String? = nil, toDisplayName: String? = nil,
                callID: String? = nil, maxForwards: Int? = nil, body: SIPBody? = nil,
                contactURI: String? = nil, headers: [SIPHeader] = []) {
        self.method = method
        self.requestURI = requestURI
        self.requestUser = requestUser
        self.status = status
        self.reason = reason
        self.fromURI = fromURI
        self.fromUser = fromUser
        self.fromDisplayName = fromDisplayName
        self.toURI = toURI
        self.toUser = toUser
        self.toDisplayName = toDisplayName
        self.callID = callID
        self.maxForwards = maxForwards
        self.body = body
        self.contactURI = contactURI
        self.headers = headers
    }

    /// The `X-` headers of the message, in order.
    public var customHeaders: [SIPHeader] { headers.filter(\.isCustom) }

    /// The value of the first header named `name` (case-insensitive), if any.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveEquals(name) }?.value
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}
