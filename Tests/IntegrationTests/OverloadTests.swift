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

extension Integration.Security {
    /// Issue #10 item 9, shedding on receive-queue depth: with
    /// `overload_queue_bytes: 32768` and no rate limit, 5 calls from
    /// 127.0.0.3 are set up and held; then 127.0.0.2 floods INVITEs (sipp
    /// `uac-flood-ack.xml`, nothing retransmitted, each 503 ACKed) faster than the debug daemon
    /// drains them, so its UDP receive queue passes the threshold. The flood's
    /// new INVITEs are answered 503 with `Retry-After: 5` by the wire gate
    /// (stateless: the To tag is the gate's `sl…`, no 100 Trying precedes it),
    /// and the held calls still end with BYE → 200; the refusals are counted
    /// in `legato_admission_refused_total{reason="overload"}`. The ACKs of
    /// those 503s end at the gate too: sofia, which never saw the INVITEs,
    /// would log each as a "strange ACK".
    @Test("Overload on receive-queue depth: a flood gets stateless 503 + Retry-After; calls already up end with BYE 200")
    func receiveQueueShedding() async throws {
        let test = try TestContext()
        var conf = test.conf()
        conf.signallingExtra = ["  overload_queue_bytes: 32768"]
        let metricsPort = test.ports.uacControl  // a UDP port of sipp's: free for TCP
        conf.metrics = "127.0.0.1:\(metricsPort)"
        var uas = test.uas("uas-answer.xml")
        uas.calls = 5
        uas.timeLimit = .seconds(60)
        var held = test.uac("uac-basic.xml")
        held.localIP = "127.0.0.3"
        held.remoteIP = "127.0.0.1"
        held.calls = 5
        held.rate = 10
        held.pauseMilliseconds = 9_000
        held.timeLimit = .seconds(50)
        var flood = test.uac("uac-flood-ack.xml", service: "666", role: "uac2")
        flood.localIP = "127.0.0.2"
        flood.remoteIP = "127.0.0.1"
        flood.calls = 12_000
        flood.rate = 4_000
        flood.timeLimit = .seconds(30)
        let (flooded, calls, log, cpu, counted) = try await withLegato(conf, artifacts: test.artifacts) { legato in
            let callee = try await SippProcess.start(uas, artifacts: test.artifacts)
            let caller = try await SippProcess.start(held, artifacts: test.artifacts)
            let up = await waitUntil(timeout: .seconds(10)) { caller.trace.requests("ACK", .sent).count >= 5 }
            #expect(up, "the 5 calls are up before the flood")
            let before = await legato.cpuSeconds() ?? 0
            let flooded = try await SippProcess.run(flood, artifacts: test.artifacts)
            let cpu = (await legato.cpuSeconds() ?? 0) - before
            try await Task.sleep(for: .milliseconds(300))
            let counted = try MetricsScrape.fetch(port: metricsPort)
                .value("legato_admission_refused_total", #"reason="overload""#) ?? 0
            let calls = (uac: try await caller.finish(), uas: try await callee.finish(within: .seconds(20)))
            #expect(calls.uas.successfulCalls == 5, "\(calls.uas.finalStatistics)")
            try await Task.sleep(for: .seconds(1))
            try await legato.expectNoCallsLeft()
            return (flooded, calls, legato.log, cpu, counted)
        }
        let shed = flooded.trace.responses(to: "INVITE", .received, code: 503)
        let stateless = shed.filter { $0.header("Retry-After") == "5" && ($0.header("To") ?? "").contains(";tag=sl") }
        let rejected = flooded.trace.responses(to: "INVITE", .received, code: 403).count
        print("receiveQueueShedding: flood \(flood.calls) INVITEs at \(flood.rate ?? 0)/s: \(shed.count) × 503, "
              + "\(rejected) × 403 (admitted, routed); held calls \(calls.uac.successfulCalls ?? -1)/5; "
              + "Legato CPU during the flood \(cpu) s; \(flooded.finalStatistics["ElapsedTime(C)"] ?? "?")")
        #expect(shed.count > 0, "no 503: \(flooded.finalStatistics)")
        #expect(stateless.count == shed.count, "every 503 is the gate's, with Retry-After: 5")
        #expect(Int(counted) >= shed.count && Int(counted) <= flood.calls,
                "legato_admission_refused_total{reason=\"overload\"} = \(counted), \(shed.count) × 503 seen")
        #expect(calls.uac.successfulCalls == 5, "\(calls.uac.finalStatistics)")
        #expect(calls.uac.failedCalls == 0, "\(calls.uac.finalStatistics)")
        #expect(calls.uac.trace.responses(to: "BYE", .received, code: 200).count >= 5)
        #expect(log.contains("security.refused src=127.0.0.2 reason=overload"), "\(log.suffix(3000))")
        let acks = flooded.trace.requests("ACK", .sent).count
        #expect(acks >= shed.count, "the flood ACKed every 503 (\(acks) ACKs, \(shed.count) × 503)")
        #expect(!log.contains("strange ACK"), "an ACK of the gate's 503 reached sofia")
        #expect(!log.contains("security.refused src=127.0.0.3"), "the held calls' source is never refused")
        #expect(log.contains("legato.overload-queue") && log.contains("overload_queue.effective=32768"),
                "the effective threshold is logged")
    }
}
