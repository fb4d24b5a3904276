import Testing

extension Integration {
    /// INFO and MESSAGE inside a bridged call: relayed to the other leg with
    /// body, content type and allowed X-headers, the far side's response
    /// returned to the sender.
    @Suite("INFO and MESSAGE")
    struct InDialogRequests {
        @Test("INFO and MESSAGE both ways: custom content type and X-header cross, a denied X-header does not, the far side's 415 comes back",
              arguments: ["direct", "relay"])
        func infoAndMessageAreRelayedBothWays(mode: String) async throws {
            let test = try TestContext()
            let conf = mode == "relay" ? test.relayConf() : test.conf()
            let (result, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: test.uac("uac-info-message.xml"),
                                                 uas: test.uas("uas-info-message.xml"))
                try await legato.expectNoCallsLeft()
                return (result, legato.log)
            }
            expectSuccess(result.uac)
            expectSuccess(result.uas)
            let callee = try #require(result.uas?.trace)
            let info = try #require(callee.requests("INFO", .received).first, "\(callee)")
            #expect(info.header("Content-Type") == "application/x-legato-test")
            #expect(info.header("X-Caller-Info") == "from-alice")
            #expect(info.header("X-Secret-Token") == nil, "a header the trunk policy denies crossed: \(info)")
            #expect(info.body.contains("caller-info-body"))
            let message = try #require(callee.requests("MESSAGE", .received).first)
            #expect(message.header("Content-Type") == "text/plain")
            // The caller got the callee's answers, not automatic ones.
            let caller = result.uac.trace
            #expect(caller.responses(to: "INFO", .received, code: 415).count == 1, "\(caller)")
            #expect(caller.responses(to: "MESSAGE", .received, code: 200).count == 1)
            let back = try #require(caller.requests("INFO", .received).first, "\(caller)")
            #expect(back.header("X-Callee-Info") == "from-bob")
            #expect(back.header("Content-Type") == "application/x-legato-test")
            #expect(back.callID != info.callID, "the legs' dialogs are separate")
            #expect(callee.responses(to: "INFO", .received, code: 200).count == 1, "\(callee)")
            #expect(caller.requests("MESSAGE", .received).first?.body.contains("hello alice") == true)
            #expect(callee.responses(to: "MESSAGE", .received, code: 200).count == 1, "\(callee)")
            let events = log.split(whereSeparator: \.isNewline).filter { $0.contains("call.signalling-event") }
            #expect(events.filter { $0.contains("call.event=InfoReceived ") }.count == 2, "\(events)")
            #expect(events.filter { $0.contains("call.event=MessageReceived ") }.count == 2, "\(events)")
        }
    }
}
