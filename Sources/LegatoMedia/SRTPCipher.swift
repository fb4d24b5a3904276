internal import CLibcrypto

/// AES-128 keyed once, through OpenSSL's EVP (AES-NI where the CPU has it):
/// counter mode for AES-CM SRTP and key derivation, or GCM for
/// `AEAD_AES_128_GCM`. Each packet re-initialises only the IV, so nothing
/// is allocated per packet.
///
/// Owned by one ``SRTPContext`` (one media worker); not thread-safe.
final class SRTPCipher {
    /// Which AES mode, and for GCM which way.
    enum Mode {
        /// AES-128-CTR with a 16-byte IV (the SRTP AES-CM keystream).
        case counter
        /// AES-128-GCM sealing (encrypt + tag), 12-byte IV.
        case gcmSeal
        /// AES-128-GCM opening (tag check + decrypt), 12-byte IV.
        case gcmOpen
    }

    /// Bytes of a GCM tag as SRTP uses it (RFC 7714: 16).
    static let gcmTagLength = 16

    private let context: OpaquePointer
    let mode: Mode

    /// Keys a cipher with the 16-byte `key`; nil if OpenSSL refuses.
    init?(mode: Mode, key: [UInt8]) {
        guard key.count == 16, let context = EVP_CIPHER_CTX_new() else { return nil }
        self.context = context
        self.mode = mode
        let ok: Int32 = key.withUnsafeBufferPointer { key in
            switch mode {
            case .counter: EVP_EncryptInit_ex(context, EVP_aes_128_ctr(), nil, key.baseAddress, nil)
            case .gcmSeal: EVP_EncryptInit_ex(context, EVP_aes_128_gcm(), nil, key.baseAddress, nil)
            case .gcmOpen: EVP_DecryptInit_ex(context, EVP_aes_128_gcm(), nil, key.baseAddress, nil)
            }
        }
        guard ok == 1 else {
            EVP_CIPHER_CTX_free(context)
            return nil
        }
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// XORs the AES-CTR keystream for the 16-byte `iv` into `count` bytes at `data`, in place.
    func counterXOR(iv: UnsafePointer<UInt8>, _ data: UnsafeMutablePointer<UInt8>, count: Int) -> Bool {
        guard count > 0 else { return true }
        var written: Int32 = 0
        return EVP_EncryptInit_ex(context, nil, nil, nil, iv) == 1
            && EVP_EncryptUpdate(context, data, &written, data, Int32(count)) == 1
    }

    /// Encrypts `count` bytes at `data` in place and writes the 16-byte tag
    /// over `aad` and the ciphertext to `tag`.
    func seal(iv: UnsafePointer<UInt8>, aad: UnsafePointer<UInt8>, aadCount: Int,
              _ data: UnsafeMutablePointer<UInt8>, count: Int, tag: UnsafeMutablePointer<UInt8>) -> Bool {
        var written: Int32 = 0
        guard EVP_EncryptInit_ex(context, nil, nil, nil, iv) == 1,
              EVP_EncryptUpdate(context, nil, &written, aad, Int32(aadCount)) == 1 else { return false }
        if count > 0, EVP_EncryptUpdate(context, data, &written, data, Int32(count)) != 1 { return false }
        guard EVP_EncryptFinal_ex(context, data + count, &written) == 1 else { return false }
        return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(Self.gcmTagLength), tag) == 1
    }

    /// Checks `tag` over `aad` and the ciphertext and decrypts `count` bytes
    /// at `data` in place; false when the tag does not verify (the data is
    /// then unspecified).
    func open(iv: UnsafePointer<UInt8>, aad: UnsafePointer<UInt8>, aadCount: Int,
              _ data: UnsafeMutablePointer<UInt8>, count: Int, tag: UnsafeMutablePointer<UInt8>) -> Bool {
        var written: Int32 = 0
        guard EVP_DecryptInit_ex(context, nil, nil, nil, iv) == 1,
              EVP_DecryptUpdate(context, nil, &written, aad, Int32(aadCount)) == 1 else { return false }
        if count > 0, EVP_DecryptUpdate(context, data, &written, data, Int32(count)) != 1 { return false }
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.gcmTagLength), tag) == 1 else {
            return false
        }
        return EVP_DecryptFinal_ex(context, data + count, &written) == 1
    }
}

/// HMAC-SHA1 with a fixed key (RFC 2104), the SRTP/SRTCP authentication
/// transform: the inner and outer SHA-1 states after the padded key are
/// computed once and copied by value per packet, so a tag costs no
/// allocation and no key processing.
struct SRTPHMAC {
    private let inner: SHA_CTX
    private let outer: SHA_CTX

    /// The HMAC keyed with `key` (at most 64 bytes; SRTP uses 20).
    init(key: [UInt8]) {
        precondition(key.count <= 64)
        var padded = key + [UInt8](repeating: 0, count: 64 - key.count)
        var inner = SHA_CTX()
        var outer = SHA_CTX()
        SHA1_Init(&inner)
        SHA1_Init(&outer)
        for i in padded.indices { padded[i] ^= 0x36 }
        SHA1_Update(&inner, padded, 64)
        for i in padded.indices { padded[i] ^= 0x36 ^ 0x5c }
        SHA1_Update(&outer, padded, 64)
        self.inner = inner
        self.outer = outer
    }

    /// Writes the first `count` (at most 20) bytes of HMAC(`data` || `trailer`)
    /// to `out`; `trailer` is the 4-byte ROC for SRTP, empty for SRTCP.
    func tag(_ data: UnsafeRawPointer, count: Int, trailer: UInt32?, into out: UnsafeMutablePointer<UInt8>, length: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { digest in
            let digestBase = digest.baseAddress!
            var context = inner
            SHA1_Update(&context, data, count)
            if let trailer {
                var bigEndian = trailer.bigEndian
                SHA1_Update(&context, &bigEndian, 4)
            }
            SHA1_Final(digestBase, &context)
            var outerContext = outer
            SHA1_Update(&outerContext, digestBase, 20)
            SHA1_Final(digestBase, &outerContext)
            out.update(from: digestBase, count: min(length, 20))
        }
    }

    /// Whether `count` bytes at `a` and `b` are equal, in time independent of where they differ.
    static func constantTimeEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        CRYPTO_memcmp(a, b, count) == 0
    }
}
