/// Reception statistics of the RTP stream one leg's remote sends, as a value:
/// the sequence-number bookkeeping of RFC 3550 A.1 (wrap-around cycles,
/// dropouts, a source that restarts its numbering), the loss count of A.3
/// and the interarrival jitter of A.8. Fed once per accepted RTP packet on
/// the worker thread; a few integer operations, no allocation.
///
/// A new SSRC starts the statistics over (a transfer or a re-INVITE to
/// another endpoint brings a new source): loss and jitter then describe the
/// current source.
struct RTPReception: Equatable {
    /// RFC 3550 A.1: a jump up to this many is a dropout (packets lost).
    static let maxDropout: UInt16 = 3000
    /// RFC 3550 A.1: a step back of up to this many is a late (misordered) packet.
    static let maxMisorder: UInt16 = 100

    private var started = false
    private var ssrc: UInt32 = 0
    private var baseSequence: UInt32 = 0
    private var maxSequence: UInt16 = 0
    private var cycles: UInt32 = 0
    /// The sequence number after a large jump: the next packet with it
    /// confirms that the source restarted its numbering.
    private var badSequence: UInt32 = 0x1_0000 + 1
    private var received: UInt64 = 0
    private var transit: Int64 = 0
    private var hasTransit = false
    /// RFC 3550 A.8's estimate, in timestamp units scaled by 16.
    private var jitterScaled: Int64 = 0

    init() {}

    /// Counts one packet: its `sequence`, RTP `timestamp` and `ssrc`, and
    /// its arrival time in the same clock's units.
    @inline(__always)
    mutating func observe(sequence: UInt16, timestamp: UInt32, ssrc: UInt32, arrival: Int64) {
        if !started || ssrc != self.ssrc {
            restart(sequence: sequence, ssrc: ssrc)
        } else {
            let delta = sequence &- maxSequence
            if delta < Self.maxDropout {
                if sequence < maxSequence { cycles &+= 1 << 16 }
                maxSequence = sequence
            } else if delta <= UInt16.max - Self.maxMisorder {
                // A very large jump: the source may have restarted.
                if UInt32(sequence) == badSequence {
                    restart(sequence: sequence, ssrc: ssrc)
                } else {
                    badSequence = (UInt32(sequence) + 1) & 0xFFFF
                    return
                }
            }
            // Otherwise a duplicate or late packet: received, no sequence change.
        }
        received &+= 1
        // A.8: D = (Rj − Ri) − (Sj − Si); J += (|D| − J) / 16, kept ×16.
        let now = arrival &- Int64(timestamp)
        if hasTransit {
            var d = now &- transit
            if d < 0 { d = -d }
            jitterScaled &+= d &- ((jitterScaled &+ 8) >> 4)
        }
        transit = now
        hasTransit = true
    }

    private mutating func restart(sequence: UInt16, ssrc: UInt32) {
        started = true
        self.ssrc = ssrc
        baseSequence = UInt32(sequence)
        maxSequence = sequence
        cycles = 0
        badSequence = 0x1_0000 + 1
        received = 0
        hasTransit = false
        jitterScaled = 0
    }

    /// Packets expected from the current source so far (A.3).
    var expected: UInt64 {
        guard started else { return 0 }
        let extendedMax = UInt64(cycles) + UInt64(maxSequence)
        return extendedMax + 1 - UInt64(baseSequence)
    }

    /// Packets of the current source that never arrived (duplicates can make
    /// `received` exceed `expected`: never below zero).
    var lost: UInt64 {
        let e = expected
        return e > received ? e - received : 0
    }

    /// The jitter estimate in milliseconds for a `clockRate` Hz clock; nil
    /// until two packets of the current source arrived.
    func jitterMilliseconds(clockRate: Int) -> Double? {
        guard started, hasTransit, received >= 2, clockRate > 0 else { return nil }
        return Double(jitterScaled) / 16 / Double(clockRate) * 1000
    }
}
