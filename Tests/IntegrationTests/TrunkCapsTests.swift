import Testing

extension Integration {
    /// Toll-fraud brakes: `trunks.NAME.max_calls` and `max_cps` (issue #10).
    @Suite("Trunk caps")
    struct TrunkCaps {
        /// A caller placing `calls` calls at once (40/s, held `hold` ms) and the
        /// trunk's callee expecting `answered` of them.
        static func overlapping(_ test: TestContext, calls: Int, answered: Int,
                                hold: Int) -> (uac: SippOptions, uas: SippOptions) {
            var uas = test.uas("uas-answer.xml")
            uas.calls = answered
            uas.timeLimit = .seconds(30)
            var uac = test.uac("uac-basic.xml")
            uac.calls = calls
            uac.rate = 40
            uac.limit = calls
            uac.pauseMilliseconds = hold
            uac.timeLimit = .seconds(30)
            return (uac, uas)
        }

        @Test("max_calls 2 / max_cps 2: of 4 calls within a second, held 1.5 s, exactly 2 reach the trunk and 2 get 503", arguments: ["max_calls", "max_cps"])
        func capsAreExact(_ key: String) async throws {
            let test = try TestContext("capsAreExact-\(key)")
            var conf = test.conf()
            conf.trunkExtra = ["local": ["    \(key): 2"]]
            // Held long enough that all four overlap (max_calls) and arrive within one second (max_cps).
            let (uac, uas) = Self.overlapping(test, calls: 4, answered: 2, hold: 1_500)
            let (result, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: uac, uas: uas)
                try await legato.expectNoCallsLeft()
                return (result, legato.log)
            }
            #expect(result.uac.successfulCalls == 2, "\(result.uac.finalStatistics)")
            #expect(result.uac.failedCalls == 2, "\(result.uac.finalStatistics)")
            #expect(result.uas?.successfulCalls == 2, "\(result.uas?.finalStatistics ?? [:])")
            let refusals = log.components(separatedBy: "route.trunk-refused").count - 1
            #expect(refusals == 2, "\(log)")
            #expect(log.contains(key == "max_calls" ? "reason=trunk_max_calls" : "reason=trunk_max_cps"), "\(log)")
        }
    
