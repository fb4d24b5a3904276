import Testing

extension Integration {
    /// Legato is a B2BUA: each leg is its own dialog, and neither side learns
    /// the other's addresses or dialog identifiers from the signalling.
    @Suite("Topology hiding")
    struct TopologyHiding {
        @Test("callee sees none of the caller's Call-ID, From tag, Contact or Via; caller none of the callee's")
        func eachSideSeesOnlyLegato() async throws {
            let test = try TestContext()
            let (caller, callee) = try await withLegato(test.conf(), artifacts: test.artifacts) { _ in
                try await test.call(uac: test.uac("uac-basic.xml"), uas: test.uas("uas-answer.xml"))
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)
            let callerInvite = try #require(caller.trace.requests("INVITE", .sent).first)
            let invite = try #require(calleeTrace.requests("INVITE", .received).first)

            let callerCallID = try #require(callerInvite.callID)
            let callerTag = try #require(callerInvite.fromTag)
            let callerBranch = try #require(callerInvite.topViaBranch)
            let callerHostPort = "127.0.0.1:\(test.ports.uac)"

            #expect(invite.callID != callerCallID)
            #expect(invite.fromTag != nil && invite.fromTag != callerTag)
            let calleeHeaders = invite.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
            for secret in [callerCallID, callerTag, callerBranch, callerHostPort, ":\(test.ports.uac)"] {
                #expect(!calleeHeaders.contains(secret), "callee's INVITE reveals \(secret):\n\(calleeHeaders)")
            }
            // One Via: Legato's own, on its listening port; its Contact is Legato.
            #expect(invite.vias.count == 1, "\(invite.vias)")
            #expect(invite.topViaSentBy == "127.0.0.1:\(test.ports.legato)", "\(invite.vias)")
            #expect(invite.topViaBranch != callerBranch)
            #expect(invite.header("Contact")?.contains("127.0.0.1:\(test.ports.legato)") == true)
            // From: the caller's user at Legato's address.
            let from = try #require(invite.header("From"))
            #expect(from.contains("sip:alice@127.0.0.1"), "\(from)")

            // The other way: the caller's 200 shows none of the callee's dialog or address.
            let calleeOK = try #require(calleeTrace.responses(to: "INVITE", .sent, code: 200).first)
            let callerOK = try #require(caller.trace.responses(to: "INVITE", .received, code: 200).first)
            let calleeTag = try #require(calleeOK.toTag)
            #expect(callerOK.toTag != nil && callerOK.toTag != calleeTag)
            let callerHeaders = callerOK.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
            for secret in [calleeTag, invite.callID ?? "-", "127.0.0.1:\(test.ports.uas)", ":\(test.ports.uas)"] {
                #expect(!callerHeaders.contains(secret), "caller's 200 reveals \(secret):\n\(callerHeaders)")
            }
            #expect(callerOK.header("Contact")?.contains("127.0.0.1:\(test.ports.legato)") == true)
        }
    }
}
