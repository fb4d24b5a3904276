/// A DTMF digit (`0`–`9`, `*`, `#`, `A`–`D`). The raw value is its RFC 4733
/// telephone-event code (§3.2: 0–9, `*` = 10, `#` = 11, `A`–`D` = 12–15).
public enum DTMFDigit: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case zero = 0, one, two, three, four, five, six, seven, eight, nine
    case star = 10
    case pound = 11
    case a = 12, b, c, d

    /// The digit for an RFC 4733 event code; nil for codes that are not DTMF
    /// (e.g. 16, flash).
    @inline(__always)
    public init?(eventCode: Int) {
        guard (0...15).contains(eventCode) else { return nil }
        self.init(rawValue: UInt8(eventCode))
    }

    /// The digit written as `character`: `0`–`9`, `*`, `#`, `A`–`D` (or `a`–`d`).
    public init?(_ character: Character) {
        guard let ascii = character.asciiValue else { return nil }
        switch ascii {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self.init(rawValue: ascii - UInt8(ascii: "0"))
        case UInt8(ascii: "*"): self = .star
        case UInt8(ascii: "#"): self = .pound
        case UInt8(ascii: "A")...UInt8(ascii: "D"): self.init(rawValue: 12 + ascii - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "d"): self.init(rawValue: 12 + ascii - UInt8(ascii: "a"))
        default: return nil
        }
    }

    /// The RFC 4733 event code (0–15).
    public var eventCode: Int { Int(rawValue) }

    /// The digit as written: `0`–`9`, `*`, `#`, `A`–`D`.
    public var character: Character {
        switch self {
        case .star: "*"
        case .pound: "#"
        case .a, .b, .c, .d: Character(Unicode.Scalar(UInt8(ascii: "A") + rawValue - 12))
        default: Character(Unicode.Scalar(UInt8(ascii: "0") + rawValue))
        }
    }

    /// The digit as written (`character`).
    public var description: String { String(character) }
}
