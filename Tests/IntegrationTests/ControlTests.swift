import Foundation
import Testing

extension Integration {
    /// `legato ctl` over `admin.control`: status, calls, hangup, drain, reload.
    @Suite("legato ctl")
    struct Control {
        /// A caller that answers Legato's BYE, on the test's media port.
        static func waitingCaller(_ test: TestContext, service: String = "1000") -> SippOptions {
            var uac = test.uac("uac-wait-for-bye.xml", service: service)
            uac.keys = ["rtp_port": "\(test.ports.spare)"]
            return uac
        }

        /// The live calls `ctl calls --json` lists.
        static func calls(_ legato: LegatoProcess) async throws -> [[String: Any]] {
            let result = try await legato.ctl("calls", "--json")
            #expect(result.status == 0, "\(result.output)")
            return (try? JSONSerialization.jsonObject(with: Data(result.output.utf8))) as? [[String: Any]] ?? []
        }

        @Test("ctl calls lists a live call; ctl hangup ends it (BYE to both sides); the socket is mode 0600")
        func callsAndHangup() async throws {
            let test = try TestContext()
            try await withLegato(test.conf(), artifacts: test.artifacts) { legato in
                let socket = try #require(legato.conf.controlSocket)
                let mode = try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int
                #expect(mode == 0o600)
                let callee = try await SippProcess.start(test.uas("uas-answer.xml"), artifacts: test.artifacts)
                let caller = try await SippProcess.start(Self.waitingCaller(test), artifacts: test.artifacts)
                var calls: [[String: Any]] = []
                _ = await waitUntilAsync(timeout: .seconds(10)) {
                    calls = (try? await Self.calls(legato)) ?? []
                    return calls.first?["state"] as? String == "CONNECTED"
                }
                let call = try #require(calls.first, "ctl calls listed nothing")
                #expect(calls.count == 1)
                #expect(call["route"] as? String == "to-local")
                #expect((call["to"] as? String)?.hasPrefix("sip:1000@") == true, "\(call)")
                #expect(call["media"] as? String == "direct")
                let text = try await legato.ctl("calls")
                #expect(text.output.contains("CONNECTED"), "\(text.output)")
                let status = try await legato.ctl("status", "--json")
                let fields = try #require(try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any])
                #expect(fields["calls"] as? Int == 1, "\(status.output)")
                #expect(fields["state"] as? String == "running")
                #expect(fields["version"] is String && fields["cps"] != nil && fields["lag_ms"] != nil && fields["uptime_s"] != nil)

                let id = try #require(call["id"] as? String)
                let hangup = try await legato.ctl("hangup", id)
                #expect(hangup.status == 0, "\(hangup.output)")
                let callerResult = try await caller.finish()
                let calleeResult = try await callee.finish(within: .seconds(10))
                expectSuccess(callerResult)
                expectSuccess(calleeResult)
                #expect(callerResult.trace.requests("BYE", .received).count == 1)
                #expect(calleeResult.trace.requests("BYE", .received).count == 1)
                #expect(try await Self.calls(legato).isEmpty)
                let unknown = try await legato.ctl("hangup", "no-such-call")
                #expect(unknown.status == 1 && unknown.output.hasPrefix("error:"), "\(unknown)")
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("ctl drain: OPTIONS and new INVITEs get 503 with Retry-After, the call in progress finishes")
        func drainRefusesWithRetryAfter() async throws {
            let test = try TestContext()
            try await withLegato(test.conf(), artifacts: test.artifacts) { legato in
                let probe = try await SippProcess.run(test.uac("uac-options.xml"), artifacts: test.artifacts)
                expectSuccess(probe)
                var talking = test.uac("uac-basic.xml")
                talking.pauseMilliseconds = 3000
                let callee = try await SippProcess.start(test.uas("uas-answer.xml"), artifacts: test.artifacts)
                let caller = try await SippProcess.start(talking, artifacts: test.artifacts)
                _ = await waitUntil(timeout: .seconds(10)) { !caller.trace.requests("ACK", .sent).isEmpty }
                let drain = try await legato.ctl("drain")
                #expect(drain.status == 0 && drain.output.contains("1 calls in progress"), "\(drain.output)")
                let options = try await SippProcess.run(test.uac("uac-options-draining.xml", role: "uac2"),
                                                        artifacts: test.artifacts)
                expectSuccess(options)
                let refused = try await SippProcess.run(test.refusedCaller(service: "1000", expecting: 503, role: "uac2"),
                                                        artifacts: test.artifacts)
                expectSuccess(refused)
                let final = try #require(refused.trace.finalResponse(to: "INVITE", .received))
                #expect(final.header("Retry-After") != nil, "\(final)")
                let status = try await legato.ctl("status", "--json")
                #expect(status.output.contains("\"state\":\"draining\""), "\(status.output)")
                // The call in progress was not touched.
                let callerResult = try await caller.finish()
                _ = try await callee.finish(within: .seconds(10))
                expectSuccess(callerResult)
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("reload adds a route the next call uses; the call in progress keeps its route; a broken conf is refused and the daemon keeps serving")
        func reloadSwitchesNewCallsOnly() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.cdrPath = test.artifacts.path("cdr.jsonl")
            let cdr = CDRFile(path: conf.cdrPath!)
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                // Before: 2000 is bridged like any number (to-local).
                let callee = try await SippProcess.start(test.uas("uas-answer.xml"), artifacts: test.artifacts)
                let caller = try await SippProcess.start(Self.waitingCaller(test, service: "2000"), artifacts: test.artifacts)
                _ = await waitUntilAsync(timeout: .seconds(10)) {
                    ((try? await Self.calls(legato)) ?? []).first?["state"] as? String == "CONNECTED"
                }
                // Reload with a route sending 2000 to a 403 ahead of to-local.
                var next = conf
                next.routes.insert(.init(name: "closed", ruriUser: "^2000$",
                                         action: .reject(code: 403, reason: "Closed By Reload")), at: 0)
                next.controlSocket = legato.conf.controlSocket
                try next.yaml.write(toFile: legato.configPath, atomically: true, encoding: .utf8)
                let reload = try await legato.ctl("reload")
                #expect(reload.status == 0, "\(reload.output)")
                #expect(reload.output.contains("3 routes"), "\(reload.output)")
                let refused = try await SippProcess.run(test.refusedCaller(service: "2000", expecting: 403, role: "uac2"),
                                                        artifacts: test.artifacts)
                expectSuccess(refused)
                #expect(refused.trace.finalResponse(to: "INVITE", .received)?.startLine.hasSuffix("403 Closed By Reload") == true)
                // The call in progress is untouched: still up, then ended normally.
                let live = try await Self.calls(legato)
                #expect(live.count == 1 && live.first?["route"] as? String == "to-local", "\(live)")

                // A broken conf (SIGHUP): refused, logged, running conf kept.
                var broken = next.yaml
                broken += "  bogus_key: 1\n"
                try broken.write(toFile: legato.configPath, atomically: true, encoding: .utf8)
                try await legato.signal(SIGHUP)
                #expect(await legato.waitForLog("legato.reload-refused"))
                #expect(legato.log.contains("bogus_key"))
                let ctlReload = try await legato.ctl("reload")
                #expect(ctlReload.status == 1 && ctlReload.output.contains("refused"), "\(ctlReload.output)")
                let stillClosed = try await SippProcess.run(test.refusedCaller(service: "2000", expecting: 403, role: "uac2"),
                                                            artifacts: test.artifacts)
                expectSuccess(stillClosed)

                let id = try #require(live.first?["id"] as? String)
                #expect(try await legato.ctl("hangup", id).status == 0)
                expectSuccess(try await caller.finish())
                _ = try await callee.finish(within: .seconds(10))
                let records = await cdr.wait(for: 3)
                let first = records.first { ($0["to"] as? String)?.hasPrefix("sip:2000@") == true && $0["disposition"] as? String == "answered" }
                #expect(first?["route"] as? String == "to-local", "\(records)")
                #expect(first?["hangup_side"] as? String == "legato", "ctl hangup: \(records)")
                try await legato.expectNoCallsLeft()
            }
        }
    }
}
