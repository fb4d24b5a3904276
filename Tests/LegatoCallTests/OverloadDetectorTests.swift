import Testing
@testable import LegatoCall

@Suite struct OverloadDetectorTests {
    /// Feeds lags in milliseconds and returns the verdict after each.
    func verdicts(_ lags: [Int], threshold: Int = 200, recovery: Int = 3) -> [Bool] {
        var d = OverloadDetector(threshold: .milliseconds(threshold), recoverySamples: recovery)
        return lags.map { d.observe(lag: .milliseconds($0)) }
    }

    @Test func oneLateSampleTurnsSheddingOn() {
        #expect(verdicts([150, 250]) == [false, true])
    }

    @Test func recoveryNeedsSeveralQuietSamples() {
        #expect(verdicts([500, 10, 10, 10]) == [true, true, true, false])
    }

    @Test func lagAboveHalfTheThresholdRestartsRecovery() {
        #expect(verdicts([500, 10, 150, 10, 10], recovery: 2) == [true, true, true, true, false])
    }

    @Test func staysOffWhileQuiet() {
        #expect(verdicts([0, 199, 50]) == [false, false, false])
    }
}
