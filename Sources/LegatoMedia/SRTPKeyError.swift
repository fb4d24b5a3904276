/// Why SRTP key material could not be made or read from SDP.
public enum SRTPKeyError: Error, Equatable, Sendable {
    /// The key material has the wrong length for the suite (master key + salt).
    case wrongLength(suite: SRTPSuite, expected: Int, actual: Int)
    /// The `inline:` value is not valid base64.
    case invalidBase64
    /// The `a=crypto` suite name is not one Legato implements.
    case unknownSuite(String)
    /// A key parameter Legato does not support (an MKI, or more than one key).
    case unsupportedKeyParameter(String)
    /// An SDES session parameter Legato does not support (UNENCRYPTED_SRTP, KDR, FEC_ORDER…).
    case unsupportedSessionParameter(String)
    /// The operating system's secure random source failed (errno value).
    case randomSourceFailed(errno: Int32)
}
