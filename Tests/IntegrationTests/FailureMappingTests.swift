import Testing

extension Integration {
    /// A callee's failure response reaches the caller mapped to the code the
    /// brief's table gives (486→486, 603→603, 404→404, 480→480, 503→503,
    /// 401/407→503, 3xx→480).
    @Suite("Failure mapping")
    struct FailureMapping {
        @Test("callee busy 486 is relayed to the caller as 486")
        func calleeBusyIsRelayedAs486() async throws {
            let test = try TestContext()
            let (caller, callee) = try await withLegato(test.conf(), artifacts: test.artifacts) { _ in
                try await test.call(uac: test.refusedCaller(service: "1000", expecting: 486),
                                    uas: test.uas("uas-busy.xml"))
            }
            expectSuccess(caller)
            expectSuccess(callee)
            #expect(caller.trace.finalResponse(to: "INVITE", .received)?.statusCode == 486, "\(caller.trace)")
            // Legato ACKed the callee's 486 (RFC 3261 17.1.1.3).
            #expect(callee?.trace.requests("ACK", .received).count ?? 0 >= 1)
        }

        struct Mapping: Sendable, CustomTestStringConvertible {
            let calleeCode: Int
            let reason: String
            let extraHeader: String
            let callerCode: Int
            var testDescription: String { "\(calleeCode) \(reason) [\(extraHeader)] → \(callerCode)" }
        }

        static let mappings: [Mapping] = [
            Mapping(calleeCode: 603, reason: "Decline", extraHeader: "X-Mapping: 603", callerCode: 603),
            Mapping(calleeCode: 404, reason: "Not Found", extraHeader: "X-Mapping: 404", callerCode: 404),
            Mapping(calleeCode: 480, reason: "Temporarily Unavailable", extraHeader: "X-Mapping: 480", callerCode: 480),
            Mapping(calleeCode: 503, reason: "Service Unavailable", extraHeader: "X-Mapping: 503", callerCode: 503),
            // A 503 usually says when to come back; it is still a final answer for this call.
            Mapping(calleeCode: 503, reason: "Service Unavailable", extraHeader: "Retry-After: 5", callerCode: 503),
            Mapping(calleeCode: 401, reason: "Unauthorized",
                    extraHeader: #"WWW-Authenticate: Digest realm="callee.test", nonce="4b1d""#, callerCode: 503),
            Mapping(calleeCode: 407, reason: "Proxy Authentication Required",
                    extraHeader: #"Proxy-Authenticate: Digest realm="callee.test", nonce="4b1d""#, callerCode: 503),
            Mapping(calleeCode: 302, reason: "Moved Temporarily",
                    extraHeader: "Contact: <sip:elsewhere@127.0.0.1:9>", callerCode: 480),
        ]

        @Test("callee failure is mapped for the caller", .serialized, arguments: mappings)
        func calleeFailureIsMapped(_ mapping: Mapping) async throws {
            let test = try TestContext("calleeFailureIsMapped-\(mapping.calleeCode)")
            var conf = test.conf()
            conf.noAnswerTimeout = 5   // a failure that is not relayed shows as 480 after this
            var uas = test.uas("uas-reject.xml")
            uas.substitutions = ["__CODE__": "\(mapping.calleeCode)", "__REASON__": mapping.reason]
            uas.keys = ["extra_header": mapping.extraHeader]
            let (caller, callee) = try await withLegato(conf, artifacts: test.artifacts) { _ in
                try await test.call(uac: test.refusedCaller(service: "1000", expecting: mapping.callerCode), uas: uas)
            }
            expectSuccess(caller)
            expectSuccess(callee)
            #expect(caller.trace.finalResponse(to: "INVITE", .received)?.statusCode == mapping.callerCode,
                    "\(caller.trace)")
        }
    }
}
