/// An SRTP crypto suite negotiated with SDES (`a=crypto`, RFC 4568).
///
/// The raw value is the suite name as written in SDP. Only the suites Legato
/// implements are listed; all three, `AEAD_AES_128_GCM` (RFC 7714) included,
/// are always available (``isSupported``).
public enum SRTPSuite: String, CaseIterable, Sendable {
    /// AES-128 counter mode, HMAC-SHA1 with an 80-bit tag (RFC 4568 6.2.1).
    case aesCM128HMACSHA1_80 = "AES_CM_128_HMAC_SHA1_80"
    /// AES-128 counter mode, HMAC-SHA1 with a 32-bit SRTP tag (RFC 4568 6.2.2).
    /// SRTCP still uses the 80-bit tag with this suite.
    case aesCM128HMACSHA1_32 = "AES_CM_128_HMAC_SHA1_32"
    /// AES-128 in Galois/Counter Mode with a 128-bit tag (RFC 7714 section 14.2).
    case aeadAES128GCM = "AEAD_AES_128_GCM"

    /// The suite for an SDP crypto-suite name; nil for names Legato does not
    /// implement. Names are matched exactly (they are registered in upper case).
    public init?(sdpName: some StringProtocol) {
        self.init(rawValue: String(sdpName))
    }

    /// The name written in the `a=crypto` attribute.
    public var sdpName: String { rawValue }

    /// Length of the master key in bytes (16 for all three suites).
    public var masterKeyLength: Int { 16 }

    /// Length of the master salt in bytes: 14 for AES-CM (112 bits), 12 for GCM (96 bits).
    public var masterSaltLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32: 14
        case .aeadAES128GCM: 12
        }
    }

    /// Length of the `inline:` key material (master key followed by master salt):
    /// 30 bytes for AES-CM, 28 bytes for GCM.
    public var keyMaterialLength: Int { masterKeyLength + masterSaltLength }

    /// Bytes of authentication tag that SRTP appends to each RTP packet.
    public var rtpAuthTagLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80: 10
        case .aesCM128HMACSHA1_32: 4
        case .aeadAES128GCM: 16
        }
    }

    /// Bytes of authentication tag that SRTCP appends to each RTCP packet (after
    /// the 4-byte E flag + SRTCP index).
    public var rtcpAuthTagLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32: 10
        case .aeadAES128GCM: 16
        }
    }

    /// Whether this process can run the suite: always true since the SRTP
    /// transforms are Legato's own on OpenSSL's libcrypto, which has AES-GCM
    /// (libsrtp2 as Debian builds it on NSS could not always be relied on for it).
    public var isSupported: Bool { true }

    /// The suites this process can use, in declaration order.
    public static var supported: [SRTPSuite] { allCases.filter(\.isSupported) }
}
