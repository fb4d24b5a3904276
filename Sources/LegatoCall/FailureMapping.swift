import LegatoSIP

/// Maps the final failure of an outbound leg to the status Legato sends on the inbound leg.
public enum FailureMapping {
    /// The status and reason for the inbound leg when the outbound leg failed with `code`.
    ///
    /// Most 4xx/5xx/6xx pass through unchanged (486, 404, 603, 480, 408, 503…).
    /// Exceptions: authentication challenges (401/407) concern Legato's own
    /// credentials towards the trunk, not the caller, so they become 503; a
    /// redirect (3xx) is not followed yet and becomes 480; anything outside
    /// 300–699 (a local error) becomes 500.
    public static func inbound(forOutbound code: Int, reason: String) -> (code: Int, reason: String) {
        switch code {
        case 401, 407: return (503, "Service Unavailable")
        case 300..<400: return (480, "Temporarily Unavailable")
        case 400..<700: return (code, reason.isEmpty ? SIPStatus.defaultReason(code) : reason)
        default: return (500, "Server Internal Error")
        }
    }
}
