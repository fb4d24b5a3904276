/// RFC 4733 §2.3 telephone-event payload: one 4-byte event block.
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |     event     |E|R| volume    |          duration             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
struct TelephoneEvent: Equatable {
    /// Size of one event block.
    static let size = 4

    /// Event code (0–15 are DTMF digits).
    var event: UInt8
    /// E bit: the last packet(s) of the event.
    var end: Bool
    /// Power level in −dBm0 (0–63).
    var volume: UInt8
    /// Duration so far, in RTP timestamp units.
    var duration: UInt16

    /// Reads the first event block of `payload`; nil when shorter than 4 bytes.
    @inline(__always)
    static func parse(_ payload: UnsafeRawBufferPointer) -> TelephoneEvent? {
        guard payload.count >= size else { return nil }
        return TelephoneEvent(event: payload[0], end: payload[1] & 0x80 != 0, volume: payload[1] & 0x3F,
                              duration: UInt16(payload[2]) << 8 | UInt16(payload[3]))
    }

    /// Writes the block to the first 4 bytes of `payload` (R bit clear).
    @inline(__always)
    func write(to payload: UnsafeMutableRawBufferPointer) {
        payload[0] = event
        payload[1] = (end ? 0x80 : 0) | (volume & 0x3F)
        payload[2] = UInt8(duration >> 8)
        payload[3] = UInt8(duration & 0xFF)
    }
}

/// Reading and writing the fixed RTP header (RFC 3550 §5.1) in place.
enum RTPHeader {
    /// The fixed header without CSRCs.
    static let size = 12

    /// True for a version-2 packet long enough for the fixed header.
    @inline(__always)
    static func isRTP(_ p: UnsafeRawBufferPointer) -> Bool { p.count >= size && p[0] & 0xC0 == 0x80 }

    @inline(__always) static func payloadType(_ p: UnsafeRawBufferPointer) -> UInt8 { p[1] & 0x7F }
    @inline(__always) static func marker(_ p: UnsafeRawBufferPointer) -> Bool { p[1] & 0x80 != 0 }
    @inline(__always) static func sequence(_ p: UnsafeRawBufferPointer) -> UInt16 { UInt16(p[2]) << 8 | UInt16(p[3]) }
    @inline(__always) static func timestamp(_ p: UnsafeRawBufferPointer) -> UInt32 { read32(p, 4) }
    @inline(__always) static func ssrc(_ p: UnsafeRawBufferPointer) -> UInt32 { read32(p, 8) }

    /// The payload's byte range (after CSRCs and any header extension, before
    /// padding); nil when the lengths do not add up.
    @inline(__always)
    static func payloadRange(_ p: UnsafeRawBufferPointer) -> Range<Int>? {
        guard isRTP(p) else { return nil }
        var start = size + 4 * Int(p[0] & 0x0F)
        if p[0] & 0x10 != 0 {
            guard p.count >= start + 4 else { return nil }
            start += 4 + 4 * (Int(p[start + 2]) << 8 | Int(p[start + 3]))
        }
        var end = p.count
        if p[0] & 0x20 != 0 {
            guard end > start else { return nil }
            end -= Int(p[end - 1])
        }
        return start <= end ? start..<end : nil
    }

    /// Writes a fixed header (no CSRC, no extension, no padding).
    @inline(__always)
    static func write(to p: UnsafeMutableRawBufferPointer, marker: Bool, payloadType: UInt8,
                      sequence: UInt16, timestamp: UInt32, ssrc: UInt32) {
        p[0] = 0x80
        p[1] = (marker ? 0x80 : 0) | (payloadType & 0x7F)
        setSequence(p, sequence)
        write32(p, 4, timestamp)
        write32(p, 8, ssrc)
    }

    @inline(__always)
    static func setSequence(_ p: UnsafeMutableRawBufferPointer, _ sequence: UInt16) {
        p[2] = UInt8(sequence >> 8)
        p[3] = UInt8(sequence & 0xFF)
    }

    @inline(__always)
    private static func read32(_ p: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        UInt32(p[at]) << 24 | UInt32(p[at + 1]) << 16 | UInt32(p[at + 2]) << 8 | UInt32(p[at + 3])
    }

    @inline(__always)
    private static func write32(_ p: UnsafeMutableRawBufferPointer, _ at: Int, _ value: UInt32) {
        p[at] = UInt8(value >> 24)
        p[at + 1] = UInt8((value >> 16) & 0xFF)
        p[at + 2] = UInt8((value >> 8) & 0xFF)
        p[at + 3] = UInt8(value & 0xFF)
    }
}
