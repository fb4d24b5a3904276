import Testing

extension Integration {
    @Suite("Load")
    struct Load {
        @Test("500 calls at 50 calls/s (at most 100 at once): none fails, a call still works afterwards, no dialog is left")
        func fiveHundredCallsAtFiftyPerSecond() async throws {
            let test = try TestContext()
            var uas = test.uas("uas-answer.xml")
            uas.calls = 500
            uas.timeLimit = .seconds(150)
            var uac = test.uac("uac-basic.xml")
            uac.calls = 500
            uac.rate = 50
            uac.limit = 100
            uac.pauseMilliseconds = 200
            uac.timeLimit = .seconds(120)

            let after = test.uac("uac-basic.xml", role: "uac2")
            var afterCallee = test.uas("uas-answer.xml")
            afterCallee.role = "uas2"

            var conf = test.conf()
            conf.overloadLagMilliseconds = nil   // the daemon's default shedding
            let (load, later) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let load = try await test.call(uac: uac, uas: uas)
                let later = try await test.call(uac: after, uas: afterCallee)
                try await legato.expectNoCallsLeft()
                return (load, later)
            }
            #expect(load.uac.exitCode == 0, "caller: exit \(load.uac.exitCode), errors: \(load.uac.errors.prefix(3000))")
            #expect(load.uac.successfulCalls == 500, "\(load.uac.finalStatistics)")
            #expect(load.uac.failedCalls == 0, "\(load.uac.finalStatistics)")
            #expect(load.uas?.exitCode == 0, "callee: errors: \(load.uas?.errors.prefix(3000) ?? "")")
            #expect(load.uas?.successfulCalls == 500, "\(load.uas?.finalStatistics ?? [:])")
            expectSuccess(later.uac)
            expectSuccess(later.uas)
        }

        @Test("relay mode: 1,000 calls at 100 calls/s, none fails, and every relay port is free again afterwards")
        func thousandRelayedCallsReleaseTheirPorts() async throws {
            let test = try TestContext()
            let relayLow = test.ports.base + 30_000
            let relayHigh = relayLow + 399
            var conf = test.conf()
            conf.mediaSection = ["  mode: relay", "  address: 127.0.0.1",
                                 "  port_min: \(relayLow)", "  port_max: \(relayHigh)"]
            var uas = test.uas("uas-answer.xml")
            uas.calls = 1000
            uas.timeLimit = .seconds(150)
            var uac = test.uac("uac-basic.xml")
            uac.calls = 1000
            uac.rate = 100
            uac.limit = 100
            uac.pauseMilliseconds = 200
            uac.timeLimit = .seconds(120)
            let (load, boundAfter, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let load = try await test.call(uac: uac, uas: uas)
                try await Task.sleep(for: .milliseconds(500))
                // The daemon is still running: none of its relay sockets may be left.
                let bound = await legato.boundUDPPorts(in: relayLow...relayHigh)
                try await legato.expectNoCallsLeft()
                return (load, bound, legato.log)
            }
            #expect(load.uac.successfulCalls == 1000, "\(load.uac.finalStatistics)")
            #expect(load.uac.failedCalls == 0, "\(load.uac.finalStatistics)")
            #expect(load.uas?.successfulCalls == 1000, "\(load.uas?.finalStatistics ?? [:])")
            #expect(boundAfter.isEmpty, "relay ports still bound after the calls ended: \(boundAfter.prefix(20))")
            #expect(log.contains("media.ports.allocated=0 "), "the pool was not empty at shutdown")
        }
    }
}
