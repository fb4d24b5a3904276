import LegatoSecurity

/// `security:` — scanner refusal, the per-source rate limit and the sources exempt from it.
public struct SecurityConfig: Sendable, Equatable {
    /// User-Agent regexes of scanners (`scanner_user_agents`); default `ScannerMatcher.defaultPatterns`.
    public var scannerUserAgents: [String] = ScannerMatcher.defaultPatterns
    /// `scanner_action`: drop (default) or 403.
    public var scannerAction: AdmissionPolicy.ScannerAction = .drop
    /// `rate_limit.per_source_cps`: new dialogs per second per source IP (0: no limit).
    public var perSourceCPS: Int = 0
    /// `rate_limit.block_seconds`: how long a source over the limit gets no answer.
    public var blockSeconds: Double = 60
    /// `trusted`: sources exempt from the rate limit and the scanner check.
    public var trusted: [CIDR] = []
    /// `realm`: the digest realm of challenges (and of `users[].ha1`).
    public var realm = "legato"
    /// `max_message_bytes`: larger SIP datagrams are dropped at the wire
    /// (UDP; TCP/TLS keep sofia's own limit); default 32768.
    public var maxMessageBytes = 32_768
    /// `max_body_bytes`: a datagram whose body is larger is dropped at the wire; default 16384.
    public var maxBodyBytes = 16_384

    /// The defaults: built-in scanner list dropped, no rate limit, nothing trusted.
    public init() {}
}

extension AdmissionPolicy.ScannerAction: CaseIterable {
    /// Both actions, in the order error messages list them.
    public static let allCases: [AdmissionPolicy.ScannerAction] = [.drop, .forbid]
}
