/// The few facts the admission chain reads from a datagram before sofia
/// parses it: the request method, whether the To header has a tag, the
/// User-Agent value, and whether the header block is well formed (no NUL,
/// no bare CR or LF, within the size limit). Reads only the header block.
public struct WireHead: Equatable, Sendable {
    /// Request method, or nil for a response (or something that is not SIP).
    public var method: String?
    /// The To header carries a tag (an in-dialog request).
    public var hasToTag = false
    /// The User-Agent value, trimmed.
    public var userAgent: String?
    /// Why the header block is unacceptable, or nil.
    public var malformation: String?
    /// Bytes after the blank line that ends the header block (0 when there is none).
    public var bodyBytes = 0

    /// Largest header block accepted (bytes before the blank line).
    public static let maxHeaderBytes = 16_384

    /// Reads the head of `bytes`.
    public init(_ bytes: UnsafeRawBufferPointer) {
        // Runs for every datagram before sofia sees it: the header block is
        // checked byte by byte, and only the method and the User-Agent value
        // become Strings (the To tag is read in place).
        var start = 0
        var index = 0
        var blank = false
        var lineNumber = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0 { malformation = "NUL in header"; break }
            if byte == 13 || byte == 10 {
                if byte == 13 && (index + 1 >= bytes.count || bytes[index + 1] != 10) {
                    malformation = "bare CR in header"; break
                }
                if byte == 10 { malformation = "bare LF in header"; break }
                if index == start {
                    blank = true
                    bodyBytes = max(0, bytes.count - (index + 2))
                    break
                }
                if lineNumber == 0 {
                    readStartLine(bytes, from: start, to: index)
                } else {
                    readHeader(bytes, from: start, to: index)
                }
                lineNumber += 1
                index += 2
                start = index
                if start > Self.maxHeaderBytes { malformation = "header block too large"; break }
                continue
            }
            index += 1
        }
        if !blank && malformation == nil && start > Self.maxHeaderBytes { malformation = "header block too large" }
    }

    /// The request line's first token, upper-cased, is the method; a status line (`SIP/…`) has none.
    private mutating func readStartLine(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int) {
        if to - from >= 4 && bytes[from] == UInt8(ascii: "S") && bytes[from + 1] == UInt8(ascii: "I")
            && bytes[from + 2] == UInt8(ascii: "P") && bytes[from + 3] == UInt8(ascii: "/") {
            return
        }
        var first = from
        while first < to && bytes[first] == UInt8(ascii: " ") { first += 1 }
        var end = first
        while end < to && bytes[end] != UInt8(ascii: " ") { end += 1 }
        guard end > first else { return }
        let token = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[first..<end]), as: UTF8.self)
        method = token.utf8.allSatisfy({ !(UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) && $0 < 0x80 })
            ? token : token.uppercased()
    }

    /// Reads a To (`To`, `t`) or User-Agent header line; other lines are skipped.
    private mutating func readHeader(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int) {
        let first = bytes[from] | 0x20
        guard first == UInt8(ascii: "t") || first == UInt8(ascii: "u") else { return }
        var colon = from
        while colon < to && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
        guard colon < to else { return }
        let name = Self.trimmed(bytes, from: from, to: colon)
        let value = Self.trimmed(bytes, from: colon + 1, to: to)
        if Self.equalsLowercase(bytes, name, "to") || Self.equalsLowercase(bytes, name, "t") {
            hasToTag = Self.hasTag(bytes, value)
        } else if Self.equalsLowercase(bytes, name, "user-agent") {
            userAgent = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[value]), as: UTF8.self)
        }
    }

    /// `from..<to` without leading and trailing spaces and tabs.
    private static func trimmed(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int) -> Range<Int> {
        var lower = from
        var upper = to
        while lower < upper && (bytes[lower] == 32 || bytes[lower] == 9) { lower += 1 }
        while upper > lower && (bytes[upper - 1] == 32 || bytes[upper - 1] == 9) { upper -= 1 }
        return lower..<upper
    }

    /// The bytes in `range`, ASCII letters folded to lower case, equal `word` (lower case ASCII).
    private static func equalsLowercase(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        let expected = word.utf8Start
        for offset in 0..<range.count where Self.lower(bytes[range.lowerBound + offset]) != expected[offset] {
            return false
        }
        return true
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    /// A `tag` parameter after the URI: the parameters follow the last `>`
    /// (or the whole value without one); the first `;`-separated part is the
    /// URI (or the `>`), the others are parameters, spaces before a name ignored.
    private static func hasTag(_ bytes: UnsafeRawBufferPointer, _ value: Range<Int>) -> Bool {
        var from = value.lowerBound
        var scan = value.upperBound
        while scan > value.lowerBound {
            scan -= 1
            if bytes[scan] == UInt8(ascii: ">") { from = scan; break }
        }
        var partStart = from
        var seenFirst = false
        var index = from
        while index <= value.upperBound {
            if index == value.upperBound || bytes[index] == UInt8(ascii: ";") {
                if index > partStart {
                    if seenFirst {
                        var name = partStart
                        while name < index && (bytes[name] == 32 || bytes[name] == 9) { name += 1 }
                        if index - name >= 4 && lower(bytes[name]) == UInt8(ascii: "t") && lower(bytes[name + 1]) == UInt8(ascii: "a")
                            && lower(bytes[name + 2]) == UInt8(ascii: "g") && bytes[name + 3] == UInt8(ascii: "=") {
                            return true
                        }
                    }
                    seenFirst = true
                }
                partStart = index + 1
            }
            index += 1
        }
        return false
    }

    /// Reads the head of a byte array (tests).
    public init(_ bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { WireHead($0) }
    }
}

extension WireHead {
    /// Why a datagram of `size` bytes with this head is too large for
    /// `security.max_message_bytes` / `max_body_bytes` (0: no limit), or nil.
    public func sizeProblem(size: Int, maxMessageBytes: Int, maxBodyBytes: Int) -> String? {
        if maxMessageBytes > 0 && size > maxMessageBytes { return "message too large (\(size) bytes)" }
        if maxBodyBytes > 0 && bodyBytes > maxBodyBytes { return "body too large (\(bodyBytes) bytes)" }
        return nil
    }
}
