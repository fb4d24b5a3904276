import Testing
@testable import LegatoSIP

/// `LoopTimer` on the real signalling loop (no sockets): fires once, on the
/// loop thread, after its delay; cancel and re-arm replace the pending action.
@Suite struct LoopTimerTests {
    @Test @SIPActor func firesOnceOnTheLoopAfterItsDelay() async {
        let started = ContinuousClock.now
        let fired: Duration = await withCheckedContinuation { done in
            let timer = LoopTimer(after: 0.05) {
                #expect(SignallingLoop.shared.executor.isOnLoopThread)
                done.resume(returning: ContinuousClock.now - started)
            }
            #expect(timer.isArmed)
        }
        #expect(fired >= .milliseconds(50))
        #expect(fired < .seconds(5))
    }

    @Test @SIPActor func cancelledTimerNeverFires() async throws {
        var fired = 0
        let timer = LoopTimer(after: 0.02) { fired += 1 }
        timer.cancel()
        #expect(!timer.isArmed)
        try await Task.sleep(for: .milliseconds(120))
        #expect(fired == 0)
    }

    @Test @SIPActor func reschedulingReplacesThePendingAction() async {
        var log: [String] = []
        let timer = LoopTimer()
        let order: [String] = await withCheckedContinuation { done in
            timer.schedule(after: 0.02) { log.append("first") }
            timer.schedule(after: 0.04) {
                log.append("second")
                done.resume(returning: log)
            }
        }
        #expect(order == ["second"])
        #expect(!timer.isArmed)
    }

    @Test @SIPActor func anUnreferencedArmedTimerStillFires() async {
        // The armed timer keeps itself alive, as the Task it replaces did.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            _ = LoopTimer(after: 0.01) { done.resume() }
        }
    }
}

extension LoopTimerTests {
    @Test @SIPActor func repeatingBeatsUntilCancelled() async throws {
        let timer = LoopTimer()
        let lags: [Duration] = await withCheckedContinuation { done in
            var seen: [Duration] = []
            timer.repeating(every: .milliseconds(10)) { lag in
                seen.append(lag)
                if seen.count == 3 {
                    timer.cancel()
                    done.resume(returning: seen)
                }
            }
        }
        #expect(lags.count == 3)
        #expect(lags.allSatisfy { $0 > .milliseconds(-2) && $0 < .seconds(5) })
        #expect(!timer.isArmed)
        try await Task.sleep(for: .milliseconds(50))
        #expect(!timer.isArmed, "a cancelled repeating timer stays stopped")
    }
}
