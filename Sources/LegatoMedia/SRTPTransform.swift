/// The packet transforms of one key set (SRTP or SRTCP, one direction):
/// AES-CM + HMAC-SHA1 (RFC 3711 sections 4.1.1, 4.2, 3.4) or AES-GCM (RFC 7714
/// sections 8 and 9). Works on packets in place; the caller has checked the
/// lengths and the replay list.
final class SRTPTransform {
    private let cipher: SRTPCipher
    private let hmac: SRTPHMAC?
    /// The session salt (14 bytes AES-CM, 12 bytes GCM).
    private let salt: [UInt8]
    private let isGCM: Bool

    init?(keys: SRTPKeyMaterial, labels: SRTPSessionKeys.Labels, direction: SRTPContext.Direction) {
        guard let session = SRTPSessionKeys(keys: keys, labels: labels) else { return nil }
        isGCM = keys.suite == .aeadAES128GCM
        let mode: SRTPCipher.Mode = isGCM ? (direction == .outbound ? .gcmSeal : .gcmOpen) : .counter
        guard let cipher = SRTPCipher(mode: mode, key: session.cipherKey) else { return nil }
        self.cipher = cipher
        hmac = isGCM ? nil : SRTPHMAC(key: session.authKey)
        salt = session.salt
    }

    // MARK: SRTP

    /// Encrypts the payload after `header` and appends the tag at `length`.
    func protectRTP(_ p: UnsafeMutablePointer<UInt8>, header: Int, length: Int, ssrc: UInt32, index: UInt64,
                    tagLength: Int) -> Bool {
        withIV(ssrc: ssrc, rtpIndex: index, rtcpIndex: nil) { iv in
            if isGCM {
                return cipher.seal(iv: iv, aad: p, aadCount: header, p + header, count: length - header,
                                   tag: p + length)
            }
            guard cipher.counterXOR(iv: iv, p + header, count: length - header) else { return false }
            hmac!.tag(p, count: length, trailer: UInt32(truncatingIfNeeded: index >> 16), into: p + length,
                      length: tagLength)
            return true
        }
    }

    /// Checks the tag at the end of `p[0..<length]` and decrypts the payload.
    func unprotectRTP(_ p: UnsafeMutablePointer<UInt8>, header: Int, length: Int, ssrc: UInt32, index: UInt64,
                      tagLength: Int) -> Bool {
        let body = length - tagLength
        return withIV(ssrc: ssrc, rtpIndex: index, rtcpIndex: nil) { iv in
            if isGCM {
                return cipher.open(iv: iv, aad: p, aadCount: header, p + header, count: body - header,
                                   tag: p + body)
            }
            guard verify(p, count: body, trailer: UInt32(truncatingIfNeeded: index >> 16), tag: p + body,
                         tagLength: tagLength) else { return false }
            return cipher.counterXOR(iv: iv, p + header, count: body - header)
        }
    }

    // MARK: SRTCP

    /// Encrypts everything after the first 8 bytes and appends E|index and the tag
    /// (AES-CM: E|index then tag; GCM: tag then E|index).
    func protectRTCP(_ p: UnsafeMutablePointer<UInt8>, length: Int, ssrc: UInt32, index: UInt32,
                     tagLength: Int) -> Bool {
        let word = 0x8000_0000 | index
        return withIV(ssrc: ssrc, rtpIndex: nil, rtcpIndex: index) { iv in
            if isGCM {
                store32(word, p + length + tagLength)
                return withAAD(p, word: word) { aad in
                    cipher.seal(iv: iv, aad: aad, aadCount: 12, p + 8, count: length - 8, tag: p + length)
                }
            }
            guard cipher.counterXOR(iv: iv, p + 8, count: length - 8) else { return false }
            store32(word, p + length)
            hmac!.tag(p, count: length + 4, trailer: nil, into: p + length + 4, length: tagLength)
            return true
        }
    }

