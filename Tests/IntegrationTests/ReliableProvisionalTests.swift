import Testing

extension Integration {
    /// RFC 3262 reliable provisional responses, terminated per leg: Legato
    /// sends its 18x reliably to a caller that requires it and PRACKs a
    /// callee's reliable 18x itself; PRACK never crosses to the other leg.
    @Suite("100rel / PRACK")
    struct ReliableProvisional {
        @Test("caller requires 100rel, callee sends a reliable 183: each leg gets its own PRACK exchange")
        func prackPerLeg() async throws {
            let test = try TestContext()
            let (caller, callee) = try await withLegato(test.conf(), artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: test.uac("uac-100rel.xml"), uas: test.uas("uas-100rel.xml"))
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)
            // Legato PRACKed the callee's reliable 183 on the callee's leg.
            let prack = try #require(calleeTrace.requests("PRACK", .received).first, "\(calleeTrace)")
            #expect(prack.header("RAck")?.hasPrefix("1 ") == true)
            // The caller's reliable provisional came from Legato, with its own RSeq, and was PRACKed on the caller's leg.
            let provisional = try #require(caller.trace.responses(to: "INVITE", .received)
                .first { $0.header("RSeq") != nil }, "\(caller.trace)")
            #expect(provisional.header("Require")?.contains("100rel") == true)
            #expect(caller.trace.responses(to: "PRACK", .received, code: 200).count == 1)
            // Only one PRACK reached the callee: the caller's PRACK did not cross.
            #expect(calleeTrace.requests("PRACK", .received).count == 1)
        }
    }
}
