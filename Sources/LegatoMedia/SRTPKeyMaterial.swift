import LegatoSDP

/// The SDES master key and master salt for one direction of one leg
/// (RFC 4568 `inline:` key-salt). Each leg gets its own, freshly generated
/// keys for what Legato sends; keys received from a peer are only ever used
/// for that peer's leg, never copied to another leg.
///
/// `description` is redacted so keys do not end up in logs.
public struct SRTPKeyMaterial: Sendable, Equatable {
    /// The suite the material is for; it fixes the lengths.
    public let suite: SRTPSuite
    /// Master key followed by master salt (``SRTPSuite/keyMaterialLength`` bytes).
    public let bytes: [UInt8]

    /// Key material from raw master key + salt bytes; throws
    /// ``SRTPKeyError/wrongLength(suite:expected:actual:)`` unless exactly
    /// ``SRTPSuite/keyMaterialLength`` bytes are given.
    public init(suite: SRTPSuite, bytes: some Collection<UInt8>) throws(SRTPKeyError) {
        guard bytes.count == suite.keyMaterialLength else {
            throw .wrongLength(suite: suite, expected: suite.keyMaterialLength, actual: bytes.count)
        }
        self.suite = suite
        self.bytes = Array(bytes)
    }

    /// Key material from a separate master key and master salt.
    public init(suite: SRTPSuite, masterKey: [UInt8], masterSalt: [UInt8]) throws(SRTPKeyError) {
        guard masterKey.count == suite.masterKeyLength, masterSalt.count == suite.masterSaltLength else {
            throw .wrongLength(suite: suite, expected: suite.keyMaterialLength,
                               actual: masterKey.count + masterSalt.count)
        }
        try self.init(suite: suite, bytes: masterKey + masterSalt)
    }

    /// Key material from the base64 key-salt of an `inline:` key (the part
    /// before any `|lifetime` / `|MKI`). Throws ``SRTPKeyError/invalidBase64``
    /// or ``SRTPKeyError/wrongLength(suite:expected:actual:)``.
    public init(suite: SRTPSuite, inlineKey: some StringProtocol) throws(SRTPKeyError) {
        guard let decoded = SRTPBase64.decode(inlineKey) else { throw .invalidBase64 }
        try self.init(suite: suite, bytes: decoded)
    }

    /// Key material from a peer's `a=crypto` attribute. Accepts a lifetime key
    /// parameter (libsrtp2 enforces the SRTP maximum itself) and the `WSH`
    /// session parameter; refuses an MKI and every other session parameter
    /// (UNENCRYPTED_*, UNAUTHENTICATED_SRTP, KDR, FEC_*), since accepting them
    /// would make the streams undecodable or weaken them.
    public init(crypto: SDPCrypto) throws(SRTPKeyError) {
        guard let suite = SRTPSuite(sdpName: crypto.suite) else { throw .unknownSuite(crypto.suite) }
        for parameter in crypto.keyParameters where parameter.contains(":") {
            throw .unsupportedKeyParameter(parameter)
        }
        for parameter in crypto.sessionParameters where !parameter.hasPrefix("WSH=") {
            throw .unsupportedSessionParameter(parameter)
        }
        try self.init(suite: suite, inlineKey: crypto.keySalt)
    }

    /// Fresh key material for `suite` from the kernel CSPRNG (`getrandom(2)`).
    public static func generate(for suite: SRTPSuite) throws(SRTPKeyError) -> SRTPKeyMaterial {
        try SRTPKeyMaterial(suite: suite, bytes: SRTPRandom.bytes(suite.keyMaterialLength))
    }

    /// The master key (first ``SRTPSuite/masterKeyLength`` bytes).
    public var masterKey: [UInt8] { Array(bytes.prefix(suite.masterKeyLength)) }

    /// The master salt (the remaining ``SRTPSuite/masterSaltLength`` bytes).
    public var masterSalt: [UInt8] { Array(bytes.suffix(suite.masterSaltLength)) }

    /// Base64 of key + salt, the value after `inline:` (padded, 40 characters
    /// for all three suites).
    public var inlineKey: String { SRTPBase64.encode(bytes) }

    /// An `a=crypto` attribute offering or answering with this material.
    public func sdpCrypto(tag: Int) -> SDPCrypto {
        SDPCrypto(tag: tag, suite: suite.sdpName, keySalt: inlineKey)
    }
}

extension SRTPKeyMaterial: CustomStringConvertible, CustomDebugStringConvertible {
    /// The suite only; the key is never printed.
    public var description: String { "SRTPKeyMaterial(\(suite.sdpName), <redacted>)" }
    /// Same as `description`: the key is never printed.
    public var debugDescription: String { description }
}