    /// Checks and decrypts an SRTCP packet whose E|index word is `word`;
    /// returns the RTCP length, nil when the tag does not verify.
    func unprotectRTCP(_ p: UnsafeMutablePointer<UInt8>, length: Int, ssrc: UInt32, word: UInt32,
                       tagLength: Int) -> Int? {
        let encrypted = word & 0x8000_0000 != 0
        let index = word & 0x7fff_ffff
        let plain = length - tagLength - 4
        let ok = withIV(ssrc: ssrc, rtpIndex: nil, rtcpIndex: index) { iv in
            if isGCM {
                // Unencrypted SRTCP under GCM authenticates the whole packet as AAD (RFC 7714 9.2).
                guard encrypted else { return false }
                return withAAD(p, word: word) { aad in
                    cipher.open(iv: iv, aad: aad, aadCount: 12, p + 8, count: plain - 8, tag: p + plain)
                }
            }
            guard verify(p, count: length - tagLength, trailer: nil, tag: p + length - tagLength,
                         tagLength: tagLength) else { return false }
            return !encrypted || cipher.counterXOR(iv: iv, p + 8, count: plain - 8)
        }
        return ok ? plain : nil
    }

    // MARK: Helpers

    private func verify(_ p: UnsafeMutablePointer<UInt8>, count: Int, trailer: UInt32?,
                        tag: UnsafeMutablePointer<UInt8>, tagLength: Int) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { expected in
            hmac!.tag(p, count: count, trailer: trailer, into: expected.baseAddress!, length: tagLength)
            return SRTPHMAC.constantTimeEqual(expected.baseAddress!, tag, count: tagLength)
        }
    }

    /// The 12 bytes of SRTCP GCM AAD: the first 8 header bytes and E|index.
    private func withAAD(_ p: UnsafeMutablePointer<UInt8>, word: UInt32,
                         _ body: (UnsafePointer<UInt8>) -> Bool) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 12) { aad in
            let a = aad.baseAddress!
            a.update(from: p, count: 8)
            store32(word, a + 8)
            return body(a)
        }
    }

    /// The per-packet IV: AES-CM (16 bytes) salt ^ SSRC << 64 ^ index << 16;
    /// GCM (12 bytes) salt ^ (0000 || SSRC || ROC || SEQ) for SRTP and
    /// salt ^ (0000 || SSRC || 0000 || index) for SRTCP.
    private func withIV(ssrc: UInt32, rtpIndex: UInt64?, rtcpIndex: UInt32?,
                        _ body: (UnsafePointer<UInt8>) -> Bool) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { iv in
            let v = iv.baseAddress!
            v.initialize(repeating: 0, count: 16)
            if isGCM {
                store32(ssrc, v + 2)
                if let rtpIndex {
                    store32(UInt32(truncatingIfNeeded: rtpIndex >> 16), v + 6)
                    v[10] = UInt8(truncatingIfNeeded: rtpIndex >> 8)
                    v[11] = UInt8(truncatingIfNeeded: rtpIndex)
                } else if let rtcpIndex {
                    store32(rtcpIndex, v + 8)
                }
                for i in 0..<12 { v[i] ^= salt[i] }
            } else {
                store32(ssrc, v + 4)
                let index = rtpIndex ?? UInt64(rtcpIndex ?? 0)
                for i in 0..<6 { v[8 + i] = UInt8(truncatingIfNeeded: index >> UInt64(40 - 8 * i)) }
                for i in 0..<14 { v[i] ^= salt[i] }
            }
            return body(UnsafePointer(v))
        }
    }

    private func store32(_ value: UInt32, _ p: UnsafeMutablePointer<UInt8>) {
        p[0] = UInt8(truncatingIfNeeded: value >> 24)
        p[1] = UInt8(truncatingIfNeeded: value >> 16)
        p[2] = UInt8(truncatingIfNeeded: value >> 8)
        p[3] = UInt8(truncatingIfNeeded: value)
    }
}
