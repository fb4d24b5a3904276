import Foundation

/// The messages in a sipp message log (`-trace_msg -message_file F`), in order.
///
/// sipp writes each message as
///
///     ----------------------------------------------- 2026-11-25 12:33:48.313803
///     UDP message sent (506 bytes):
///
///     <exactly 506 bytes of the message>
///
/// ("… message received [260] bytes :" for received ones). The byte count
/// frames the message exactly, so bodies compare byte for byte. Blocks that
/// are not a sent/received message (e.g. sipp's "Unexpected UDP message
/// received:" copies) are skipped.
struct SIPTrace: Sendable, CustomStringConvertible {
    let messages: [SIPMessage]
    let path: String

    init(path: String) {
        self.path = path
        let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        messages = Self.parse(bytes)
    }

    init(text: String, path: String = "<memory>") {
        self.path = path
        messages = Self.parse(Array(text.utf8))
    }

    /// "UDP message sent (506 bytes):" / "TCP message received [260] bytes :"
    /// → (transport, direction, byte count).
    private static func descriptor(_ line: String) -> (String, SIPMessage.Direction, Int)? {
        let words = line.split(separator: " ")
        guard words.count >= 4, words[1] == "message",
              words[2] == "sent" || words[2] == "received",
              let count = Int(words[3].filter(\.isNumber)) else { return nil }
        return (String(words[0]), words[2] == "sent" ? .sent : .received, count)
    }

    /// "----- 2026-11-25 12:33:48.313803" → seconds since midnight.
    private static func timestamp(_ line: String) -> Double? {
        guard let last = line.split(separator: " ").last else { return nil }
        let parts = last.split(separator: ":").compactMap { Double($0) }
        return parts.count == 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] : nil
    }

    private static func parse(_ bytes: [UInt8]) -> [SIPMessage] {
        var result: [SIPMessage] = []
        var lastStamp: Double?
        var index = 0
        while index < bytes.count {
            let lineEnd = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let line = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
            index = lineEnd + 1
            if line.hasPrefix("-----") {
                lastStamp = timestamp(line)
                continue
            }
            guard let (transport, direction, count) = descriptor(line) else { continue }
            // one empty line, then exactly `count` bytes
            if index < bytes.count, bytes[index] == UInt8(ascii: "\n") { index += 1 }
            let end = min(bytes.count, index + count)
            let raw = String(decoding: bytes[index..<end], as: UTF8.self)
            index = end
            result.append(SIPMessage(raw: raw, direction: direction, transport: transport, timestamp: lastStamp))
        }
        return result
    }

    var sent: [SIPMessage] { messages.filter { $0.direction == .sent } }
    var received: [SIPMessage] { messages.filter { $0.direction == .received } }

    /// Requests with `method` that went in `direction`.
    func requests(_ method: String, _ direction: SIPMessage.Direction) -> [SIPMessage] {
        messages.filter { $0.direction == direction && $0.method == method }
    }

    /// Responses (any code, or `code`) to `method` that went in `direction`.
    func responses(to method: String, _ direction: SIPMessage.Direction, code: Int? = nil) -> [SIPMessage] {
        messages.filter {
            $0.direction == direction && !$0.isRequest && $0.cseqMethod == method
                && (code == nil || $0.statusCode == code)
        }
    }

    /// The first final (≥ 200) response to `method` that went in `direction`.
    func finalResponse(to method: String, _ direction: SIPMessage.Direction) -> SIPMessage? {
        responses(to: method, direction).first { ($0.statusCode ?? 0) >= 200 }
    }

    /// One line per message, for failure messages.
    var description: String {
        "\(path):\n" + messages.map { "  \($0)" }.joined(separator: "\n")
    }
}
