/// The headers of a request that a stateless response copies (RFC 3261
/// §8.2.6.2) and that identify its transaction: every Via value in order,
/// From, To, Call-ID and CSeq, read from the raw datagram before sofia parses
/// it. Values are kept as the bytes that arrived (folded lines joined by one
/// space), and every one of them is free of CR, LF, NUL and other control
/// bytes but HT, so copying them into a response cannot inject a header.
public struct TransactionHeaders: Equatable, Sendable {
    /// Each Via header's value, in order (one header may hold several comma-separated values).
    public var vias: [[UInt8]]
    /// The From, To, Call-ID and CSeq values.
    public var from: [UInt8]
    public var to: [UInt8]
    public var callID: [UInt8]
    public var cseq: [UInt8]
    /// CSeq's number and method (`1`, `INVITE`).
    public var cseqNumber: UInt32
    public var cseqMethod: String

    /// Largest header block read (bytes before the blank line); longer blocks are refused.
    public static let maxHeaderBytes = 16_384

    /// Reads the header block of `bytes`; nil when it is not a request, when
    /// Via, From, To, Call-ID or CSeq is missing, when From, To, Call-ID or
    /// CSeq appears twice, when CSeq does not read `number method`, or when
    /// the block holds NUL, a bare CR or LF, a control byte, or no end within
    /// `maxHeaderBytes`.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        var vias: [[UInt8]] = []
        var single: [UInt8: [UInt8]] = [:]
        var lines: [[UInt8]] = []
        var start = 0
        var index = 0
        var ended = false
        while index < bytes.count && index <= Self.maxHeaderBytes {
            let byte = bytes[index]
            if byte == 13 {
                guard index + 1 < bytes.count, bytes[index + 1] == 10 else { return nil }
                if index == start { ended = true; break }
                let line = Array(bytes[start..<index])
                if let first = line.first, first == 32 || first == 9 {
                    // A folded line continues the previous header (RFC 3261 §7.3.1).
                    guard !lines.isEmpty else { return nil }
                    lines[lines.count - 1] += [32] + Self.trimmed(line[...])
                } else {
                    lines.append(line)
                }
                index += 2
                start = index
                continue
            }
            if byte == 10 || byte == 0 || byte == 127 || (byte < 32 && byte != 9) { return nil }
            index += 1
        }
        guard ended, let requestLine = lines.first, !requestLine.starts(with: Array("SIP/".utf8)) else { return nil }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: 58) else { return nil }
            let name = Self.trimmed(line[..<colon]).map { $0 | 0x20 }
            let value = Self.trimmed(line[(colon + 1)...])
            guard let kind = Self.kind(of: name) else { continue }
            if kind == Self.viaKind {
                guard !value.isEmpty else { return nil }
                vias.append(value)
            } else {
                guard single[kind] == nil, !value.isEmpty else { return nil }
                single[kind] = value
            }
        }
        guard !vias.isEmpty, let from = single[Self.fromKind], let to = single[Self.toKind],
              let callID = single[Self.callIDKind], let cseq = single[Self.cseqKind] else { return nil }
        let parts = cseq.split(whereSeparator: { $0 == 32 || $0 == 9 })
        guard parts.count == 2, parts[0].count <= 10, parts[0].allSatisfy({ (48...57).contains($0) }),
              let number = UInt32(String(decoding: parts[0], as: UTF8.self)),
              parts[1].allSatisfy(Self.isTokenByte) else { return nil }
        self.vias = vias
        self.from = from
        self.to = to
        self.callID = callID
        self.cseq = cseq
        cseqNumber = number
        cseqMethod = String(decoding: parts[1], as: UTF8.self)
    }

    /// Reads a byte array (tests).
    public init?(_ bytes: [UInt8]) {
        guard let headers = bytes.withUnsafeBytes({ TransactionHeaders($0) }) else { return nil }
        self = headers
    }

    /// The top Via value: the first header's value up to its first comma outside quotes.
    public var topVia: [UInt8] {
        var quoted = false
        for (offset, byte) in vias[0].enumerated() {
            if byte == 34 { quoted.toggle() }
            if byte == 44 && !quoted { return Self.trimmed(vias[0][..<offset]) }
        }
        return vias[0]
    }

    /// The To value has a `tag` parameter (outside `<…>`), even an empty one.
    public var toHasTag: Bool { toTagParameter != nil }

    /// The value of To's `tag` parameter (outside `<…>`), or nil when there is none or it is empty.
    public var toTag: [UInt8]? { toTagParameter.flatMap { $0.isEmpty ? nil : $0 } }

    /// The value of the first `tag` parameter after To's URI (`tag = x`, any
    /// case, spaces around `=`), possibly empty; nil without one.
    private var toTagParameter: [UInt8]? {
        let afterURI = to.lastIndex(of: 62).map { to[$0...] } ?? to[...]
        for parameter in afterURI.split(separator: 59).dropFirst() {
            let trimmed = Self.trimmed(parameter)
            guard let equals = trimmed.firstIndex(of: 61),
                  Self.trimmed(trimmed[..<equals]).map({ $0 | 0x20 }) == Array("tag".utf8) else { continue }
            return Self.trimmed(trimmed[(equals + 1)...])
        }
        return nil
    }

    /// A hash of Call-ID, CSeq number and top Via: equal for a request and its
    /// retransmissions (seeded per process, like every Swift `Hasher`).
    public var transactionKey: Int {
        var hasher = Hasher()
        hasher.combine(callID)
        hasher.combine(cseqNumber)
        hasher.combine(topVia)
        return hasher.finalize()
    }

    private static let viaKind: UInt8 = 1, fromKind: UInt8 = 2, toKind: UInt8 = 3, callIDKind: UInt8 = 4, cseqKind: UInt8 = 5

    /// The header a lower-cased name stands for (full or compact form), or nil.
    private static func kind(of name: [UInt8]) -> UInt8? {
        switch String(decoding: name, as: UTF8.self) {
        case "via", "v": viaKind
        case "from", "f": fromKind
        case "to", "t": toKind
        case "call-id", "i": callIDKind
        case "cseq": cseqKind
        default: nil
        }
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var slice = bytes
        while let first = slice.first, first == 32 || first == 9 { slice = slice.dropFirst() }
        while let last = slice.last, last == 32 || last == 9 { slice = slice.dropLast() }
        return Array(slice)
    }

    /// RFC 3261 `token` characters.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "%"), UInt8(ascii: "*"),
             UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "`"), UInt8(ascii: "'"), UInt8(ascii: "~"): true
        default: false
        }
    }
}
