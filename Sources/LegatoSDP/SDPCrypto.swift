/// One SDES `a=crypto` attribute (RFC 4568 section 9.1):
/// `tag suite inline:key-salt[|lifetime][|MKI:len] [session-params]`.
public struct SDPCrypto: Sendable, Equatable {
    /// The decimal tag (0–999999999) that an answer echoes to pick this offer line.
    public var tag: Int
    /// `AES_CM_128_HMAC_SHA1_80`, `AES_CM_128_HMAC_SHA1_32`, `AEAD_AES_128_GCM`…
    public var suite: String
    /// Base64 of the master key followed by the master salt.
    public var keySalt: String
    /// `|2^31`, `|1:4`… kept as written (without the leading `|`).
    public var keyParameters: [String]
    /// Session parameters after the key field (`UNENCRYPTED_SRTCP`…), kept as written.
    public var sessionParameters: [String]

    /// An attribute from its fields; no field is checked.
    public init(tag: Int, suite: String, keySalt: String, keyParameters: [String] = [], sessionParameters: [String] = []) {
        self.tag = tag
        self.suite = suite
        self.keySalt = keySalt
        self.keyParameters = keyParameters
        self.sessionParameters = sessionParameters
    }

    /// Parses the value of an `a=crypto:` line; nil when it is not well formed.
    public init?(attributeValue: Substring) {
        let fields = attributeValue.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 3, let tag = Int(fields[0]), (0...999_999_999).contains(tag) else { return nil }
        let keyField = fields[2]
        guard keyField.hasPrefix("inline:") else { return nil }
        // Only the first key is used; more than one key (separated by ';') is rare and refused.
        guard !keyField.contains(";") else { return nil }
        let parts = keyField.dropFirst("inline:".count).split(separator: "|", omittingEmptySubsequences: false)
        guard let key = parts.first, !key.isEmpty else { return nil }
        self.init(tag: tag, suite: String(fields[1]), keySalt: String(key),
                  keyParameters: parts.dropFirst().map(String.init),
                  sessionParameters: fields.dropFirst(3).map(String.init))
    }

    /// The value for an `a=crypto:` line.
    public var attributeValue: String {
        var key = "inline:" + keySalt
        for p in keyParameters { key += "|" + p }
        return ([String(tag), suite, key] + sessionParameters).joined(separator: " ")
    }
}

extension MediaSection {
    /// The well-formed `a=crypto` attributes of the section, in offer order.
    public var cryptos: [SDPCrypto] {
        attributes("crypto").compactMap { SDPCrypto(attributeValue: $0) }
    }
}
