import LegatoConfig
import LegatoSIP

/// A compiled `HeaderPolicy`: decides which headers cross from one leg to the other.
public struct HeaderFilter: @unchecked Sendable {
    // Regex is not Sendable; a filter is built once and only read afterwards.
    private let allow: [Regex<AnyRegexOutput>]
    private let deny: [Regex<AnyRegexOutput>]

    /// Compiles the policy's patterns (case-insensitive). Throws on a bad pattern.
    public init(_ policy: HeaderPolicy) throws {
        allow = try policy.allow.map { try Regex($0).ignoresCase() }
        deny = try policy.deny.map { try Regex($0).ignoresCase() }
    }

    /// True when `name` may cross: it matches an allow pattern and no deny pattern.
    /// Only `X-` headers are ever copied, whatever the patterns say.
    public func permits(_ name: String) -> Bool {
        guard name.lowercased().hasPrefix("x-") else { return false }
        guard allow.contains(where: { name.firstMatch(of: $0) != nil }) else { return false }
        return !deny.contains(where: { name.firstMatch(of: $0) != nil })
    }

    /// The headers of `headers` that may cross, in order.
    public func filter(_ headers: [SIPHeader]) -> [SIPHeader] {
        headers.filter { permits($0.name) }
    }
}
