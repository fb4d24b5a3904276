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
        // Only the request line, To and User-Agent become Strings: the rest of
        // the header block is checked byte by byte (this runs for every datagram).
        var lines: [Substring] = []
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
                if lineNumber == 0 || Self.isWanted(bytes, from: start, to: index) {
                    lines.append(Substring(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]),
                                                  as: UTF8.self)))
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
        guard let first = lines.first else { return }
        if !first.hasPrefix("SIP/") {
            method = first.split(separator: " ", maxSplits: 1).first.map { String($0).uppercased() }
        }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingSpaces().lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            switch name {
            case "to", "t":
                hasToTag = Self.hasTag(value)
            case "user-agent":
                userAgent = String(value)
            default: break
            }
        }
    }

    /// True when the header line at `from..<to` may be To (`To`, `t`) or User-Agent (case-insensitive).
    private static func isWanted(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int) -> Bool {
        guard to > from else { return false }
        let first = bytes[from] | 0x20
        return first == UInt8(ascii: "t") || first == UInt8(ascii: "u")
    }

    /// Reads the head of a byte array (tests).
    public init(_ bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { WireHead($0) }
    }

    private static func hasTag(_ value: Substring) -> Bool {
        // Parameters after the URI (outside <…>) hold the tag.
        let afterURI = value.lastIndex(of: ">").map { value[$0...] } ?? value
        return afterURI.lowercased().split(separator: ";").dropFirst().contains { $0.trimmingSpaces().hasPrefix("tag=") }
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
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
