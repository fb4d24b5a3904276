import Testing
@testable import LegatoMedia

@Suite struct SRTPReplayWindowTests {
    @Test func freshReplayedAndTooOld() {
        var window = SRTPReplayWindow(size: 128)
        #expect(window.isEmpty)
        #expect(window.check(1_000) == .fresh)
        window.accept(1_000)
        #expect(window.check(1_000) == .replayed)
        #expect(window.check(999) == .fresh)
        window.accept(999)
        #expect(window.check(999) == .replayed)
        #expect(window.check(1_000 - 127) == .fresh)
        #expect(window.check(1_000 - 128) == .tooOld)
        window.accept(1_200)
        #expect(window.highest == 1_200)
        #expect(window.check(1_000) == .tooOld)
        #expect(window.check(1_199) == .fresh)
    }

    @Test func shiftsCarryBitsAcrossWords() {
        var window = SRTPReplayWindow(size: 256)
        #expect(window.size == 256)
        window.accept(10)
        window.accept(80)     // 10 is now 70 behind: word 1
        window.accept(150)    // 10 is 140 behind: word 2
        #expect(window.check(10) == .replayed)
        #expect(window.check(80) == .replayed)
        #expect(window.check(11) == .fresh)
        window.accept(10 + 256)
        #expect(window.check(10) == .tooOld)
        #expect(window.check(80) == .replayed)
    }

    @Test func sizesRoundUpToWords() {
        #expect(SRTPReplayWindow(size: 1).size == 64)
        #expect(SRTPReplayWindow(size: 65).size == 128)
        #expect(SRTPReplayWindow(size: 32_768).size == 32_768)
    }

    @Test func indexEstimationFollowsRFC3711AppendixA() {
        #expect(SRTPPacketIndex.estimate(sequence: 40_000, highest: nil) == 40_000)
        #expect(SRTPPacketIndex.estimate(sequence: 5, highest: 30_000) == 5)
        // Across the wrap: highest 65,535 (ROC 0), next is 0 with ROC 1.
        #expect(SRTPPacketIndex.estimate(sequence: 0, highest: 65_535) == 1 << 16)
        // A late packet from before the wrap keeps ROC 0.
        #expect(SRTPPacketIndex.estimate(sequence: 65_530, highest: 1 << 16 | 3) == 65_530)
        #expect(SRTPPacketIndex.estimate(sequence: 100, highest: 3 << 16 | 50) == 3 << 16 | 100)
    }
}
