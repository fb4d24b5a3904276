/// A response built without any transaction state (RFC 3261 §8.2.6, §8.2.7):
/// the request's Via values in order, its From, To (with a tag added), Call-ID
/// and CSeq, then the given headers and `Content-Length: 0`. The top Via gets
/// the transport's `received` (the source address, when it differs from the
/// sent-by host or `rport` is asked for) and `rport` filled in (RFC 3581).
/// The wire gate answers a shed INVITE with it and sends it straight back to
/// the datagram's source address and port.
public enum StatelessResponse {
    /// The response's bytes, or nil when `status`, `reason`, `toTag` or a
    /// header would not make a well-formed response (CR, LF, NUL or another
    /// control byte, a tag that is not a token, a status outside 100…699).
    /// `source` is the request's source address as text (IPv6 without brackets).
    public static func make(status: Int, reason: String, to request: TransactionHeaders, toTag: String,
                            source: String, sourcePort: Int, headers: [(name: String, value: String)]) -> [UInt8]? {
        guard (100...699).contains(status), isText(reason), !toTag.isEmpty,
              toTag.utf8.allSatisfy(TransactionHeaders.isTokenByte),
              !source.isEmpty, source.utf8.allSatisfy({ isHexDigit($0) || $0 == 46 || $0 == 58 }),
              (0...65_535).contains(sourcePort),
              headers.allSatisfy({ !$0.name.isEmpty && $0.name.utf8.allSatisfy(TransactionHeaders.isTokenByte)
                  && isText($0.value) }) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(512)
        func line(_ name: String, _ value: [UInt8]) {
            out += Array(name.utf8) + [58, 32] + value + [13, 10]
        }
        out += Array("SIP/2.0 \(status) \(reason)\r\n".utf8)
        let top = request.topVia
        let rest = request.vias[0].count > top.count ? Array(request.vias[0][top.count...]) : []
        line("Via", stamped(top, source: source, port: sourcePort) + rest)
        for via in request.vias.dropFirst() { line("Via", via) }
        line("From", request.from)
        line("To", request.toHasTag ? request.to : request.to + Array(";tag=\(toTag)".utf8))
        line("Call-ID", request.callID)
        line("CSeq", request.cseq)
        for header in headers { line(header.name, Array(header.value.utf8)) }
        line("Content-Length", Array("0".utf8))
        out += [13, 10]
        return out
    }

    /// The top Via with `received` and `rport` as the receiving transport
    /// adds them (RFC 3261 §18.2.1, RFC 3581 §4).
    static func stamped(_ via: [UInt8], source: String, port: Int) -> [UInt8] {
        var parts = split(via, on: 59)
        guard !parts.isEmpty else { return via }
        var hasReceived = false
        var askedRport = false
        for index in parts.indices.dropFirst() {
            let name = TransactionHeaders.trimmed(parts[index][...]).map { $0 | 0x20 }
            if name.starts(with: Array("received".utf8)) && (name.count == 8 || name[8...].first(where: { $0 != 32 }) == 61) {
                hasReceived = true
            }
            if name == Array("rport".utf8) {
                askedRport = true
                parts[index] = Array("rport=\(port)".utf8)
            }
        }
        var result = Array(parts.joined(separator: [59]))
        if !hasReceived && (askedRport || sentByHost(parts[0]) != source.lowercased()) {
            result += Array(";received=\(source)".utf8)
        }
        return result
    }

    /// The host of a Via's `SIP/2.0/UDP host[:port]`, lower-cased, without IPv6 brackets.
    static func sentByHost(_ value: [UInt8]) -> String {
        let text = String(decoding: value, as: UTF8.self)
        guard let slash = text.lastIndex(of: "/") else { return "" }
        let words = text[text.index(after: slash)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count >= 2 else { return "" }
        let sentBy = words[1...].joined()
        if sentBy.hasPrefix("["), let close = sentBy.firstIndex(of: "]") {
            return String(sentBy[sentBy.index(after: sentBy.startIndex)..<close]).lowercased()
        }
        return String(sentBy.split(separator: ":", maxSplits: 1).first ?? "").lowercased()
    }

    /// Splits at `separator` bytes outside double quotes.
    private static func split(_ bytes: [UInt8], on separator: UInt8) -> [[UInt8]] {
        var parts: [[UInt8]] = [[]]
        var quoted = false
        for byte in bytes {
            if byte == 34 { quoted.toggle() }
            if byte == separator && !quoted { parts.append([]) } else { parts[parts.count - 1].append(byte) }
        }
        return parts
    }

    /// Printable text (HT allowed; no CR, LF, NUL, DEL or other control byte).
    static func isText(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == 9 || ($0 >= 32 && $0 != 127) }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte)
    }
}
