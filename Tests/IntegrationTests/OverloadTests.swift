import Foundation
import Testing

extension Integration.Security {
    /// Issue #10, "overload held": capacity is `signalling.max_calls` (5 calls
    /// at once, relay mode: every admitted call holds 4 relay ports). A caller
    /// offers 5× that for 10 s (25 calls/s held 1 s each: 25 at once); what is
    /// over capacity gets 503 at once, what is under it connects. Right after,
    /// normal calls succeed at once and nothing leaked: no call in
    /// `legato ctl status --json`, no relay port allocated at shutdown.
    @Test("Overload: 5× capacity for 10 s; excess refused 503, admitted calls complete; then normal calls succeed at once and nothing leaked")
    func overloadAtFiveTimesCapacity() async throws {
        let test = try TestContext()
        var conf = test.relayConf()
        conf.signallingExtra = ["  max_calls: 5"]
        var uas = test.uas("uas-answer.xml")
        uas.calls = 10_000
        uas.timeLimit = .seconds(24)
        var flood = test.uac("uac-basic.xml")
        flood.calls = 250
        flood.rate = 25
        flood.limit = 60
        flood.pauseMilliseconds = 1_000
        flood.timeLimit = .seconds(30)
        var normal = test.uac("uac-basic.xml", role: "uac2")
        normal.calls = 3
        normal.rate = 10
        normal.pauseMilliseconds = 200
        normal.timeLimit = .seconds(10)
        let (flooded, after, status, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
            let callee = try await SippProcess.start(uas, artifacts: test.artifacts)
            let flooded = try await SippProcess.run(flood, artifacts: test.artifacts)
            let started = ContinuousClock.now
            let after = try await SippProcess.run(normal, artifacts: test.artifacts)
            let took = ContinuousClock.now - started
            #expect(took < .seconds(3), "the normal calls took \(took)")
            try await Task.sleep(for: .milliseconds(500))
            let status = try await legato.ctl("status", "--json").output
            try await legato.expectNoCallsLeft()
            _ = try? await callee.finish(within: .seconds(30))
            return (flooded, after, status, legato.log)
        }
        let refused = flooded.trace.responses(to: "INVITE", .received, code: 503).count
        let connected = flooded.successfulCalls ?? 0
        #expect(connected >= 5, "admitted calls complete: \(flooded.finalStatistics)")
        #expect(refused >= 100, "the excess is refused: \(refused) × 503; \(flooded.finalStatistics)")
        #expect(connected + refused == 250, "every INVITE got an answer: \(flooded.finalStatistics)")
        #expect(after.successfulCalls == 3, "\(after.finalStatistics)")
        #expect(after.failedCalls == 0, "\(after.finalStatistics)")
        #expect(status.contains("\"calls\":0,"), "\(status)")
        #expect(log.contains("media.ports.allocated=0 "), "relay ports leaked")
    }
}
