import Testing
@testable import LegatoMedia

/// An RFC 4733 telephone-event RTP packet.
func telephoneEventPacket(payloadType: UInt8 = 101, sequence: UInt16, timestamp: UInt32, ssrc: UInt32 = 0x1234_5678,
                          marker: Bool = false, event: UInt8, end: Bool, duration: UInt16) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 16)
    bytes.withUnsafeMutableBytes { p in
        RTPHeader.write(to: p, marker: marker, payloadType: payloadType, sequence: sequence, timestamp: timestamp, ssrc: ssrc)
        TelephoneEvent(event: event, end: end, volume: 10, duration: duration)
            .write(to: UnsafeMutableRawBufferPointer(rebasing: p[12...]))
    }
    return bytes
}

/// The RTP header fields and event block of a received telephone-event packet.
struct ParsedEventPacket {
    let marker: Bool
    let payloadType: UInt8
    let sequence: UInt16
    let timestamp: UInt32
    let ssrc: UInt32
    let event: TelephoneEvent?

    init(_ bytes: [UInt8]) {
        (marker, payloadType, sequence, timestamp, ssrc, event) = bytes.withUnsafeBytes { p in
            (RTPHeader.marker(p), RTPHeader.payloadType(p), RTPHeader.sequence(p), RTPHeader.timestamp(p), RTPHeader.ssrc(p),
             RTPHeader.payloadRange(p).flatMap { TelephoneEvent.parse(UnsafeRawBufferPointer(rebasing: p[$0])) })
        }
    }
}

@Suite struct TelephoneEventTests {
    @Test func eventBlockRoundTrips() {
        for event in [TelephoneEvent(event: 0, end: false, volume: 0, duration: 0),
                      TelephoneEvent(event: 11, end: true, volume: 63, duration: 65535),
                      TelephoneEvent(event: 16, end: false, volume: 10, duration: 800)] {
            var bytes = [UInt8](repeating: 0xFF, count: 4)
            bytes.withUnsafeMutableBytes { event.write(to: $0) }
            #expect(bytes[1] & 0x40 == 0)  // R bit clear
            #expect(bytes.withUnsafeBytes { TelephoneEvent.parse($0) } == event)
        }
        #expect([UInt8]([1, 2, 3]).withUnsafeBytes { TelephoneEvent.parse($0) } == nil)
        // Wire layout, RFC 4733 §2.3.
        var bytes = [UInt8](repeating: 0, count: 4)
        bytes.withUnsafeMutableBytes { TelephoneEvent(event: 5, end: true, volume: 10, duration: 0x0320).write(to: $0) }
        #expect(bytes == [5, 0x8A, 0x03, 0x20])
    }

    @Test func packetRoundTrips() {
        let packet = telephoneEventPacket(payloadType: 96, sequence: 0xFFFE, timestamp: 0xDEAD_BEEF, ssrc: 7,
                                          marker: true, event: 9, end: false, duration: 480)
        let parsed = ParsedEventPacket(packet)
        #expect(parsed.marker && parsed.payloadType == 96 && parsed.sequence == 0xFFFE)
        #expect(parsed.timestamp == 0xDEAD_BEEF && parsed.ssrc == 7)
        #expect(parsed.event == TelephoneEvent(event: 9, end: false, volume: 10, duration: 480))
    }

    @Test func payloadSkipsCSRCsExtensionAndPadding() {
        // CC = 1, X, P: header 12 + 4 (CSRC) + 4 + 4 (extension of one word) = 24, padding 3.
        var packet: [UInt8] = [0xB1, 101, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]
        packet += [9, 9, 9, 9]              // CSRC
        packet += [0xBE, 0xDE, 0, 1, 1, 2, 3, 4] // extension header + 1 word
        packet += [3, 0x80, 0, 160]         // event block
        packet += [0, 0, 3]                 // padding
        let range = packet.withUnsafeBytes { RTPHeader.payloadRange($0) }
        #expect(range == 24..<28)
        #expect(ParsedEventPacket(packet).event == TelephoneEvent(event: 3, end: true, volume: 0, duration: 160))
        // Lengths that do not add up.
        #expect([UInt8]([0x8F] + [UInt8](repeating: 0, count: 15)).withUnsafeBytes { RTPHeader.payloadRange($0) } == nil)
        #expect([UInt8]([0x80, 0, 0]).withUnsafeBytes { RTPHeader.payloadRange($0) } == nil)
    }

    @Test func defaultTimingPacketSchedule() {
        let timing = DTMFTiming()
        #expect(timing.updatePackets == 5)
        #expect(timing.packetsPerDigit == 7)
        #expect(timing.durationSamples == 800)
        #expect((0..<7).map { timing.durationField(packet: $0) } == [160, 320, 480, 640, 800, 800, 800])
        #expect(timing.digitSlot == .milliseconds(150))
        #expect(RTPSendPosition.samples(.milliseconds(20)) == 160)
        #expect(RTPSendPosition.samples(.seconds(-1)) == 0)
    }
}

