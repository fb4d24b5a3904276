import Foundation

/// One SIP message as it crossed the wire: start line, header fields in
/// order (folded lines joined) and body.
struct SIPMessage: Sendable, CustomStringConvertible {
    enum Direction: String, Sendable { case sent, received }

    let direction: Direction
    /// "UDP", "TCP", … as sipp logged it.
    let transport: String
    /// Seconds since midnight when sipp logged it (nil if not logged).
    let timestamp: Double?
    let raw: String
    let startLine: String
    let headers: [(name: String, value: String)]
    let body: String

    /// RFC 3261 7.3.3 compact forms.
    private static let compactNames: [String: String] = [
        "i": "call-id", "m": "contact", "e": "content-encoding", "l": "content-length",
        "c": "content-type", "f": "from", "s": "subject", "k": "supported", "t": "to", "v": "via",
    ]

    init(raw: String, direction: Direction, transport: String, timestamp: Double?) {
        self.raw = raw
        self.direction = direction
        self.transport = transport
        self.timestamp = timestamp
        let head: Substring
        if let split = raw.range(of: "\r\n\r\n") {
            head = raw[..<split.lowerBound]
            body = String(raw[split.upperBound...])
        } else {
            head = Substring(raw)
            body = ""
        }
        var lines = head.components(separatedBy: "\r\n")
        startLine = lines.isEmpty ? "" : lines.removeFirst()
        var fields: [(name: String, value: String)] = []
        for line in lines {
            if let first = line.first, first == " " || first == "\t", !fields.isEmpty {
                fields[fields.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                               String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
        }
        headers = fields
    }

    // MARK: start line

    var isRequest: Bool { !startLine.hasPrefix("SIP/") }
    /// The request method, nil for a response.
    var method: String? { isRequest ? startLine.split(separator: " ").first.map(String.init) : nil }
    var requestURI: String? {
        guard isRequest else { return nil }
        let parts = startLine.split(separator: " ")
        return parts.count > 1 ? String(parts[1]) : nil
    }
    /// The status code, nil for a request.
    var statusCode: Int? {
        guard !isRequest else { return nil }
        let parts = startLine.split(separator: " ", maxSplits: 2)
        return parts.count > 1 ? Int(parts[1]) : nil
    }
    var reasonPhrase: String? {
        guard !isRequest else { return nil }
        let parts = startLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.count > 2 ? String(parts[2]) : ""
    }

    // MARK: header fields

    private static func canonical(_ name: String) -> String {
        let lower = name.lowercased()
        return compactNames[lower] ?? lower
    }

    /// Every value of the header `name` (compact forms count), in order.
    func values(_ name: String) -> [String] {
        let wanted = Self.canonical(name)
        return headers.filter { Self.canonical($0.name) == wanted }.map(\.value)
    }

    /// The first value of the header `name`.
    func header(_ name: String) -> String? { values(name).first }

    func has(_ name: String) -> Bool { header(name) != nil }

    var callID: String? { header("Call-ID") }
    /// CSeq method ("INVITE" in "1 INVITE").
    var cseqMethod: String? { header("CSeq")?.split(separator: " ").last.map(String.init) }
    var cseqNumber: String? { header("CSeq")?.split(separator: " ").first.map(String.init) }
    var fromTag: String? { header("From").flatMap { Self.parameter("tag", in: $0) } }
    var toTag: String? { header("To").flatMap { Self.parameter("tag", in: $0) } }

    /// Every Via value (comma-separated values split), top first.
    var vias: [String] {
        values("Via").flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    }
    var topViaBranch: String? { vias.first.flatMap { Self.parameter("branch", in: $0) } }
    /// The sent-by ("host:port") of the top Via.
    var topViaSentBy: String? {
        guard let via = vias.first else { return nil }
        let afterProtocol = via.split(separator: " ", maxSplits: 1).dropFirst().first ?? ""
        return afterProtocol.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The value of `;name=value` in a header value (case-insensitive name).
    static func parameter(_ name: String, in value: String) -> String? {
        for part in value.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.first?.trimmingCharacters(in: .whitespaces).lowercased() == name.lowercased() {
                return pair.count > 1 ? pair[1].trimmingCharacters(in: .whitespaces) : ""
            }
        }
        return nil
    }

    var description: String { "\(direction.rawValue) \(transport): \(startLine) [CSeq \(header("CSeq") ?? "-")]" }
}
