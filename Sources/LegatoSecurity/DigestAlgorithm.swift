/// The digest algorithms Legato offers and verifies (RFC 7616 §3.2), in the
/// order of its challenges: MD5 first, because many SIP user agents read only
/// the first WWW-Authenticate header and know no other algorithm; SHA-256
/// second for those that pick the strongest they support.
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    /// MD5 (RFC 2617 clients).
    case md5 = "MD5"
    /// SHA-256.
    case sha256 = "SHA-256"

    /// Lowercase hex digest of `text`.
    public func hash(_ text: String) -> String {
        switch self {
        case .md5: return DigestHash.md5(Array(text.utf8)).hex
        case .sha256: return DigestHash.sha256(Array(text.utf8)).hex
        }
    }

    /// Hex length of this algorithm's digests.
    public var hexLength: Int { self == .md5 ? 32 : 64 }
}

extension Sequence where Element == UInt8 {
    var hex: String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xf)])
        }
        return text
    }
}

/// Compares two strings in time that depends only on their lengths.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    var difference = UInt8(x.count == y.count ? 0 : 1)
    for index in 0..<max(x.count, y.count) {
        difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
    }
    return difference == 0
}
