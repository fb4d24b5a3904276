import Testing

extension Integration {
    /// X- headers of the inbound INVITE cross to the outbound one per the
    /// trunk's allow/deny patterns (allow ^X-, deny ^X-Secret).
    @Suite("Header policy")
    struct HeaderPolicy {
        @Test("allowed X- header is copied to the callee, denied one is not")
        func allowedXHeaderCrossesAndDeniedDoesNot() async throws {
            let test = try TestContext()
            let (caller, callee) = try await withLegato(test.conf(), artifacts: test.artifacts) { _ in
                try await test.call(uac: test.uac("uac-basic.xml"), uas: test.uas("uas-answer.xml"))
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let sent = try #require(caller.trace.requests("INVITE", .sent).first)
            #expect(sent.header("X-Account") == "gold-42")
            #expect(sent.header("X-Secret-Token") == "s3cret")

            let invite = try #require(callee?.trace.requests("INVITE", .received).first)
            #expect(invite.values("X-Account") == ["gold-42"], "\(invite.raw)")
            #expect(!invite.has("X-Secret-Token"), "denied header crossed:\n\(invite.raw)")
            #expect(!invite.raw.contains("s3cret"), "denied header's value crossed:\n\(invite.raw)")
        }
    }
}
