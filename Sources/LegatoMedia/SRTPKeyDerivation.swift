/// The session keys of one SRTP or SRTCP direction, derived from the master
/// key and salt with the AES-CM PRF (RFC 3711 section 4.3, key derivation
/// rate 0; RFC 7714 section 11 uses the same PRF for GCM).
struct SRTPSessionKeys {
    /// The AES-128 session key.
    let cipherKey: [UInt8]
    /// The session salt: 14 bytes for AES-CM, 12 for GCM.
    let salt: [UInt8]
    /// The HMAC-SHA1 session key (20 bytes); empty for GCM.
    let authKey: [UInt8]

    /// Label of the first key of each set (RFC 3711 4.3.2): 0 for SRTP, 3 for SRTCP;
    /// the cipher key, auth key and salt use `base`, `base + 1`, `base + 2`.
    enum Labels: UInt8 {
        case rtp = 0
        case rtcp = 3
    }

    /// Derives the keys for `labels` from `keys`; nil if the cipher cannot be set up.
    init?(keys: SRTPKeyMaterial, labels: Labels) {
        let suite = keys.suite
        // The PRF is AES-CM keyed with the master key; its IV is the 112-bit
        // master salt (a 96-bit GCM salt padded with zeros) with the label
        // XORed into byte 7 (`label || r` with r = 0), times 2^16.
        guard let prf = SRTPCipher(mode: .counter, key: keys.masterKey) else { return nil }
        var salt = keys.masterSalt
        salt += [UInt8](repeating: 0, count: 14 - salt.count)
        func derive(_ label: UInt8, count: Int) -> [UInt8]? {
            var iv = salt + [0, 0]
            iv[7] ^= label
            var out = [UInt8](repeating: 0, count: count)
            let ok = iv.withUnsafeBufferPointer { iv in
                out.withUnsafeMutableBufferPointer { out in
                    prf.counterXOR(iv: iv.baseAddress!, out.baseAddress!, count: count)
                }
            }
            return ok ? out : nil
        }
        let base = labels.rawValue
        guard let cipherKey = derive(base, count: suite.masterKeyLength),
              let salt = derive(base + 2, count: suite.masterSaltLength) else { return nil }
        self.cipherKey = cipherKey
        self.salt = salt
        if suite == .aeadAES128GCM {
            authKey = []
        } else {
            guard let authKey = derive(base + 1, count: 20) else { return nil }
            self.authKey = authKey
        }
    }
}
