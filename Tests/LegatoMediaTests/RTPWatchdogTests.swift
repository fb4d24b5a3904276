import Testing
@testable import LegatoMedia

@Suite struct RTPWatchdogTests {
    let t0 = ContinuousClock.now

    func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .milliseconds(Int(seconds * 1000)) }

    @Test func flowingMediaChangesNothing() {
        var w = RTPWatchdog(stopAfter: .seconds(7), hangupAfter: .seconds(60), start: t0)
        #expect(w.observe(lastPacket: at(1), now: at(2)) == .unchanged)
        #expect(w.observe(lastPacket: at(9), now: at(10)) == .unchanged)
    }

    @Test func silenceSinceAnswerStopsThenExpires() {
        var w = RTPWatchdog(stopAfter: .seconds(7), hangupAfter: .seconds(60), start: t0)
        #expect(w.observe(lastPacket: nil, now: at(6.9)) == .unchanged)
        #expect(w.observe(lastPacket: nil, now: at(7)) == .stopped)
        #expect(w.observe(lastPacket: nil, now: at(30)) == .unchanged)
        #expect(w.observe(lastPacket: nil, now: at(60)) == .expired)
        #expect(w.observe(lastPacket: at(61), now: at(62)) == .unchanged)
    }

    @Test func resumptionFiresOnceAndRearms() {
        var w = RTPWatchdog(stopAfter: .seconds(7), hangupAfter: .seconds(60), start: t0)
        #expect(w.observe(lastPacket: at(1), now: at(8)) == .stopped)
        #expect(w.observe(lastPacket: at(9), now: at(9.5)) == .resumed)
        #expect(w.observe(lastPacket: at(10), now: at(11)) == .unchanged)
        #expect(w.observe(lastPacket: at(10), now: at(17)) == .stopped)
    }

    @Test func packetsBeforeTheAnswerDoNotCount() {
        var w = RTPWatchdog(stopAfter: .seconds(2), hangupAfter: nil, start: at(10))
        #expect(w.observe(lastPacket: at(1), now: at(11)) == .unchanged)
        #expect(w.observe(lastPacket: at(1), now: at(12)) == .stopped)
    }

    @Test func withoutHangupTimeoutItNeverExpires() {
        var w = RTPWatchdog(stopAfter: .seconds(1), hangupAfter: nil, start: t0)
        #expect(w.observe(lastPacket: nil, now: at(1)) == .stopped)
        #expect(w.observe(lastPacket: nil, now: at(10_000)) == .unchanged)
    }
}

@Suite struct RTPWatchdogHoldTests {
    @Test func silenceDuringAnExemptionDoesNotCount() {
        let t0 = ContinuousClock.now
        var dog = RTPWatchdog(stopAfter: .seconds(7), hangupAfter: .seconds(60), start: t0)
        // On hold from t0 to t0+100 s: exempted every tick.
        for second in stride(from: 1, through: 100, by: 1) { dog.exempt(until: t0 + .seconds(second)) }
        #expect(dog.observe(lastPacket: nil, now: t0 + .seconds(101)) == .unchanged)
        #expect(dog.observe(lastPacket: nil, now: t0 + .seconds(107)) == .stopped)
        #expect(dog.observe(lastPacket: nil, now: t0 + .seconds(160)) == .expired)
    }
}
