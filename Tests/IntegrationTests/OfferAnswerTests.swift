import Testing

extension Integration {
    /// SDP offer/answer across the bridge (direct mode: SDP passes unchanged).
    @Suite("Offer/answer")
    struct OfferAnswer {
        @Test("delayed offer: callee's 200 offer reaches the caller, caller's ACK answer reaches the callee")
        func delayedOfferIsCarriedEndToEnd() async throws {
            let test = try TestContext()
            var uac = test.uac("uac-delayed-offer.xml")
            uac.pauseMilliseconds = 300
            let (caller, callee) = try await withLegato(test.conf(), artifacts: test.artifacts) { _ in
                try await test.call(uac: uac, uas: test.uas("uas-delayed-offer.xml"))
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)

            // Legato's INVITE to the callee has no offer either.
            let invite = try #require(calleeTrace.requests("INVITE", .received).first)
            #expect(invite.body.isEmpty, "unexpected body in the delayed-offer INVITE:\n\(invite.body)")

            // The offer: callee's 200 → caller's 200, byte for byte.
            let offer = try #require(calleeTrace.responses(to: "INVITE", .sent, code: 200).first)
            let relayedOffer = try #require(caller.trace.responses(to: "INVITE", .received, code: 200).first,
                                            "\(caller.trace)")
            #expect(!offer.body.isEmpty)
            #expect(relayedOffer.body == offer.body, "offer changed on the way:\n\(relayedOffer.body)")

            // The answer: caller's ACK → callee's ACK, byte for byte.
            let answer = try #require(caller.trace.requests("ACK", .sent).first)
            let relayedAnswer = try #require(calleeTrace.requests("ACK", .received).first, "\(calleeTrace)")
            #expect(!answer.body.isEmpty)
            #expect(relayedAnswer.body == answer.body, "answer changed on the way:\n\(relayedAnswer.body)")
            #expect(relayedAnswer.header("Content-Type")?.lowercased() == "application/sdp")
        }

        @Test("early media: the callee's 183 with SDP reaches the caller with the same SDP")
        func earlyMedia183IsRelayedWithItsSDP() async throws {
            let test = try TestContext()
            var uac = test.uac("uac-early-media.xml")
            uac.pauseMilliseconds = 300
            let (caller, callee) = try await withLegato(test.conf(), artifacts: test.artifacts) { _ in
                try await test.call(uac: uac, uas: test.uas("uas-183-sdp.xml"))
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)
            let early = try #require(calleeTrace.responses(to: "INVITE", .sent, code: 183).first)
            let relayed = try #require(caller.trace.responses(to: "INVITE", .received, code: 183).first,
                                       "\(caller.trace)")
            #expect(relayed.body == early.body, "183 SDP changed on the way:\n\(relayed.body)")
            #expect(relayed.header("Content-Type")?.lowercased() == "application/sdp")
            let final = try #require(caller.trace.responses(to: "INVITE", .received, code: 200).first)
            let calleeFinal = try #require(calleeTrace.responses(to: "INVITE", .sent, code: 200).first)
            #expect(final.body == calleeFinal.body)
            // Same dialog for the early and the confirmed response (same To tag).
            #expect(relayed.toTag == final.toTag)
        }
    }
}
