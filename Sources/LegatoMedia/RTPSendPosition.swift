/// Where the RTP stream sent to a leg's remote stands: the SSRC, sequence
/// number and timestamp of the last RTP packet sent to it (relayed, after
/// output processing and before SRTP, or generated) and when. Generated
/// packets (DTMF) continue from here so the remote sees one stream.
struct RTPSendPosition {
    /// The RTP clock of the streams Legato generates into (telephone-event/8000).
    static let clockRate = 8000

    private(set) var ssrc: UInt32 = 0
    private(set) var sequence: UInt16 = 0
    private(set) var timestamp: UInt32 = 0
    /// When it was sent; nil until something was.
    private(set) var at: ContinuousClock.Instant?

    /// Records a relayed packet (plain RTP); a few integer stores.
    @inline(__always)
    mutating func record(_ packet: UnsafeMutableRawBufferPointer, length: Int, at now: ContinuousClock.Instant) {
        let p = UnsafeRawBufferPointer(rebasing: packet[0..<length])
        guard RTPHeader.isRTP(p) else { return }
        ssrc = RTPHeader.ssrc(p)
        sequence = RTPHeader.sequence(p)
        timestamp = RTPHeader.timestamp(p)
        at = now
    }

    /// Records a generated packet; `timestamp` is the stream's clock at `now`
    /// (not necessarily the packet's own timestamp, which for an event is its start).
    mutating func record(ssrc: UInt32, sequence: UInt16, timestamp: UInt32, at now: ContinuousClock.Instant) {
        self.ssrc = ssrc
        self.sequence = sequence
        self.timestamp = timestamp
        at = now
    }

    /// RTP timestamp units in `duration` at `clockRate` (negative durations count as 0).
    static func samples(_ duration: Duration) -> UInt32 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let whole = UInt64(seconds) &* UInt64(clockRate)
        let fraction = UInt64(attoseconds / (1_000_000_000_000_000_000 / Int64(clockRate)))
        return UInt32(truncatingIfNeeded: whole &+ fraction)
    }
}
