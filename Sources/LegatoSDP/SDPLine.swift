/// One `x=value` line of an SDP body, kept as written so that what Legato does
/// not rewrite passes through byte for byte.
public struct SDPLine: Sendable, Equatable {
    /// The line type: `v`, `o`, `s`, `c`, `t`, `m`, `a`, `b`…
    public var type: Character
    /// Everything after `=`.
    public var value: String

    /// A line; `value` is everything after `=`.
    public init(type: Character, value: String) {
        self.type = type
        self.value = value
    }

    /// For an `a=` line: the attribute name (`rtpmap`, `sendonly`, `crypto`…).
    public var attributeName: Substring? {
        guard type == "a" else { return nil }
        return value.split(separator: ":", maxSplits: 1).first
    }

    /// For an `a=name:value` line: the part after the colon.
    public var attributeValue: Substring? {
        guard type == "a", let colon = value.firstIndex(of: ":") else { return nil }
        return value[value.index(after: colon)...]
    }

    /// The line as written on the wire, without the line ending.
    public var text: String { "\(type)=\(value)" }
}
