import Testing

extension Integration {
    /// A bridged call from INVITE to BYE, hung up by either side.
    @Suite("Basic calls")
    struct BasicCalls {
        @Test("caller hangs up: SDP passes unchanged both ways, Max-Forwards decremented, BYE relayed")
        func callerHangsUp() async throws {
            let test = try TestContext()
            var uac = test.uac("uac-basic.xml")
            uac.pauseMilliseconds = 500
            let (caller, callee) = try await withLegato(test.conf(), artifacts: test.artifacts) { _ in
                try await test.call(uac: uac, uas: test.uas("uas-answer.xml"))
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)

            // The callee got an INVITE with the caller's offer, unchanged, and Max-Forwards 70 - 1.
            let callerInvite = try #require(caller.trace.requests("INVITE", .sent).first)
            let invite = try #require(calleeTrace.requests("INVITE", .received).first, "\(calleeTrace)")
            #expect(invite.header("Max-Forwards") == "69")
            #expect(invite.body == callerInvite.body, "offer changed on the way:\n\(invite.body)")
            #expect(invite.header("Content-Type")?.lowercased() == "application/sdp")

            // The caller got the callee's 200 with the callee's answer, byte for byte.
            let calleeOK = try #require(calleeTrace.responses(to: "INVITE", .sent, code: 200).first)
            let callerOK = try #require(caller.trace.responses(to: "INVITE", .received, code: 200).first,
                                        "\(caller.trace)")
            #expect(!calleeOK.body.isEmpty)
            #expect(callerOK.body == calleeOK.body, "answer changed on the way:\n\(callerOK.body)")
            #expect(callerOK.header("Content-Type")?.lowercased() == "application/sdp")

            // The 180 was relayed before the 200.
            #expect(caller.trace.responses(to: "INVITE", .received, code: 180).count >= 1)

            // The callee got the ACK and the BYE; the caller's BYE was answered 200.
            #expect(calleeTrace.requests("ACK", .received).count >= 1)
            #expect(calleeTrace.requests("BYE", .received).count >= 1, "\(calleeTrace)")
            #expect(caller.trace.responses(to: "BYE", .received, code: 200).count >= 1, "\(caller.trace)")
        }

        @Test("callee hangs up: its BYE reaches the caller and the caller's 200 goes back")
        func calleeHangsUp() async throws {
            let test = try TestContext()
            var uas = test.uas("uas-answer-then-bye.xml")
            uas.pauseMilliseconds = 500
            let (caller, callee) = try await withLegato(test.conf(), artifacts: test.artifacts) { _ in
                try await test.call(uac: test.uac("uac-bye-from-callee.xml"), uas: uas)
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)

            let bye = try #require(caller.trace.requests("BYE", .received).first, "\(caller.trace)")
            // In the caller's dialog: its Call-ID, its From tag as To tag.
            let callerInvite = try #require(caller.trace.requests("INVITE", .sent).first)
            #expect(bye.callID == callerInvite.callID)
            #expect(bye.toTag == callerInvite.fromTag)
            // Sent to the caller's Contact.
            #expect(bye.requestURI?.contains("127.0.0.1:\(test.ports.uac)") == true, "\(bye.startLine)")
            #expect(calleeTrace.responses(to: "BYE", .received, code: 200).count >= 1, "\(calleeTrace)")
        }
    }
}
