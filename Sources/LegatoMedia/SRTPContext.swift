internal import CLibcrypto

/// One direction of one leg's SRTP (RFC 3711; AEAD_AES_128_GCM per RFC 7714):
/// an `inbound` context unprotects what the peer sends (with the peer's key),
/// an `outbound` context protects what Legato sends to the peer (with the key
/// Legato generated for that leg). Packets are processed in place, without
/// allocating.
///
/// The transforms are Legato's own on OpenSSL's libcrypto (AES-CTR / AES-GCM
/// through EVP, HMAC-SHA1 from precomputed SHA-1 states); libsrtp2 stays the
/// reference they are tested against (known-answer vectors and packets
/// exchanged both ways).
///
/// Ownership: a context belongs to the single media worker that relays its
/// leg; it is deliberately not `Sendable`. Create it anywhere and hand it to
/// the worker with `sending` (it must not be used by the creator afterwards);
/// from then on only that worker's thread touches it, including ``close()`` / deinit.
///
/// State is kept per SSRC (rollover counter, replay windows, SRTCP index);
/// a stream is created on protect, or on the first packet of that SSRC that
/// authenticates, never per packet. At most ``maximumStreams`` SSRCs are
/// remembered; the oldest is forgotten beyond that.
public final class SRTPContext {
    /// Which way packets go through the context.
    public enum Direction: Sendable, Equatable {
        /// Received from the peer: ``SRTPContext/unprotect(_:length:)`` / ``SRTPContext/unprotectRTCP(_:length:)``.
        case inbound
        /// Sent to the peer: ``SRTPContext/protect(_:length:)`` / ``SRTPContext/protectRTCP(_:length:)``.
        case outbound
    }

    /// Room that must follow an RTP packet in its buffer for ``protect(_:length:)``
    /// (libsrtp2's `SRTP_MAX_TRAILER_LEN`, maximum tag + maximum MKI, kept so
    /// buffers stay interchangeable with libsrtp2's).
    public static let maximumTrailerLength = 144

    /// Room that must follow an RTCP packet for ``protectRTCP(_:length:)``:
    /// the trailer plus the 4-byte E flag / SRTCP index.
    public static let maximumRTCPTrailerLength = maximumTrailerLength + 4

    /// SSRCs remembered per context.
    public static let maximumStreams = 16

    /// Inbound or outbound.
    public let direction: Direction
    /// The negotiated suite.
    public let suite: SRTPSuite
    /// Packets (RTP and RTCP) dropped because their authentication tag did not verify.
    public private(set) var authenticationFailures = 0
    /// Packets (RTP and RTCP) dropped by the replay check.
    public private(set) var replays = 0

    private var rtp: SRTPTransform?
    private var rtcp: SRTPTransform?
    private let replayWindow: Int
    private var streams: [SRTPStream] = []

    /// Derives the session keys for `keys` (which fix the suite).
    /// `replayWindow` is the SRTP replay window in packets (64...32768).
    public init(direction: Direction, keys: SRTPKeyMaterial, replayWindow: Int = 128) throws(SRTPError) {
        guard (64...32768).contains(replayWindow) else { throw .other(code: 2) }
        self.direction = direction
        self.suite = keys.suite
        self.replayWindow = replayWindow
        guard let rtp = SRTPTransform(keys: keys, labels: .rtp, direction: direction),
              let rtcp = SRTPTransform(keys: keys, labels: .rtcp, direction: direction) else {
            throw .other(code: 8) // srtp_err_status_cipher_fail
        }
        self.rtp = rtp
        self.rtcp = rtcp
        // No reserve: a leg nearly always carries one SSRC, and 16 reserved
        // streams cost about 0.7 kB per context; a new SSRC grows the array once.
    }

    /// Frees the keys now; later packet calls throw ``SRTPError/closed``.
    public func close() {
        rtp = nil
        rtcp = nil
        streams = []
    }

    /// True until ``close()``.
    public var isOpen: Bool { rtp != nil }

