import Glibc

/// A STUN message (RFC 5389) as read from a relay port: header fields and
/// where each attribute's value lies. Built only on the slow path (the fast
/// path looks at one byte first: `STUNMessage.mayBeSTUN`).
public struct STUNMessage: Sendable, Equatable {
    /// The fixed value of header bytes 4–7 (RFC 5389 §6).
    public static let magicCookie: UInt32 = 0x2112_A442
    /// Header length in bytes.
    public static let headerLength = 20
    /// Message type of a Binding Request.
    public static let bindingRequest: UInt16 = 0x0001
    /// Message type of a Binding Success Response.
    public static let bindingSuccess: UInt16 = 0x0101
    /// Attribute types used here.
    public static let username: UInt16 = 0x0006
    /// MESSAGE-INTEGRITY attribute type (HMAC-SHA1, 20 bytes).
    public static let messageIntegrity: UInt16 = 0x0008
    /// XOR-MAPPED-ADDRESS attribute type.
    public static let xorMappedAddress: UInt16 = 0x0020
    /// FINGERPRINT attribute type (CRC-32 XOR `fingerprintXOR`).
    public static let fingerprint: UInt16 = 0x8028
    /// XORed into the CRC-32 of FINGERPRINT ("STUN").
    public static let fingerprintXOR: UInt32 = 0x5354_554E

    /// The whole message.
    public let bytes: [UInt8]
    /// Message type (method and class), e.g. `bindingRequest`.
    public let type: UInt16
    /// The 96-bit transaction id.
    public var transactionID: ArraySlice<UInt8> { bytes[8..<20] }
    /// Each attribute: its type, where it starts (its 4-byte header) and its value's range.
    public let attributes: [(type: UInt16, start: Int, value: Range<Int>)]

    /// Equal when the bytes are equal.
    public static func == (lhs: STUNMessage, rhs: STUNMessage) -> Bool { lhs.bytes == rhs.bytes }

    /// The fast-path test, before anything else: RTP and RTCP (version 2)
    /// start with 0x80–0xBF, STUN with 0x00–0x03 (RFC 7983).
    @inline(__always)
    public static func mayBeSTUN(firstByte: UInt8) -> Bool { firstByte < 4 }

    /// True when `length` bytes of `buffer` are a STUN message: first byte
    /// 0x00–0x03, the magic cookie at bytes 4–7, and a length field that is a
    /// multiple of 4 and matches the datagram.
    public static func isSTUN(_ buffer: UnsafeRawBufferPointer, length: Int) -> Bool {
        guard length >= headerLength, length <= buffer.count, mayBeSTUN(firstByte: buffer[0]) else { return false }
        let cookie = UInt32(buffer[4]) << 24 | UInt32(buffer[5]) << 16 | UInt32(buffer[6]) << 8 | UInt32(buffer[7])
        let bodyLength = Int(buffer[2]) << 8 | Int(buffer[3])
        return cookie == magicCookie && bodyLength % 4 == 0 && bodyLength + headerLength == length
    }

    /// Parses a STUN message; nil when it is not one or an attribute runs past the end.
    public init?(_ bytes: [UInt8]) {
        guard bytes.withUnsafeBytes({ Self.isSTUN($0, length: bytes.count) }) else { return nil }
        var attributes: [(UInt16, Int, Range<Int>)] = []
        var offset = Self.headerLength
        while offset + 4 <= bytes.count {
            let type = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let end = offset + 4 + length
            guard end <= bytes.count else { return nil }
            attributes.append((type, offset, offset + 4..<end))
            offset = end + (4 - length % 4) % 4
        }
        guard offset == bytes.count else { return nil }
        self.bytes = bytes
        self.type = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        self.attributes = attributes
    }

    /// The value of the first attribute of `type`.
    public func attribute(_ type: UInt16) -> ArraySlice<UInt8>? {
        attributes.first { $0.type == type }.map { bytes[$0.value] }
    }

    /// The USERNAME attribute as text.
    public var usernameText: String? { attribute(Self.username).map { String(decoding: $0, as: UTF8.self) } }

    /// True when MESSAGE-INTEGRITY is present and is the HMAC-SHA1 under
    /// `key` of the message up to it, with the header's length covering it
    /// (RFC 5389 §15.4).
    public func hasValidIntegrity(key: [UInt8]) -> Bool {
        guard let integrity = attributes.first(where: { $0.type == Self.messageIntegrity }),
              integrity.value.count == SHA1.digestLength else { return false }
        var covered = Array(bytes[0..<integrity.start])
        Self.setBodyLength(&covered, integrity.value.upperBound - Self.headerLength)
        return HMACSHA1.mac(key: key, message: covered) == Array(bytes[integrity.value])
    }

    /// True when FINGERPRINT is the last attribute and is the CRC-32 of the
    /// message up to it, XOR 0x5354554e (RFC 5389 §15.5).
    public var hasValidFingerprint: Bool {
        guard let last = attributes.last, last.type == Self.fingerprint, last.value.count == 4 else { return false }
        let expected = CRC32.checksum(Array(bytes[0..<last.start])) ^ Self.fingerprintXOR
        let value = bytes[last.value]
        let actual = value.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return actual == expected
    }

    /// The XOR-MAPPED-ADDRESS attribute (RFC 5389 §15.2), decoded.
    public var xorMappedAddress: MediaEndpoint? {
        guard let value = attribute(Self.xorMappedAddress).map(Array.init), value.count >= 8 else { return nil }
        let port = Int((UInt16(value[2]) << 8 | UInt16(value[3])) ^ UInt16(Self.magicCookie >> 16))
        let mask = Self.cookieBytes + Array(transactionID)
        let family: Int32
        switch (value[1], value.count) {
        case (0x01, 8): family = AF_INET
        case (0x02, 20): family = AF_INET6
        default: return nil
        }
        let address = (0..<(value.count - 4)).map { value[4 + $0] ^ mask[$0] }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard address.withUnsafeBytes({ inet_ntop(family, $0.baseAddress, &text, socklen_t(text.count)) }) != nil else {
            return nil
        }
        return MediaEndpoint(host: String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
                             port: port)
    }

    static let cookieBytes: [UInt8] = [0x21, 0x12, 0xA4, 0x42]

    /// Writes a header's length field.
    static func setBodyLength(_ message: inout [UInt8], _ length: Int) {
        message[2] = UInt8((length >> 8) & 0xFF)
        message[3] = UInt8(length & 0xFF)
    }
}
