import LegatoSIP

/// How a new INVITE is refused before any `Call` exists: the response and
/// the stable refusal reason (`RefusalReason.rawValue`) for the log line.
public struct InviteRefusal: Sendable, Equatable {
    /// Final status sent.
    public var status: Int
    /// Reason phrase (nil: the standard one).
    public var reason: String?
    /// The refusal reason's stable name (`security.refused … reason=`).
    public var refusal: String
    /// Extra headers (Retry-After, WWW-Authenticate…).
    public var headers: [SIPHeader]

    /// A refusal with the given response.
    public init(status: Int, reason: String? = nil, refusal: String, headers: [SIPHeader] = []) {
        self.status = status
        self.reason = reason
        self.refusal = refusal
        self.headers = headers
    }
}
