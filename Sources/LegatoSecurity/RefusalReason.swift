/// Why a request was refused. The raw values are stable: they are the
/// `reason=` of the `security.refused` log line (docs/security.md, the
/// fail2ban filter) and the `reason` label of a refusal counter.
public enum RefusalReason: String, Sendable, CaseIterable, Hashable {
    /// Source outside the listener's `allow_from`, or inside its `deny_from`.
    case acl
    /// User-Agent matched `security.scanner_user_agents`.
    case scanner
    /// Source sent more new dialogs per second than `security.rate_limit.per_source_cps`.
    case rateLimit = "rate_limit"
    /// Source still blocked after exceeding the rate limit.
    case blocked
    /// Not a trunk source and no credentials (challenged).
    case authRequired = "auth_required"
    /// Credentials that do not verify (unknown user, wrong password, bad nonce).
    case authFailed = "auth_failed"
    /// Signalling loop overloaded: new INVITE shed with 503.
    case overload
    /// Trunk's `max_calls` reached.
    case trunkMaxCalls = "trunk_max_calls"
    /// Trunk's `max_cps` reached.
    case trunkMaxCPS = "trunk_max_cps"
    /// Destination matched a route's `deny` pattern.
    case destinationDenied = "destination_denied"
    /// Refer-To outside the route's `transfer_targets`.
    case transferDenied = "transfer_denied"
    /// CR, LF or NUL where a header may not hold them, or a message over the size limits.
    case malformed
}
