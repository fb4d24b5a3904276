import Testing

extension Integration {
    /// Routes that answer the caller themselves: no match (404), a reject route.
    @Suite("Routing")
    struct Routing {
        @Test("no matching route: 404 and nothing sent to any trunk")
        func noMatchingRouteAnswers404() async throws {
            let test = try TestContext()
            let trunk = try UDPSocket(port: test.ports.uas)   // stands in for the callee
            let caller = try await withLegato(test.conf(), artifacts: test.artifacts) { _ in
                try await SippProcess.run(test.refusedCaller(service: "alice", expecting: 404), artifacts: test.artifacts)
            }
            expectSuccess(caller)
            #expect(caller.trace.finalResponse(to: "INVITE", .received)?.statusCode == 404, "\(caller.trace)")
            let forwarded = trunk.receiveAll(for: .milliseconds(300))
            #expect(forwarded.isEmpty, "the trunk got: \(forwarded.map(\.text))")
        }

        @Test("reject route: its code and reason phrase, nothing forwarded")
        func rejectRouteAnswersItsCodeAndReason() async throws {
            let test = try TestContext()
            let trunk = try UDPSocket(port: test.ports.uas)
            let caller = try await withLegato(test.conf(), artifacts: test.artifacts) { _ in
                try await SippProcess.run(test.refusedCaller(service: "666", expecting: 403), artifacts: test.artifacts)
            }
            expectSuccess(caller)
            let final = try #require(caller.trace.finalResponse(to: "INVITE", .received), "\(caller.trace)")
            #expect(final.statusCode == 403)
            #expect(final.reasonPhrase == "Forbidden Here")
            let forwarded = trunk.receiveAll(for: .milliseconds(300))
            #expect(forwarded.isEmpty, "the trunk got: \(forwarded.map(\.text))")
        }

        @Test("route matching a header: X-Route gold goes to its trunk, others fall through to 404")
        func headerRouteMatchesOnHeaderValue() async throws {
            let test = try TestContext()
            var conf = test.conf()
            // Only callers with X-Account: gold-… are bridged; the numeric catch-all is removed.
            conf.routes = [
                .init(name: "gold", ruriUser: "^[0-9]+$", headers: ["X-Account": "^gold-"], action: .bridge(trunk: "local")),
            ]
            // uac-basic sends X-Account: gold-42; uac-expect-failure sends no X-Account.
            let (gold, plain) = try await withLegato(conf, artifacts: test.artifacts) { _ in
                let gold = try await test.call(uac: test.uac("uac-basic.xml"), uas: test.uas("uas-answer.xml"))
                let plain = try await SippProcess.run(
                    test.refusedCaller(service: "1000", expecting: 404, role: "uac2"), artifacts: test.artifacts)
                return (gold, plain)
            }
            expectSuccess(gold.uac)
            expectSuccess(gold.uas)
            #expect(gold.uac.trace.finalResponse(to: "INVITE", .received)?.statusCode == 200, "\(gold.uac.trace)")
            expectSuccess(plain)
            #expect(plain.trace.finalResponse(to: "INVITE", .received)?.statusCode == 404, "\(plain.trace)")
        }
    }
}
