/// One SIP header line as a name and a value, e.g. `X-Account: 42`.
public struct SIPHeader: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Header name as written, e.g. `X-Account`; compare case-insensitively.
    public var name: String
    /// Header value, e.g. `42` (`parseBlock` trims surrounding whitespace).
    public var value: String

    /// A header; name and value are taken as given (no validation).
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// True for custom `X-` headers (case-insensitive).
    public var isCustom: Bool { name.lowercased().hasPrefix("x-") }

    /// `Name: value`, as on the wire (no CRLF).
    public var description: String { "\(name): \(value)" }

    /// Parses CRLF-separated `Name: value` lines (lines without a colon are skipped).
    public static func parseBlock(_ block: String) -> [SIPHeader] {
        block.split(separator: "\r\n", omittingEmptySubsequences: true).compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].trimmingSpaces()
            let value = line[line.index(after: colon)...].trimmingSpaces()
            return name.isEmpty ? nil : SIPHeader(name: name, value: value)
        }
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs, CR and LF.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\r" || c == "\n" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" || c == "\n" { s = s.dropLast() }
        return String(s)
    }
}

extension Array where Element == SIPHeader {
    /// The value of the first header with this name (case-insensitive).
    public func first(named name: String) -> String? {
        let wanted = name.lowercased()
        return first { $0.name.lowercased() == wanted }?.value
    }

    /// The CRLF-joined header block passed to sofia (no trailing CRLF).
    var wireBlock: String { map(\.description).joined(separator: "\r\n") }
}
