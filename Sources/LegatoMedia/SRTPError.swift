/// Why an SRTP context could not be created or a packet could not be
/// protected or unprotected. Any throw from a packet operation means: drop
/// the packet (the buffer contents are then unspecified).
public enum SRTPError: Error, Equatable, Sendable {
    /// The packet's authentication tag did not verify (SRTP/SRTCP auth failure,
    /// or GCM tag mismatch). Counted in ``SRTPContext/authenticationFailures``.
    case authenticationFailed
    /// The packet index was already seen or is older than the replay window
    /// (on protect: the same sequence number was sent twice).
    case replay
    /// The buffer has less room after the packet than the operation may write
    /// (see ``SRTPContext/maximumTrailerLength``), or `length` is out of range.
    case bufferTooSmall(needed: Int, available: Int)
    /// `protect` was called on an inbound context or `unprotect` on an outbound one.
    case wrongDirection
    /// The context was closed.
    case closed
    /// The suite cannot be used with this libsrtp2 build (GCM without a GCM backend).
    case unsupportedSuite(SRTPSuite)
    /// The key material is for a different suite than the one asked for.
    case keyMismatch
    /// Any other libsrtp2 status (`srtp_err_status_t` value), e.g. 2 for a
    /// malformed (too short) packet.
    case other(code: Int32)
}
