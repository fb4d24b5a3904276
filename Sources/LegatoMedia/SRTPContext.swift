internal import CSRTP

/// One direction of one leg's SRTP: an `inbound` context unprotects what the
/// peer sends (with the peer's key), an `outbound` context protects what
/// Legato sends to the peer (with the key Legato generated for that leg).
/// Packets are processed in place, without allocating.
///
/// Ownership: a context belongs to the single media worker that relays its
/// leg; libsrtp2 sessions are not thread-safe, so it is deliberately not
/// `Sendable`. Create it anywhere and hand it to the worker with `sending`
/// (it must not be used by the creator afterwards); from then on only that
/// worker's thread touches it, including ``close()`` / deinit.
///
/// libsrtp2 allocates one stream per new SSRC (on protect, or on the first
/// packet of that SSRC that authenticates), never per packet.
public final class SRTPContext {
    /// Which way packets go through the context.
    public enum Direction: Sendable, Equatable {
        /// Received from the peer: ``SRTPContext/unprotect(_:length:)`` / ``SRTPContext/unprotectRTCP(_:length:)``.
        case inbound
        /// Sent to the peer: ``SRTPContext/protect(_:length:)`` / ``SRTPContext/protectRTCP(_:length:)``.
        case outbound
    }

    /// Room that must follow an RTP packet in its buffer for ``protect(_:length:)``
    /// (libsrtp2's `SRTP_MAX_TRAILER_LEN`: maximum tag + maximum MKI).
    public static let maximumTrailerLength = Int(SRTP_MAX_TRAILER_LEN)

    /// Room that must follow an RTCP packet for ``protectRTCP(_:length:)``:
    /// the trailer plus the 4-byte E flag / SRTCP index.
    public static let maximumRTCPTrailerLength = Int(SRTP_MAX_TRAILER_LEN) + 4

    /// Inbound or outbound.
    public let direction: Direction
    /// The negotiated suite.
    public let suite: SRTPSuite
    /// Packets (RTP and RTCP) dropped because their authentication tag did not verify.
    public private(set) var authenticationFailures = 0
    /// Packets (RTP and RTCP) dropped by the replay check.
    public private(set) var replays = 0

    private var session: srtp_t?

    /// Creates the libsrtp2 session for `keys` (which fix the suite).
    /// `replayWindow` is the SRTP replay window in packets (64...32768).
    public init(direction: Direction, keys: SRTPKeyMaterial, replayWindow: Int = 128) throws(SRTPError) {
        try SRTPLibrary.ensureInitialized()
        guard keys.suite.isSupported else { throw .unsupportedSuite(keys.suite) }
        self.direction = direction
        self.suite = keys.suite
        var policy = SRTPLibrary.makePolicy(suite: keys.suite, inbound: direction == .inbound,
                                            replayWindow: replayWindow)
        var key = keys.bytes // libsrtp2 wants a mutable pointer; it derives session keys and keeps no reference.
        var created: srtp_t?
        let status = key.withUnsafeMutableBufferPointer { key in
            policy.key = key.baseAddress
            let status = srtp_create(&created, &policy)
            key.update(repeating: 0)
            return status
        }
        guard status == srtp_err_status_ok, let created else {
            if let created { _ = srtp_dealloc(created) }
            throw .other(code: Int32(bitPattern: status.rawValue))
        }
        session = created
    }

    deinit {
        if let session { _ = srtp_dealloc(session) }
    }

    /// Frees the libsrtp2 session now; later packet calls throw ``SRTPError/closed``.
    public func close() {
        if let session { _ = srtp_dealloc(session) }
        session = nil
    }

    /// True until ``close()``.
    public var isOpen: Bool { session != nil }

    /// Encrypts and authenticates the RTP packet in `buffer[0..<length]` in
    /// place; `length` grows by the tag. `buffer` must have at least
    /// ``maximumTrailerLength`` bytes after the packet. Outbound only.
    public func protect(_ buffer: UnsafeMutableRawBufferPointer, length: inout Int) throws(SRTPError) {
        try run(buffer, &length, expected: .outbound, trailer: Self.maximumTrailerLength, srtp_protect)
    }

    /// Verifies and decrypts the SRTP packet in `buffer[0..<length]` in place;
    /// `length` shrinks to the RTP packet. On a throw the packet must be dropped.
    /// Inbound only.
    public func unprotect(_ buffer: UnsafeMutableRawBufferPointer, length: inout Int) throws(SRTPError) {
        try run(buffer, &length, expected: .inbound, trailer: 0, srtp_unprotect)
    }

    /// Encrypts and authenticates the RTCP compound packet in place; `length`
    /// grows by the SRTCP index and tag. `buffer` must have at least
    /// ``maximumRTCPTrailerLength`` bytes after the packet. Outbound only.
    public func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: inout Int) throws(SRTPError) {
        try run(buffer, &length, expected: .outbound, trailer: Self.maximumRTCPTrailerLength, srtp_protect_rtcp)
    }

    /// Verifies and decrypts the SRTCP packet in place; `length` shrinks to
    /// the RTCP packet. On a throw the packet must be dropped. Inbound only.
    public func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: inout Int) throws(SRTPError) {
        try run(buffer, &length, expected: .inbound, trailer: 0, srtp_unprotect_rtcp)
    }

    private func run(
        _ buffer: UnsafeMutableRawBufferPointer, _ length: inout Int, expected: Direction, trailer: Int,
        _ operation: (srtp_t?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?) -> srtp_err_status_t
    ) throws(SRTPError) {
        guard let session else { throw .closed }
        guard direction == expected else { throw .wrongDirection }
        guard length >= 0, length <= Int(Int32.max) - trailer, buffer.count - trailer >= length,
              let base = buffer.baseAddress else {
            throw .bufferTooSmall(needed: max(length, 0) + trailer, available: buffer.count)
        }
        var cLength = Int32(length)
        let status = operation(session, base, &cLength)
        if status == srtp_err_status_ok {
            length = Int(cLength)
            return
        }
        throw classify(status)
    }

    private func classify(_ status: srtp_err_status_t) -> SRTPError {
        switch status {
        // GCM tag mismatches also arrive as auth_fail (the NSS backend Debian
        // links maps NSS's SEC_ERROR_BAD_DATA to it); other NSS failures are
        // cipher_fail and surface as `.other(code: 8)` — dropped all the same.
        case srtp_err_status_auth_fail:
            authenticationFailures += 1
            return .authenticationFailed
        case srtp_err_status_replay_fail, srtp_err_status_replay_old:
            replays += 1
            return .replay
        default:
            return .other(code: Int32(bitPattern: status.rawValue))
        }
    }
}

/// Not Sendable: one media worker owns each context (see ``SRTPContext``).
@available(*, unavailable)
extension SRTPContext: Sendable {}
