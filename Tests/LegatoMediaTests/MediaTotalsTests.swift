import Testing
@testable import LegatoMedia

/// Totals for metrics and the last stats of released sessions (for CDRs).
@Suite struct MediaTotalsTests {
    static func stats(_ n: UInt64) -> RelaySessionStats {
        var s = RelaySessionStats()
        s.a.rtp.packetsIn = n
        s.a.rtp.packetsOut = n + 1
        s.b.rtp.packetsIn = n + 2
        s.b.rtp.packetsOut = n + 3
        s.b.rtp.droppedAuthentication = 1
        s.a.rtcp.droppedAuthentication = 2
        return s
    }

    @Test func sumsRTPOfBothLegsAndAuthFailuresOfBothStreams() {
        let t = MediaTotals(Self.stats(10))
        #expect(t.rtpPacketsIn == 22)
        #expect(t.rtpPacketsOut == 24)
        #expect(t.srtpAuthFailures == 3)
        #expect((t + t).rtpPacketsIn == 44)
    }

    @Test func retiredKeepsTotalsForeverAndStatsForTheNewestOnly() {
        var retired = RetiredSessionStats(capacity: 3)
        for id in 1...5 { retired.retire(MediaSessionID(rawValue: UInt64(id)), Self.stats(UInt64(id))) }
        #expect(retired.totals.rtpPacketsIn == 40)  // Σ n + (n + 2), n = 1…5
        #expect(retired.final(MediaSessionID(rawValue: 1)) == nil)
        #expect(retired.final(MediaSessionID(rawValue: 2)) == nil)
        #expect(retired.final(MediaSessionID(rawValue: 5)) == Self.stats(5))
        #expect(retired.final(MediaSessionID(rawValue: 3)) == Self.stats(3))
        // Many more: the bookkeeping stays bounded and keeps the newest.
        for id in 6...100 { retired.retire(MediaSessionID(rawValue: UInt64(id)), Self.stats(UInt64(id))) }
        #expect(retired.final(MediaSessionID(rawValue: 100)) == Self.stats(100))
        #expect(retired.final(MediaSessionID(rawValue: 97)) == nil)
    }
}
