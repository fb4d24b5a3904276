import LegatoConfig
import LegatoSIP

/// A compiled `HeaderPolicy`: decides which headers cross from one leg to the other.
public struct HeaderFilter: @unchecked Sendable {
    // Regex is not Sendable; a filter is built once and only read afterwards.
    private let allow: [Regex<AnyRegexOutput>]
    private let deny: [Regex<AnyRegexOutput>]

    /// Compiles the policy's patterns (case-insensitive) for the direction
    /// towards the trunk. Throws on a bad pattern.
    public init(_ policy: HeaderPolicy) throws {
        try self.init(allow: policy.allow, deny: policy.deny)
    }

    /// The filter for the direction from the trunk: the policy's
    /// `from_trunk` rules, or the same rules when it has none.
    public static func fromTrunk(_ policy: HeaderPolicy) throws -> HeaderFilter {
        guard let rules = policy.fromTrunk else { return try HeaderFilter(policy) }
        return try HeaderFilter(allow: rules.allow, deny: rules.deny)
    }

    private init(allow: [String], deny: [String]) throws {
        self.allow = try allow.map { try Regex($0).ignoresCase() }
        self.deny = try deny.map { try Regex($0).ignoresCase() }
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
