/// A validated string of DTMF digits to send, e.g. `"1234#"` or `"9p555*"`.
///
/// Accepts exactly `0`–`9`, `*`, `#`, `A`–`D` (case-insensitive) and `p`/`P`
/// (a pause). Anything else, and the empty string, is a `DTMFError`.
public struct DTMFDigits: Sendable, Hashable, CustomStringConvertible {
    /// One step of a digit string.
    public enum Element: Sendable, Hashable {
        /// Play this digit.
        case digit(DTMFDigit)
        /// Wait (500 ms by default) before the next element.
        case pause
    }

    /// The steps, in order; never empty.
    public let elements: [Element]

    /// Parses `text`. Throws `.empty` for `""` and `.invalidCharacter` naming
    /// the first character that is not a digit or `p`, with its position
    /// (0-based, in characters).
    public init(_ text: String) throws(DTMFError) {
        guard !text.isEmpty else { throw .empty }
        var elements: [Element] = []
        elements.reserveCapacity(text.count)
        for (position, character) in text.enumerated() {
            if let digit = DTMFDigit(character) {
                elements.append(.digit(digit))
            } else if character == "p" || character == "P" {
                elements.append(.pause)
            } else {
                throw .invalidCharacter(character, position: position)
            }
        }
        self.elements = elements
    }

    /// The canonical text: digits upper-case, pauses as `p`.
    public var description: String {
        String(elements.map { element -> Character in
            if case .digit(let digit) = element { return digit.character }
            return "p"
        })
    }
}

/// Why DTMF digits or settings were refused.
public enum DTMFError: Error, Equatable, Sendable {
    /// The digit string is empty.
    case empty
    /// `character` at `position` (0-based, in characters) is not one of
    /// `0-9 * # A-D p`.
    case invalidCharacter(Character, position: Int)
    /// An RTP payload type outside 0...127.
    case invalidPayloadType(Int)
}
