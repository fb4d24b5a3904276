/// How generated RFC 4733 digits are paced.
///
/// Per digit: a start packet (marker bit, duration one interval) at the
/// event's start, then one packet every `interval` with the duration so far,
/// the last one at `duration` with the E bit, sent `endPackets` times in all
/// (again every `interval`, same duration, new sequence numbers). The next
/// digit starts `duration + gap` after the previous one started (later if the
/// end packets need longer); a pause (`p`) takes `pause`.
///
/// Defaults: 20 ms interval (the audio packet rate, so the event replaces
/// audio packet for packet), 100 ms digits (800 samples at 8 kHz), 50 ms
/// gaps, 500 ms pauses, three end packets, volume 10 (−10 dBm0).
struct DTMFTiming: Sendable, Equatable {
    var interval: Duration = .milliseconds(20)
    var duration: Duration = .milliseconds(100)
    var gap: Duration = .milliseconds(50)
    var pause: Duration = .milliseconds(500)
    var endPackets = 3
    var volume: UInt8 = 10

    /// Packets carrying a growing duration, the first end packet included.
    var updatePackets: Int {
        let n = duration / interval
        return max(1, Int(n.rounded(.up)))
    }

    /// All packets of one digit.
    var packetsPerDigit: Int { updatePackets + max(1, endPackets) - 1 }

    /// From a digit's start to the next element's start.
    var digitSlot: Duration { max(duration + gap, interval * packetsPerDigit) }

    /// RTP units of the whole digit.
    var durationSamples: UInt16 { UInt16(clamping: RTPSendPosition.samples(duration)) }

    /// The duration field of packet `index` (0-based) of a digit.
    func durationField(packet index: Int) -> UInt16 {
        let sofar = RTPSendPosition.samples(interval * (index + 1))
        return UInt16(clamping: min(sofar, UInt32(durationSamples)))
    }
}
