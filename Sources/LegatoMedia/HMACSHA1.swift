/// HMAC-SHA1 (RFC 2104), the MAC of STUN's MESSAGE-INTEGRITY (RFC 5389
/// §15.4; ICE uses short-term credentials: the key is the ice-pwd's bytes).
struct HMACSHA1 {
    private var inner = SHA1()
    private let outerKey: [UInt8]

    init(key: [UInt8]) {
        var block = key.count > SHA1.blockLength ? SHA1.hash(key) : key
        block += [UInt8](repeating: 0, count: SHA1.blockLength - block.count)
        inner.update(block.map { $0 ^ 0x36 })
        outerKey = block.map { $0 ^ 0x5C }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) { inner.update(bytes) }

    mutating func update(_ bytes: [UInt8]) { inner.update(bytes) }

    /// The 20-byte MAC.
    mutating func finalize() -> [UInt8] {
        var outer = SHA1()
        outer.update(outerKey)
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// The MAC of `message` under `key`.
    static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var hmac = HMACSHA1(key: key)
        hmac.update(message)
        return hmac.finalize()
    }
}