    /// Encrypts and authenticates the RTP packet in `buffer[0..<length]` in
    /// place; `length` grows by the tag. `buffer` must have at least
    /// ``maximumTrailerLength`` bytes after the packet. Outbound only.
    public func protect(_ buffer: UnsafeMutableRawBufferPointer, length: inout Int) throws(SRTPError) {
        let (transform, base) = try prepare(buffer, length, expected: .outbound, trailer: Self.maximumTrailerLength,
                                            transform: rtp)
        let header = try rtpHeaderLength(base, length)
        let ssrc = load32(base + 8)
        let sequence = UInt16(base[2]) << 8 | UInt16(base[3])
        let slot = stream(for: ssrc, create: true)!
        let index = SRTPPacketIndex.estimate(sequence: sequence, highest: streams[slot].highestRTP)
        switch streams[slot].rtp.check(index) {
        case .fresh: break
        case .replayed, .tooOld: throw .replay
        }
        guard transform.protectRTP(base, header: header, length: length, ssrc: ssrc, index: index,
                                   tagLength: suite.rtpAuthTagLength) else { throw .other(code: 8) }
        streams[slot].rtp.accept(index)
        length += suite.rtpAuthTagLength
    }

    /// Verifies and decrypts the SRTP packet in `buffer[0..<length]` in place;
    /// `length` shrinks to the RTP packet. On a throw the packet must be dropped.
    /// Inbound only.
    public func unprotect(_ buffer: UnsafeMutableRawBufferPointer, length: inout Int) throws(SRTPError) {
        let (transform, base) = try prepare(buffer, length, expected: .inbound, trailer: 0, transform: rtp)
        let tagLength = suite.rtpAuthTagLength
        let header = try rtpHeaderLength(base, length)
        guard length - header >= tagLength else { throw .other(code: 2) }
        let ssrc = load32(base + 8)
        let sequence = UInt16(base[2]) << 8 | UInt16(base[3])
        let slot = stream(for: ssrc, create: false)
        let highest = slot.flatMap { streams[$0].highestRTP }
        let index = SRTPPacketIndex.estimate(sequence: sequence, highest: highest)
        if let slot {
            switch streams[slot].rtp.check(index) {
            case .fresh: break
            case .replayed, .tooOld:
                replays += 1
                throw .replay
            }
        }
        guard transform.unprotectRTP(base, header: header, length: length, ssrc: ssrc, index: index,
                                     tagLength: tagLength) else {
            authenticationFailures += 1
            throw .authenticationFailed
        }
        let accepted = slot ?? stream(for: ssrc, create: true)!
        streams[accepted].rtp.accept(index)
        length -= tagLength
    }

