import Testing

extension Integration {
    /// Messages that cross on the wire (RFC 3261 9.1, 15): each must end both legs cleanly.
    @Suite("Races")
    struct Races {
        @Test("CANCEL crossing the callee's 200: Legato ACKs the 200 once, then BYE; caller gets 487; no call left")
        func cancelCrossesTheCalleesAnswer() async throws {
            let test = try TestContext()
            let (caller, callee) = try await withLegato(test.conf(), artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: test.uac("uac-cancel-after-180.xml"),
                                                 uas: test.uas("uas-answer-after-cancel.xml"))
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)
            #expect(caller.trace.finalResponse(to: "INVITE", .received)?.statusCode == 487, "\(caller.trace)")
            // The 200 opened a dialog: exactly one ACK for it, then a BYE in that dialog.
            let acks = calleeTrace.requests("ACK", .received)
            let byes = calleeTrace.requests("BYE", .received)
            #expect(acks.count == 1, "\(calleeTrace)")
            #expect(byes.count == 1, "\(calleeTrace)")
            let invite = try #require(calleeTrace.requests("INVITE", .received).first)
            #expect(byes.first?.callID == invite.callID)
            if let ack = acks.first?.timestamp, let bye = byes.first?.timestamp { #expect(ack <= bye) }
        }
    }
}
