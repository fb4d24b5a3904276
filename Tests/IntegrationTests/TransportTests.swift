import Testing

extension Integration {
    /// Calls that change transport at Legato.
    @Suite("Transports")
    struct Transports {
        @Test("UDP caller, TCP callee (trunk transport tcp)")
        func udpCallerReachesTCPCallee() async throws {
            let test = try TestContext()
            var uac = test.uac("uac-basic.xml", transport: .udp)
            uac.pauseMilliseconds = 300
            let (caller, callee) = try await withLegato(test.conf(calleeTransport: "tcp"), artifacts: test.artifacts) { _ in
                try await test.call(uac: uac, uas: test.uas("uas-answer.xml", transport: .tcp))
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)
            #expect(!calleeTrace.messages.isEmpty && calleeTrace.messages.allSatisfy { $0.transport == "TCP" },
                    "\(calleeTrace)")
            #expect(caller.trace.messages.allSatisfy { $0.transport == "UDP" })
            let invite = try #require(calleeTrace.requests("INVITE", .received).first)
            #expect(invite.vias.first?.uppercased().contains("/TCP") == true, "\(invite.vias)")
            #expect(caller.trace.responses(to: "BYE", .received, code: 200).count >= 1, "\(caller.trace)")
        }

        @Test("TCP caller, UDP callee")
        func tcpCallerReachesUDPCallee() async throws {
            let test = try TestContext()
            var uac = test.uac("uac-basic.xml", transport: .tcp)
            uac.pauseMilliseconds = 300
            let (caller, callee) = try await withLegato(test.conf(), artifacts: test.artifacts) { _ in
                try await test.call(uac: uac, uas: test.uas("uas-answer.xml", transport: .udp))
            }
            expectSuccess(caller)
            expectSuccess(callee)
            #expect(!caller.trace.messages.isEmpty && caller.trace.messages.allSatisfy { $0.transport == "TCP" },
                    "\(caller.trace)")
            let calleeTrace = try #require(callee?.trace)
            #expect(calleeTrace.messages.allSatisfy { $0.transport == "UDP" })
            let invite = try #require(calleeTrace.requests("INVITE", .received).first)
            #expect(invite.vias.first?.uppercased().contains("/UDP") == true, "\(invite.vias)")
            #expect(caller.trace.responses(to: "BYE", .received, code: 200).count >= 1, "\(caller.trace)")
        }
    }
}
