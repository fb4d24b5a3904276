import Testing
@testable import LegatoMedia

@Suite("RTPReception (RFC 3550 loss and jitter as a value)")
struct RTPReceptionTests {
    /// Feeds packets `sequences` of one source, 20 ms apart at 8 kHz, each
    /// arriving exactly on time plus `late[i]` clock units.
    private func feed(_ r: inout RTPReception, _ sequences: [UInt16], ssrc: UInt32 = 7,
                      late: (Int) -> Int64 = { _ in 0 }) {
        for (i, seq) in sequences.enumerated() {
            let ts = UInt32(truncatingIfNeeded: Int(seq) &* 160)
            r.observe(sequence: seq, timestamp: ts, ssrc: ssrc, arrival: Int64(ts) + 1_000 + late(i))
        }
    }

    @Test func nothingSeenIsNoLossAndNoJitter() {
        let r = RTPReception()
        #expect(r.lost == 0)
        #expect(r.expected == 0)
        #expect(r.jitterMilliseconds(clockRate: 8000) == nil)
    }

    @Test func inOrderOnTimeStreamHasNoLossAndZeroJitter() {
        var r = RTPReception()
        feed(&r, Array(100..<400))
        #expect(r.expected == 300)
        #expect(r.lost == 0)
        #expect(r.jitterMilliseconds(clockRate: 8000) == 0)
    }

    @Test func gapsCountAsLost() {
        var r = RTPReception()
        let sequences = Array(UInt16(1000)..<1100).filter { $0 % 10 != 3 }  // 10 missing
        feed(&r, sequences)
        #expect(r.expected == 100)
        #expect(r.lost == 10)
    }

    @Test func sequenceWrapIsOneStream() {
        var r = RTPReception()
        feed(&r, Array(UInt16(65_500)...UInt16.max) + Array(UInt16(0)..<64))
        #expect(r.expected == 100)
        #expect(r.lost == 0)
    }

    @Test func lateAndDuplicatePacketsAreNotLossNorNegative() {
        var r = RTPReception()
        feed(&r, [1, 2, 4, 3, 5, 5, 5, 6])
        #expect(r.expected == 6)
        #expect(r.lost == 0)  // 8 received against 6 expected: clamped, not negative
    }

    @Test func aRestartedSourceIsFollowedAfterTwoPackets() {
        var r = RTPReception()
        feed(&r, [10, 11, 12])
        // A jump of 30,000: the first packet is held as suspect, the second confirms.
        feed(&r, [30_012, 30_013, 30_014])
        #expect(r.expected == 2)  // restarted at 30,013
        #expect(r.lost == 0)
    }

    @Test func aNewSSRCStartsOver() {
        var r = RTPReception()
        feed(&r, [1, 5], ssrc: 1)
        #expect(r.lost == 3)
        feed(&r, [900, 901], ssrc: 2)
        #expect(r.expected == 2)
        #expect(r.lost == 0)
    }

    @Test func alternatingDelayConvergesToRFC3550Estimate() {
        // Every other packet 80 units (10 ms at 8 kHz) late: |D| = 80 each
        // time, so J converges to 80 units = 10 ms.
        var r = RTPReception()
        feed(&r, Array(0..<2000), late: { $0 % 2 == 0 ? 0 : 80 })
        let jitter = try! #require(r.jitterMilliseconds(clockRate: 8000))
        #expect(abs(jitter - 10) < 0.2)
        #expect(r.jitterMilliseconds(clockRate: 48_000).map { abs($0 - 10.0 / 6) < 0.1 } == true)
    }
}
