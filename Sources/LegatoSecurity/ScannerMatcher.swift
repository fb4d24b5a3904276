/// Matches User-Agent values against scanner patterns (case-insensitive
/// regular expressions).
public struct ScannerMatcher: @unchecked Sendable {
    /// User agents of the common SIP scanners and brute-forcers seen on public addresses.
    /// (Tools only: user agents real phones also send, such as old SDK or PBX
    /// strings some scanners imitate, are left to `security.scanner_user_agents`.)
    public static let defaultPatterns = [
        "friendly-scanner", "sipvicious", "sipcli", "vaxsipuseragent", "sip-scan", "sundayddr", "iWar",
        "sipptk", "^smap", "pplsip", "voipbuster-scanner",
    ]

    /// The patterns as given.
    public let patterns: [String]
    private let regexes: [Regex<AnyRegexOutput>]

    /// Compiles `patterns`; throws on the first that is not a regular expression.
    public init(patterns: [String]) throws {
        self.patterns = patterns
        regexes = try patterns.map { try Regex($0).ignoresCase() }
    }

    /// A pattern that does not compile, with the compiler's message; nil if all compile.
    public static func problem(in pattern: String) -> String? {
        do { _ = try Regex(pattern); return nil } catch { return "\(error)" }
    }

    /// True when `userAgent` contains a match of any pattern.
    public func matches(_ userAgent: String) -> Bool {
        regexes.contains { (try? $0.firstMatch(in: userAgent)) != nil }
    }
}
