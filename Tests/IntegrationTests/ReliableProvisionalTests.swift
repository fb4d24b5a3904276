import Testing

extension Integration {
    /// RFC 3262 reliable provisional responses: passed end to end when both
    /// sides support 100rel (the caller's PRACK goes on to the callee),
    /// terminated per leg when only one does.
    @Suite("100rel / PRACK")
    struct ReliableProvisional {
        @Test("both sides support 100rel: the callee's reliable 183 reaches the caller reliably and the caller's PRACK reaches the callee",
              arguments: ["direct", "relay"])
        func prackEndToEnd(mode: String) async throws {
            let test = try TestContext()
            let conf = mode == "relay" ? test.relayConf() : test.conf()
            let (caller, callee) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: test.uac("uac-100rel.xml"), uas: test.uas("uas-100rel.xml"))
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)
            // One PRACK reached the callee, and it is the caller's (its X-header crossed).
            let pracks = calleeTrace.requests("PRACK", .received)
            #expect(pracks.count == 1, "\(calleeTrace)")
            #expect(pracks.first?.header("RAck")?.hasPrefix("1 ") == true)
            #expect(pracks.first?.header("X-Prack-Tag") == "from-alice", "the callee was PRACKed by Legato, not by the caller")
            let provisional = try #require(caller.trace.responses(to: "INVITE", .received)
                .first { $0.header("RSeq") != nil }, "\(caller.trace)")
            #expect(provisional.header("Require")?.contains("100rel") == true)
            #expect(caller.trace.responses(to: "PRACK", .received, code: 200).count == 1)
        }

        @Test("only the callee supports 100rel: Legato PRACKs the callee itself, the caller gets an unreliable 183")
        func prackTerminatedPerLeg() async throws {
            let test = try TestContext()
            let (caller, callee) = try await withLegato(test.conf(), artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: test.uac("uac-no-100rel.xml"), uas: test.uas("uas-100rel.xml"))
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)
            let pracks = calleeTrace.requests("PRACK", .received)
            #expect(pracks.count == 1, "\(calleeTrace)")
            #expect(pracks.first?.header("X-Prack-Tag") == nil)
            let provisional = try #require(caller.trace.responses(to: "INVITE", .received, code: 183).first)
            #expect(provisional.header("RSeq") == nil, "\(provisional.raw)")
            #expect(caller.trace.requests("PRACK", .sent).isEmpty)
        }

        @Test("only the caller supports 100rel: Legato sends its 183 reliably and answers the caller's PRACK itself")
        func prackAnsweredByLegato() async throws {
            let test = try TestContext()
            let (caller, callee) = try await withLegato(test.conf(), artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: test.uac("uac-100rel.xml"), uas: test.uas("uas-183-sdp.xml"))
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(caller)
            expectSuccess(callee)
            #expect(callee?.trace.requests("PRACK", .received).isEmpty == true)
            let provisional = try #require(caller.trace.responses(to: "INVITE", .received, code: 183).first)
            #expect(provisional.header("RSeq") != nil)
            #expect(caller.trace.responses(to: "PRACK", .received, code: 200).count == 1)
        }
    }
}
