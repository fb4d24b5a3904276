import Foundation
import Testing

extension Integration {
    /// Call detail records (`cdr.path`): one JSON line per inbound call, with
    /// the disposition, code and side that ended it, as the wire showed.
    @Suite("CDRs")
    struct CDRs {
        @Test("answered, busy, rejected, cancelled and no-answer calls each leave one CDR line with the right fields")
        func oneLinePerDisposition() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.noAnswerTimeout = 2
            conf.cdrPath = test.artifacts.path("cdr.jsonl")
            let cdr = CDRFile(path: conf.cdrPath!)
            var callIDs: [String: String?] = [:]
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                var answered = test.uac("uac-basic.xml")
                answered.pauseMilliseconds = 1200
                let a = try await test.call(uac: answered, uas: test.uas("uas-answer.xml"))
                expectSuccess(a.uac)
                callIDs["answered"] = a.uac.trace.requests("INVITE", .sent).first?.callID
                let busy = try await test.call(uac: test.refusedCaller(service: "1000", expecting: 486),
                                               uas: test.uas("uas-busy.xml"))
                expectSuccess(busy.uac)
                callIDs["busy"] = busy.uac.trace.requests("INVITE", .sent).first?.callID
                let rejected = try await test.call(uac: test.refusedCaller(service: "666", expecting: 403), uas: nil)
                expectSuccess(rejected.uac)
                callIDs["rejected"] = rejected.uac.trace.requests("INVITE", .sent).first?.callID
                let cancelled = try await test.call(uac: test.uac("uac-cancel-after-180.xml"),
                                                    uas: test.uas("uas-ring-then-cancelled.xml"))
                expectSuccess(cancelled.uac)
                callIDs["cancelled"] = cancelled.uac.trace.requests("INVITE", .sent).first?.callID
                let noAnswer = try await test.call(uac: test.refusedCaller(service: "1000", expecting: 480),
                                                   uas: test.uas("uas-ring-forever.xml"))
                expectSuccess(noAnswer.uac)
                callIDs["no_answer"] = noAnswer.uac.trace.requests("INVITE", .sent).first?.callID
                let lines = await cdr.wait(for: 5)
                #expect(lines.count == 5, "\(lines)")
                try await legato.expectNoCallsLeft()
            }
            let expected: [(String, Int, String, String?)] = [
                ("answered", 200, "caller", "to-local"), ("busy", 486, "callee", "to-local"),
                ("rejected", 403, "legato", "rejected"), ("cancelled", 487, "caller", "to-local"),
                ("no_answer", 480, "legato", "to-local"),
            ]
            for (disposition, code, side, route) in expected {
                let id = try #require(callIDs[disposition] ?? nil, "no Call-ID for \(disposition)")
                let r = try #require(cdr.record(sipCallID: id), "no CDR for the \(disposition) call \(id): \(cdr.records)")
                #expect(Set(r.keys) == CDRFile.fields, "\(disposition): \(r.keys.sorted())")
                #expect(r["disposition"] as? String == disposition, "\(r)")
                #expect(r["sip_code"] as? Int == code, "\(disposition): \(r)")
                #expect(r["hangup_side"] as? String == side, "\(disposition): \(r)")
                #expect(r["route"] as? String == route, "\(disposition): \(r)")
                #expect(r["listener"] as? String == "127.0.0.1:\(test.ports.legato)")
                #expect((r["to"] as? String)?.hasPrefix("sip:\(disposition == "rejected" ? "666" : "1000")@") == true, "\(r)")
                let start = try #require(r["start"] as? String)
                #expect(start.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression) != nil, "\(start)")
                let media = try #require(r["media"] as? [String: Any])
                #expect(media["mode"] as? String == "direct")
                // Direct media never crosses Legato: no per-leg counters, loss or jitter.
                #expect(media["caller"] is NSNull && media["callee"] is NSNull, "\(media)")
                if disposition == "answered" {
                    #expect(r["answer"] is String)
                    #expect(r["trunk"] as? String == "local")
                    let billsec = try #require(r["billsec_s"] as? Double)
                    let duration = try #require(r["duration_s"] as? Double)
                    #expect(billsec >= 1.0 && billsec < 10, "the caller talked 1.2 s: \(billsec)")
                    #expect(duration >= billsec)
                } else {
                    #expect(r["answer"] is NSNull, "\(r)")
                    #expect(r["billsec_s"] as? Double == 0)
                }
            }
            // No-answer took the 2 s timer.
            let noAnswer = try #require(cdr.record(sipCallID: callIDs["no_answer"] ?? nil))
            #expect((noAnswer["duration_s"] as? Double ?? 0) >= 1.8)
        }

        @Test("relay mode: the CDR counts each leg's RTP; the metrics endpoint matches the calls, requests, responses and packets")
        func relayCDRAndMetricsMatchWhatHappened() async throws {
            let test = try TestContext()
            var conf = test.relayConf()
            conf.cdrPath = test.artifacts.path("cdr.jsonl")
            let metricsPort = test.ports.uacControl  // a UDP port of sipp's: free for TCP
            conf.metrics = "127.0.0.1:\(metricsPort)"
            let cdr = CDRFile(path: conf.cdrPath!)
            let callerMedia = try UDPSocket(port: test.ports.spare)
            var uac = test.uac("uac-relay-media.xml")
            uac.keys = ["rtp_port": "\(test.ports.spare)"]
            var uas = test.uas("uas-answer.xml")
            uas.extraArguments = ["-rtp_echo"]
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                let before = try MetricsScrape.fetch(port: metricsPort)
                #expect(before.value("legato_calls_active") == 0)
                #expect(before.value("legato_rtp_packets_total", #"direction="in""#) == 0)
                let callee = try await SippProcess.start(uas, artifacts: test.artifacts)
                let caller = try await SippProcess.start(uac, artifacts: test.artifacts)
                var legatoPort: Int?
                _ = await waitUntil(timeout: .seconds(10)) {
                    legatoPort = caller.trace.responses(to: "INVITE", .received, code: 200).first
                        .flatMap { RelayMedia.audioPort(in: $0.body) }
                    return legatoPort != nil
                }
                let port = try #require(legatoPort)
                let during = try MetricsScrape.fetch(port: metricsPort)
                #expect(during.value("legato_calls_active") == 1, "\(during.text)")
                #expect(during.value("legato_relay_ports_in_use") == 4, "two port pairs per relayed call")
                var echoed = 0
                for sequence in 0..<5 {
                    try callerMedia.send(RelayMedia.rtpPacket(sequence: UInt16(sequence)), toPort: port)
                    if callerMedia.receive(timeout: .seconds(2)) != nil { echoed += 1 }
                }
                #expect(echoed == 5)
                let callerResult = try await caller.finish()
                _ = try await callee.finish(within: .seconds(15))
                expectSuccess(callerResult)
                // A busy call too: one more disposition and one 486.
                let busy = try await test.call(uac: test.refusedCaller(service: "1000", expecting: 486),
                                               uas: test.uas("uas-busy.xml"))
                expectSuccess(busy.uac)
                let lines = await cdr.wait(for: 2)
                #expect(lines.count == 2)
                let id = callerResult.trace.requests("INVITE", .sent).first?.callID
                let r = try #require(cdr.record(sipCallID: id), "\(lines)")
                #expect(r["disposition"] as? String == "answered")
                let media = try #require(r["media"] as? [String: Any], "\(r)")
                #expect(media["mode"] as? String == "relay")
                #expect(media["srtp"] as? Bool == false)
                let a = try #require(media["caller"] as? [String: Any], "\(media)")
                let b = try #require(media["callee"] as? [String: Any], "\(media)")
                #expect(a["packets_in"] as? Int == 5, "\(a)")
                #expect(a["packets_out"] as? Int == 5, "\(a)")
                #expect(b["packets_in"] as? Int == 5, "\(b)")
                #expect(b["packets_out"] as? Int == 5, "\(b)")
                // RFC 3550 loss and jitter, measured by the relay: numbers (0 lost over loopback).
                for leg in [a, b] {
                    #expect(leg["lost"] as? Int == 0, "\(leg)")
                    let jitter = try #require(leg["jitter_ms"] as? Double, "jitter_ms is a number once RTP arrived: \(leg)")
                    #expect(jitter >= 0 && jitter < 1000, "\(leg)")
                }

                let after = try MetricsScrape.fetch(port: metricsPort)
                #expect(after.value("legato_calls_active") == 0, "\(after.text)")
                #expect(after.value("legato_calls_total", #"disposition="answered""#) == 1, "\(after.text)")
                #expect(after.value("legato_calls_total", #"disposition="busy""#) == 1, "\(after.text)")
                #expect(after.value("legato_sip_requests_total", #"method="INVITE""#) == 2, "\(after.text)")
                #expect(after.value("legato_sip_requests_total", #"method="BYE""#) == 1, "\(after.text)")
                #expect(after.value("legato_sip_responses_total", #"code="486""#) == 1, "\(after.text)")
                #expect((after.value("legato_sip_responses_total", #"code="200""#) ?? 0) >= 2, "INVITE 200 and BYE 200")
                #expect(after.value("legato_rtp_packets_total", #"direction="in""#) == 10, "\(after.text)")
                #expect(after.value("legato_rtp_packets_total", #"direction="out""#) == 10, "\(after.text)")
                #expect(after.value("legato_relay_ports_in_use") == 0)
                #expect(after.value("legato_srtp_auth_failures_total") == 0)
                #expect(after.value("legato_call_setup_seconds_count") == 1, "\(after.text)")
                #expect((after.value("legato_signalling_lag_seconds_count") ?? 0) > 0)
                #expect(after.text.contains("legato_admission_refused_total") == false
                        || after.value("legato_admission_refused_total", #"reason="draining""#) == nil)
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("blind transfer: the caller's CDR names the target and the result; SIGUSR1 reopens the file after a move")
        func transferredCallAndReopen() async throws {
            let test = try TestContext()
            var s = Integration.BlindTransfer.setup(test, targetScenario: "uas-answer.xml", final: "200 OK")
            s.conf.cdrPath = test.artifacts.path("cdr.jsonl")
            let cdr = CDRFile(path: s.conf.cdrPath!)
            let media = try UDPSocket(port: test.ports.spare)
            try await withLegato(s.conf, artifacts: test.artifacts) { legato in
                let target = try await SippProcess.start(s.target, artifacts: test.artifacts)
                let transferor = try await SippProcess.start(s.transferor, artifacts: test.artifacts)
                let caller = try await SippProcess.start(s.caller, artifacts: test.artifacts)
                _ = try await Integration.BlindTransfer.talkToTarget(caller: caller, target: target, media: media)
                let callerResult = try await caller.finish()
                _ = try await transferor.finish(within: .seconds(15))
                _ = try await target.finish(within: .seconds(15))
                expectSuccess(callerResult)
                let lines = await cdr.wait(for: 1)
                let r = try #require(lines.first, "no CDR")
                #expect(Set(r.keys) == CDRFile.fields.union(["transfer"]), "\(r.keys.sorted())")
                let transfer = try #require(r["transfer"] as? [String: Any], "\(r)")
                #expect(transfer["to"] as? String == s.targetURI, "\(transfer)")
                #expect(transfer["result"] as? String == "success")
                #expect(r["disposition"] as? String == "answered")
                #expect(r["hangup_side"] as? String == "caller")
                #expect(lines.count == 1, "one CDR per inbound call: \(lines)")
                // logrotate: move the file away, SIGUSR1, the next CDR goes to a new file.
                try FileManager.default.moveItem(atPath: cdr.path, toPath: cdr.path + ".1")
                try await legato.signal(SIGUSR1)
                #expect(await legato.waitForLog("cdr.reopened"))
                let rejected = try await test.call(uac: test.refusedCaller(service: "666", expecting: 403), uas: nil)
                expectSuccess(rejected.uac)
                let fresh = await cdr.wait(for: 1)
                #expect(fresh.count == 1 && fresh.first?["disposition"] as? String == "rejected", "\(fresh)")
                #expect(CDRFile(path: cdr.path + ".1").records.count == 1)
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("an unwritable cdr.path is logged and calls go on")
        func unwritablePathDoesNotStopCalls() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.cdrPath = test.artifacts.path("no-such-dir/cdr.jsonl")
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                for _ in 0..<2 {
                    let result = try await test.call(uac: test.uac("uac-basic.xml"), uas: test.uas("uas-answer.xml"))
                    expectSuccess(result.uac)
                }
                #expect(await legato.waitForLog("cdr.write-failed"))
                #expect(legato.log.components(separatedBy: "cdr.write-failed").count == 2, "logged once")
                try await legato.expectNoCallsLeft()
            }
        }
    }
}
