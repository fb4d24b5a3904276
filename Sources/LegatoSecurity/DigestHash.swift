internal import CLibcrypto

/// MD5, SHA-256 and HMAC-SHA-256 for digest authentication, from OpenSSL's
/// libcrypto (already linked for SRTP), one-shot and allocation-light.
enum DigestHash {
    /// MD5 of `bytes` (16 bytes).
    static func md5(_ bytes: [UInt8]) -> [UInt8] { digest(bytes, EVP_md5(), length: 16) }

    /// SHA-256 of `bytes` (32 bytes).
    static func sha256(_ bytes: [UInt8]) -> [UInt8] { digest(bytes, EVP_sha256(), length: 32) }

    /// HMAC-SHA-256 of `bytes` under `key` (32 bytes).
    static func hmacSHA256(_ bytes: [UInt8], key: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = key.withUnsafeBytes { key in
            bytes.withUnsafeBufferPointer { data in
                HMAC(EVP_sha256(), key.baseAddress, Int32(key.count), data.baseAddress, data.count, &out, &length)
            }
        }
        return out
    }

    private static func digest(_ bytes: [UInt8], _ type: OpaquePointer?, length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        var written: UInt32 = 0
        _ = bytes.withUnsafeBufferPointer { data in
            EVP_Digest(data.baseAddress, data.count, &out, &written, type, nil)
        }
        return out
    }
}
