import Glibc

/// Writes a STUN message (RFC 5389): header, attributes (padded to 4
/// bytes), then optionally MESSAGE-INTEGRITY and FINGERPRINT, each computed
/// with the header's length covering it.
public struct STUNMessageBuilder: Sendable {
    /// Message type, e.g. `STUNMessage.bindingSuccess`.
    public var type: UInt16
    /// The 96-bit (12-byte) transaction id, (a response copies its request's).
    public var transactionID: [UInt8]
    private var body: [UInt8] = []

    /// An empty message; traps unless `transactionID` is 12 bytes.
    public init(type: UInt16, transactionID: [UInt8]) {
        precondition(transactionID.count == 12, "a STUN transaction id is 96 bits")
        self.type = type
        self.transactionID = transactionID
    }

    /// Appends an attribute (its value padded with zeros to a multiple of 4).
    public mutating func append(_ attributeType: UInt16, _ value: [UInt8]) {
        body += [UInt8(attributeType >> 8), UInt8(attributeType & 0xFF), UInt8(value.count >> 8), UInt8(value.count & 0xFF)]
        body += value
        body += [UInt8](repeating: 0, count: (4 - value.count % 4) % 4)
    }

    /// Appends XOR-MAPPED-ADDRESS for a kernel socket address (IPv4 or IPv6);
    /// false for another family.
    mutating func appendXORMappedAddress(_ source: UnsafePointer<sockaddr_storage>) -> Bool {
        let mask = STUNMessage.cookieBytes + transactionID
        var value: [UInt8]
        switch Int32(source.pointee.ss_family) {
        case AF_INET:
            value = source.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                let port = UInt16(bigEndian: sin.pointee.sin_port)
                return [0, 0x01, UInt8(port >> 8), UInt8(port & 0xFF)]
                    + withUnsafeBytes(of: sin.pointee.sin_addr) { Array($0) }
            }
        case AF_INET6:
            value = source.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                let port = UInt16(bigEndian: sin6.pointee.sin6_port)
                return [0, 0x02, UInt8(port >> 8), UInt8(port & 0xFF)]
                    + withUnsafeBytes(of: sin6.pointee.sin6_addr) { Array($0) }
            }
        default:
            return false
        }
        value[2] ^= 0x21
        value[3] ^= 0x12
        for i in 4..<value.count { value[i] ^= mask[i - 4] }
        append(STUNMessage.xorMappedAddress, value)
        return true
    }

    /// The message, with MESSAGE-INTEGRITY under `integrityKey` (if given)
    /// and FINGERPRINT (if asked) last.
    public func encoded(integrityKey: [UInt8]? = nil, fingerprint: Bool = false) -> [UInt8] {
        var message: [UInt8] = [UInt8(type >> 8), UInt8(type & 0xFF), 0, 0] + STUNMessage.cookieBytes + transactionID + body
        if let integrityKey {
            STUNMessage.setBodyLength(&message, message.count - STUNMessage.headerLength + 24)
            let mac = HMACSHA1.mac(key: integrityKey, message: message)
            message += [0x00, 0x08, 0x00, 0x14] + mac
        }
        if fingerprint {
            STUNMessage.setBodyLength(&message, message.count - STUNMessage.headerLength + 8)
            let crc = CRC32.checksum(message) ^ STUNMessage.fingerprintXOR
            message += [0x80, 0x28, 0x00, 0x04, UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF),
                        UInt8(crc & 0xFF)]
        }
        STUNMessage.setBodyLength(&message, message.count - STUNMessage.headerLength)
        return message
    }
}
