import Testing

extension Integration {
    @Suite("Max-Forwards")
    struct MaxForwards {
        @Test("INVITE with Max-Forwards 0 is answered 483 and not forwarded")
        func maxForwardsZeroIsAnswered483() async throws {
            let test = try TestContext()
            let trunk = try UDPSocket(port: test.ports.uas)
            let caller = try await withLegato(test.conf(), artifacts: test.artifacts) { _ in
                try await SippProcess.run(test.refusedCaller(service: "1000", expecting: 483, maxForwards: 0),
                                          artifacts: test.artifacts)
            }
            expectSuccess(caller)
            #expect(caller.trace.finalResponse(to: "INVITE", .received)?.statusCode == 483, "\(caller.trace)")
            let forwarded = trunk.receiveAll(for: .milliseconds(300))
            #expect(forwarded.isEmpty, "the trunk got: \(forwarded.map(\.text))")
        }

        @Test("INVITE with Max-Forwards 1 is forwarded with Max-Forwards 0")
        func maxForwardsOneIsForwardedWithZero() async throws {
            let test = try TestContext()
            // The callee answers 486, so the caller expects 486 (uac-expect-failure with Max-Forwards 1).
            let (caller, callee) = try await withLegato(test.conf(), artifacts: test.artifacts) { _ in
                try await test.call(uac: test.refusedCaller(service: "1000", expecting: 486, maxForwards: 1),
                                    uas: test.uas("uas-busy.xml"))
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let invite = try #require(callee?.trace.requests("INVITE", .received).first)
            #expect(invite.header("Max-Forwards") == "0")
        }
    }
}