/// The detector alone, fed packets directly.
@Suite struct DTMFDetectorTests {
    final class Harness {
        let events = EventRecorder()
        let detector: DTMFDetector

        init(consume: Bool = true) {
            detector = DTMFDetector(session: 3, leg: .b, payloadType: 101, consume: consume, events: events.sink)
        }

        func feed(_ bytes: [UInt8], stream: MediaStream = .rtp) -> MediaVerdict {
            var copy = bytes + [UInt8](repeating: 0, count: 64)
            return copy.withUnsafeMutableBytes { buffer in
                var packet = MediaPacket(buffer: buffer, length: bytes.count, stream: stream, from: .b)
                return detector.process(&packet)
            }
        }

        var digits: [DTMFDigit] {
            events.all.compactMap { if case .tone(3, .b, let d) = $0 { d } else { nil } }
        }
    }

    /// The packets a typical phone sends for one digit: start packets repeating
    /// with a growing duration, then the end packet three times.
    static func digitPackets(_ event: UInt8, timestamp: UInt32, firstSequence: UInt16, ssrc: UInt32 = 0x1234_5678) -> [[UInt8]] {
        var packets: [[UInt8]] = []
        var seq = firstSequence
        for (i, duration) in [UInt16(160), 320, 480, 640].enumerated() {
            packets.append(telephoneEventPacket(sequence: seq, timestamp: timestamp, ssrc: ssrc, marker: i == 0, event: event, end: false, duration: duration))
            seq &+= 1
        }
        for _ in 0..<3 {
            packets.append(telephoneEventPacket(sequence: seq, timestamp: timestamp, ssrc: ssrc, event: event, end: true, duration: 800))
            seq &+= 1
        }
        return packets
    }

    @Test func reportsEachDigitOnceAndConsumes() {
        let h = Harness()
        for p in Self.digitPackets(5, timestamp: 1000, firstSequence: 1) { #expect(h.feed(p) == .drop) }
        #expect(h.digits == [.five])
        // The same digit again is a new event (new timestamp).
        for p in Self.digitPackets(5, timestamp: 3000, firstSequence: 8) { #expect(h.feed(p) == .drop) }
        #expect(h.digits == [.five, .five])
    }

    @Test func lostStartPacketsStillReportOnce() {
        let h = Harness()
        let packets = Self.digitPackets(11, timestamp: 0xFFFF_FF00, firstSequence: 0xFFFE)
        for p in packets.suffix(3) { _ = h.feed(p) }   // only the end packets arrive
        #expect(h.digits == [.pound])
        for p in Self.digitPackets(12, timestamp: 0x0000_0200, firstSequence: 5).dropFirst(2) { _ = h.feed(p) }  // across a wrap
        #expect(h.digits == [.pound, .a])
    }

    @Test func latePacketsOfAnOlderEventAreIgnored() {
        let h = Harness()
        let first = Self.digitPackets(1, timestamp: 8000, firstSequence: 1)
        let second = Self.digitPackets(2, timestamp: 9600, firstSequence: 8)
        for p in first.prefix(5) { _ = h.feed(p) }
        _ = h.feed(second[0])
        _ = h.feed(first[5])   // reordered end packet of the first digit
        for p in second.dropFirst() { _ = h.feed(p) }
        #expect(h.digits == [.one, .two])
        // A new SSRC (another stream) starts afresh even at the same timestamp.
        for p in Self.digitPackets(3, timestamp: 9600, firstSequence: 100, ssrc: 42) { _ = h.feed(p) }
        #expect(h.digits == [.one, .two, .three])
    }

    @Test func otherPacketsPassAndNonDigitEventsAreNotReported() {
        let h = Harness()
        #expect(h.feed(rtpPacket(sequence: 1)) == .forward)                       // PT 0 audio
        #expect(h.feed(rtcpPacket(), stream: .rtcp) == .forward)
        let flash = telephoneEventPacket(sequence: 2, timestamp: 160, marker: true, event: 16, end: false, duration: 160)
        #expect(h.feed(flash) == .drop)                                           // consumed, not a digit
        #expect(h.feed(telephoneEventPacket(payloadType: 100, sequence: 3, timestamp: 320, event: 4, end: true, duration: 800)) == .forward)
        #expect(h.digits.isEmpty)

        let relaying = Harness(consume: false)
        #expect(relaying.feed(telephoneEventPacket(sequence: 1, timestamp: 1, marker: true, event: 7, end: false, duration: 160)) == .forward)
        #expect(relaying.digits == [.seven])
    }
}
