import Testing

extension Integration {
    /// Session modification in an established call (RFC 3261 14).
    @Suite("re-INVITE")
    struct Reinvite {
        @Test("direct mode: a hold re-INVITE reaches the callee with its SDP unchanged, and the answer comes back")
        func holdReinviteIsRelayedEndToEnd() async throws {
            let test = try TestContext()
            let (caller, callee, log) = try await withLegato(test.conf(), artifacts: test.artifacts) { legato in
                let (caller, callee) = try await test.call(uac: test.uac("uac-reinvite-hold.xml"),
                                                           uas: test.uas("uas-answer-reinvite.xml"))
                try await legato.expectNoCallsLeft()
                return (caller, callee, legato.log)
            }
            // The caller's call saw the re-INVITE, its acceptance and the hold it means.
            let events = log.split(whereSeparator: \.isNewline).filter { $0.contains("call.signalling-event") }
            for (event, count) in [("ReInviteReceived", 1), ("ReInviteAccepted", 1), ("OnHold", 1),
                                   ("ReInviteRejected", 0), ("OffHold", 0)] {
                #expect(events.filter { $0.contains("call.event=\(event) ") }.count == count, "\(event): \(events)")
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)
            let invites = calleeTrace.requests("INVITE", .received)
            try #require(invites.count == 2, "\(calleeTrace)")
            // Same dialog on the callee's side, a new transaction, the caller's hold SDP byte for byte.
            #expect(invites[1].callID == invites[0].callID)
            #expect(invites[1].cseqNumber != invites[0].cseqNumber)
            let holdOffer = try #require(caller.trace.requests("INVITE", .sent).last)
            #expect(invites[1].body == holdOffer.body, "the re-INVITE's SDP changed on the way")
            // The callee's answer reached the caller unchanged, and both 2xx were ACKed.
            let answers = caller.trace.responses(to: "INVITE", .received, code: 200)
            let calleeAnswer = try #require(calleeTrace.responses(to: "INVITE", .sent, code: 200).last)
            #expect(answers.last?.body == calleeAnswer.body)
            #expect(calleeTrace.requests("ACK", .received).count == 2, "\(calleeTrace)")
        }
    }
}