        @Test("max_calls 2 holds exactly across a reload: 2 calls held, reload, the 3rd gets 503; once they end, 2 of 3 again")
        func maxCallsSurvivesReload() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.trunkExtra = ["local": ["    max_calls: 2"]]
            var uas = test.uas("uas-answer.xml")
            uas.calls = 4
            uas.timeLimit = .seconds(60)
            var held = test.uac("uac-basic.xml")
            held.calls = 2
            held.rate = 20
            held.limit = 2
            held.pauseMilliseconds = 4_000
            held.timeLimit = .seconds(30)
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                let callee = try await SippProcess.start(uas, artifacts: test.artifacts)
                let caller = try await SippProcess.start(held, artifacts: test.artifacts)
                var connected = 0
                _ = await waitUntilAsync(timeout: .seconds(10)) {
                    let calls = (try? await Control.calls(legato)) ?? []
                    connected = calls.filter { $0["state"] as? String == "CONNECTED" }.count
                    return connected == 2
                }
                #expect(connected == 2, "both held calls up before the reload")
                // The same conf plus one route: a new router (and, before the fix, fresh counts).
                var next = conf
                next.routes.insert(.init(name: "closed", ruriUser: "^2000$",
                                         action: .reject(code: 403, reason: "Closed")), at: 0)
                next.controlSocket = legato.conf.controlSocket
                try next.yaml.write(toFile: legato.configPath, atomically: true, encoding: .utf8)
                let reload = try await legato.ctl("reload")
                #expect(reload.status == 0 && reload.output.contains("3 routes"), "\(reload.output)")
                // Third call while the two from before the reload are still up: the cap still says 2.
                let third = try await SippProcess.run(test.refusedCaller(service: "1000", expecting: 503, role: "uac2"),
                                                      artifacts: test.artifacts)
                expectSuccess(third)
                #expect(third.trace.finalResponse(to: "INVITE", .received)?.startLine.hasSuffix("503 Trunk Busy") == true,
                        "\(third.messageLog)")
                let heldResult = try await caller.finish()
                expectSuccess(heldResult)
                #expect(heldResult.successfulCalls == 2, "\(heldResult.finalStatistics)")
                // The old router's calls gave their slots back to the new one's counts: exactly 2 free again.
                var burst = test.uac("uac-basic.xml", role: "uac2")
                burst.calls = 3
                burst.rate = 40
                burst.limit = 3
                burst.pauseMilliseconds = 1_500
                burst.timeLimit = .seconds(30)
                let after = try await SippProcess.run(burst, artifacts: test.artifacts)
                #expect(after.successfulCalls == 2, "\(after.finalStatistics)")
                #expect(after.failedCalls == 1, "\(after.finalStatistics)")
                let calleeResult = try await callee.finish(within: .seconds(15))
                #expect(calleeResult.successfulCalls == 4, "\(calleeResult.finalStatistics)")
                let refusals = legato.log.components(separatedBy: "reason=trunk_max_calls").count - 1
                #expect(refusals == 2, "one refusal after the reload, one in the burst: \(legato.log)")
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("A route's deny pattern: 403 Destination Denied and nothing reaches the trunk")
        func deniedDestination() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.routeExtra = ["to-local": ["    deny: [\"^900\", \"^00\"]"]]
            let trunk = try UDPSocket(port: test.ports.uas)
            let (result, reached, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await SippProcess.run(test.refusedCaller(service: "9001234", expecting: 403),
                                                       artifacts: test.artifacts)
                return (result, trunk.receiveAll(for: .milliseconds(300)), legato.log)
            }
            expectSuccess(result)
            #expect(reached.isEmpty, "\(reached.map(\.text))")
            #expect(log.contains("reason=destination_denied"), "\(log)")
        }

        @Test("fallback: next — calls the capped trunk refuses take the next matching route: of 4 overlapping calls, 2 reach each trunk and none gets 503")
        func fallbackNextTakesTheNextRoute() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.trunks.append(.init(name: "backup", uri: "sip:127.0.0.1:\(test.ports.uac2)"))
            conf.routes.append(.init(name: "to-backup", ruriUser: "^[0-9]+$", action: .bridge(trunk: "backup")))
            conf.trunkExtra = ["local": ["    max_calls: 2"]]
            conf.routeExtra = ["to-local": ["    fallback: next"]]
            let (uac, uas) = Self.overlapping(test, calls: 4, answered: 2, hold: 1_500)
            var backup = SippOptions(scenario: "uas-answer.xml", role: "backup", localPort: test.ports.uac2,
                                     mediaPort: test.ports.uac2Media, controlPort: test.ports.uac2Control, remotePort: nil)
            backup.calls = 2
            backup.timeLimit = .seconds(30)
            let (result, backupResult, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let second = try await SippProcess.start(backup, artifacts: test.artifacts)
                let result = try await test.call(uac: uac, uas: uas)
                let backupResult = try await second.finish(within: .seconds(30))
                try await legato.expectNoCallsLeft()
                return (result, backupResult, legato.log)
            }
            #expect(result.uac.successfulCalls == 4, "\(result.uac.finalStatistics)")
            #expect(result.uac.failedCalls == 0, "\(result.uac.finalStatistics)")
            #expect(result.uas?.successfulCalls == 2, "\(result.uas?.finalStatistics ?? [:])")
            #expect(backupResult.successfulCalls == 2, "\(backupResult.finalStatistics)")
            #expect(log.components(separatedBy: "route.fallback").count - 1 == 2, "\(log)")
        }

        @Test("Without fallback the last route's cap refusal stands: fallback: next on a route with no next match answers 503")
        func fallbackWithoutNextRouteAnswers503() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.trunkExtra = ["local": ["    max_cps: 1"]]
            conf.routeExtra = ["to-local": ["    fallback: next"]]
            let (uac, uas) = Self.overlapping(test, calls: 2, answered: 1, hold: 500)
            let result = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: uac, uas: uas)
                try await legato.expectNoCallsLeft()
                return result
            }
            #expect(result.uac.successfulCalls == 1, "\(result.uac.finalStatistics)")
            #expect(result.uac.trace.responses(to: "INVITE", .received, code: 503).count == 1)
        }
    }
}
