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

        @Test("from the trunk: X-headers of 180, 200 and BYE reach the caller, except those from_trunk denies",
              arguments: ["direct", "relay"])
        func responsesAndByeCarryAllowedXHeaders(mode: String) async throws {
            let test = try TestContext()
            var conf = mode == "relay" ? test.relayConf() : test.conf()
            conf.trunks[0].fromTrunkDeny = ["^X-Internal"]
            var caller = test.uac("uac-wait-for-bye.xml")
            caller.keys = ["rtp_port": "\(test.ports.spare)"]
            let (callerResult, callee) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: caller, uas: test.uas("uas-x-headers.xml"))
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(callerResult)
            expectSuccess(callee)
            let trace = callerResult.trace
            let ringing = try #require(trace.responses(to: "INVITE", .received, code: 180).first, "\(trace)")
            #expect(ringing.header("X-Ring-Info") == "ringing-at-bob")
            #expect(!ringing.has("X-Internal-Ring"))
            let ok = try #require(trace.responses(to: "INVITE", .received, code: 200).first)
            #expect(ok.header("X-Answer-Info") == "answered-by-bob")
            #expect(!ok.has("X-Internal-Answer"))
            let bye = try #require(trace.requests("BYE", .received).first)
            #expect(bye.header("X-Bye-Reason") == "bob-is-done")
            #expect(!bye.has("X-Internal-Bye"))
        }

        @Test("customData: filled from the listener's header, sent on in the trunk's header")
        func customDataCrossesInConfiguredHeaders() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.listenerCustomDataHeader = "X-Account"
            conf.trunks[0].customDataHeader = "X-Customer-Data"
            let (caller, callee) = try await withLegato(conf, artifacts: test.artifacts) { _ in
                try await test.call(uac: test.uac("uac-basic.xml"), uas: test.uas("uas-answer.xml"))
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let invite = try #require(callee?.trace.requests("INVITE", .received).first)
            #expect(invite.header("X-Customer-Data") == "gold-42", "\(invite.raw)")
        }
    }
}