    /// Encrypts and authenticates the RTCP compound packet in place; `length`
    /// grows by the SRTCP index and tag. `buffer` must have at least
    /// ``maximumRTCPTrailerLength`` bytes after the packet. Outbound only.
    public func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: inout Int) throws(SRTPError) {
        let (transform, base) = try prepare(buffer, length, expected: .outbound,
                                            trailer: Self.maximumRTCPTrailerLength, transform: rtcp)
        guard length >= 8 else { throw .other(code: 2) }
        let ssrc = load32(base + 4)
        let slot = stream(for: ssrc, create: true)!
        let index = (streams[slot].rtcpSent &+ 1) & 0x7fff_ffff
        guard transform.protectRTCP(base, length: length, ssrc: ssrc, index: index,
                                    tagLength: suite.rtcpAuthTagLength) else { throw .other(code: 8) }
        streams[slot].rtcpSent = index
        length += 4 + suite.rtcpAuthTagLength
    }

    /// Verifies and decrypts the SRTCP packet in place; `length` shrinks to
    /// the RTCP packet. On a throw the packet must be dropped. Inbound only.
    public func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: inout Int) throws(SRTPError) {
        let (transform, base) = try prepare(buffer, length, expected: .inbound, trailer: 0, transform: rtcp)
        let tagLength = suite.rtcpAuthTagLength
        guard length >= 8 + 4 + tagLength else { throw .other(code: 2) }
        let ssrc = load32(base + 4)
        let trailerOffset = suite == .aeadAES128GCM ? length - 4 : length - tagLength - 4
        let word = load32(base + trailerOffset)
        let index = word & 0x7fff_ffff
        let slot = stream(for: ssrc, create: false)
        if let slot {
            switch streams[slot].rtcp.check(UInt64(index)) {
            case .fresh: break
            case .replayed, .tooOld:
                replays += 1
                throw .replay
            }
        }
        guard let plainLength = transform.unprotectRTCP(base, length: length, ssrc: ssrc, word: word,
                                                        tagLength: tagLength) else {
            authenticationFailures += 1
            throw .authenticationFailed
        }
        let accepted = slot ?? stream(for: ssrc, create: true)!
        streams[accepted].rtcp.accept(UInt64(index))
        length = plainLength
    }

    // MARK: - Packet plumbing

    private func prepare(
        _ buffer: UnsafeMutableRawBufferPointer, _ length: Int, expected: Direction, trailer: Int,
        transform: SRTPTransform?
    ) throws(SRTPError) -> (SRTPTransform, UnsafeMutablePointer<UInt8>) {
        guard let transform else { throw .closed }
        guard direction == expected else { throw .wrongDirection }
        guard length >= 0, length <= Int(Int32.max) - trailer, buffer.count - trailer >= length,
              let base = buffer.baseAddress else {
            throw .bufferTooSmall(needed: max(length, 0) + trailer, available: buffer.count)
        }
        return (transform, base.assumingMemoryBound(to: UInt8.self))
    }

    /// The RTP header's length (fixed part, CSRCs, extension), checked against `length`.
    private func rtpHeaderLength(_ base: UnsafeMutablePointer<UInt8>, _ length: Int) throws(SRTPError) -> Int {
        guard length >= 12, base[0] >> 6 == 2 else { throw .other(code: 2) }
        var header = 12 + 4 * Int(base[0] & 0x0f)
        if base[0] & 0x10 != 0 {
            guard length >= header + 4 else { throw .other(code: 2) }
            header += 4 + 4 * (Int(base[header + 2]) << 8 | Int(base[header + 3]))
        }
        guard header <= length else { throw .other(code: 2) }
        return header
    }

    private func load32(_ p: UnsafeMutablePointer<UInt8>) -> UInt32 {
        UInt32(p[0]) << 24 | UInt32(p[1]) << 16 | UInt32(p[2]) << 8 | UInt32(p[3])
    }

    /// The slot of `ssrc`'s stream; with `create`, made (forgetting the oldest when full).
    private func stream(for ssrc: UInt32, create: Bool) -> Int? {
        for i in streams.indices where streams[i].ssrc == ssrc { return i }
        guard create else { return nil }
        if streams.count == Self.maximumStreams { streams.removeFirst() }
        streams.append(SRTPStream(ssrc: ssrc, window: replayWindow))
        return streams.count - 1
    }
}

/// Not Sendable: one media worker owns each context (see ``SRTPContext``).
@available(*, unavailable)
extension SRTPContext: Sendable {}

/// What a context remembers of one SSRC.
struct SRTPStream {
    let ssrc: UInt32
    /// Accepted SRTP indices (48-bit, ROC << 16 | seq).
    var rtp: SRTPReplayWindow
    /// Accepted SRTCP indices (31-bit).
    var rtcp: SRTPReplayWindow
    /// The last SRTCP index sent (outbound).
    var rtcpSent: UInt32 = 0

    init(ssrc: UInt32, window: Int) {
        self.ssrc = ssrc
        rtp = SRTPReplayWindow(size: window)
        rtcp = SRTPReplayWindow(size: window)
    }

    /// The highest accepted SRTP index, nil before the first.
    var highestRTP: UInt64? { rtp.isEmpty ? nil : rtp.highest }
}
