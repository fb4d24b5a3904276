/// One request as the admission chain sees it, before any dialog exists.
public struct AdmissionRequest: Sendable, Equatable {
    /// Index of the listener (in the configuration) it arrived on.
    public var listener: Int
    /// Source address.
    public var source: IPAddress
    /// Method, uppercase (`INVITE`, `OPTIONS`…); nil for a stream connection not yet read.
    public var method: String?
    /// True for a request that opens a dialog or stands alone (no To tag).
    public var isNewDialog: Bool
    /// The User-Agent header value, if any.
    public var userAgent: String?

    /// A request with the given fields.
    public init(listener: Int, source: IPAddress, method: String?, isNewDialog: Bool, userAgent: String?) {
        self.listener = listener
        self.source = source
        self.method = method
        self.isNewDialog = isNewDialog
        self.userAgent = userAgent
    }
}

/// The chain's verdict.
public enum AdmissionAction: Equatable, Sendable {
    /// Go on; `trunk` names the trunk the source identifies, if any.
    case accept(trunk: String?)
    /// Send nothing at all.
    case drop(RefusalReason)
    /// Answer with `status` (a 403 to a scanner when `scanner_action: 403`).
    case reject(status: Int, RefusalReason)
}

/// ACL → scanner → per-source rate limit → trunk identification, as a value:
/// requests in, actions out. Runs on the wire, before sofia parses the request
/// into a transaction, so a dropped request costs no transaction, no dialog
/// and no answer. (Digest auth and per-trunk caps run later, when the
/// request is an INVITE about to become a call.)
public struct AdmissionChain: Sendable {
    /// The policy being applied.
    public let policy: AdmissionPolicy
    private var limiter: SourceRateLimiter

    /// A chain with an empty rate-limit table.
    public init(policy: AdmissionPolicy) {
        self.policy = policy
        limiter = SourceRateLimiter(perSecond: policy.perSourceCPS, blockSeconds: policy.blockSeconds)
    }

    /// Sources the rate limiter remembers now.
    public var trackedSources: Int { limiter.trackedSources }

    /// The verdict for `request` at `now` (seconds, monotonic).
    public mutating func admit(_ request: AdmissionRequest, now: Double) -> AdmissionAction {
        let source = request.source
        if let acl = policy.listeners[request.listener] {
            if acl.denyFrom.containsAddress(source) { return .drop(.acl) }
            if !acl.allowFrom.isEmpty && !acl.allowFrom.containsAddress(source) { return .drop(.acl) }
        }
        let trunk = policy.trunk(for: source)
        let exempt = trunk != nil || policy.trusted.containsAddress(source)
        if !exempt, let userAgent = request.userAgent, let scanners = policy.scanners, scanners.matches(userAgent) {
            switch policy.scannerAction {
            case .drop: return .drop(.scanner)
            case .forbid: return request.method == "ACK" ? .drop(.scanner) : .reject(status: 403, .scanner)
            }
        }
        if !exempt && policy.perSourceCPS > 0 {
            if request.isNewDialog && request.method != nil && request.method != "ACK" {
                switch limiter.record(source, now: now) {
                case .allowed: break
                case .limited: return .drop(.rateLimit)
                case .blocked: return .drop(.blocked)
                }
            } else if limiter.isBlocked(source, now: now) {
                return .drop(.blocked)
            }
        }
        return .accept(trunk: trunk)
    }
}
