import Testing

extension Integration {
    /// Ending a call before it is answered: the caller's CANCEL, Legato's no-answer timer.
    @Suite("Cancel and no-answer timeout")
    struct CancelAndTimeout {
        @Test("caller CANCEL after 180: callee gets CANCEL, caller gets 200 for the CANCEL and 487")
        func callerCancelsAfterRinging() async throws {
            let test = try TestContext()
            let (caller, callee) = try await withLegato(test.conf(), artifacts: test.artifacts) { _ in
                try await test.call(uac: test.uac("uac-cancel-after-180.xml"),
                                    uas: test.uas("uas-ring-then-cancelled.xml"))
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)

            #expect(caller.trace.responses(to: "CANCEL", .received, code: 200).count >= 1, "\(caller.trace)")
            #expect(caller.trace.finalResponse(to: "INVITE", .received)?.statusCode == 487, "\(caller.trace)")

            // The callee's CANCEL matches the INVITE it cancels (RFC 3261 9.1):
            // same request-URI, Call-ID, CSeq number and top Via branch.
            let invite = try #require(calleeTrace.requests("INVITE", .received).first)
            let cancel = try #require(calleeTrace.requests("CANCEL", .received).first, "\(calleeTrace)")
            #expect(cancel.requestURI == invite.requestURI)
            #expect(cancel.callID == invite.callID)
            #expect(cancel.cseqNumber == invite.cseqNumber)
            #expect(cancel.topViaBranch == invite.topViaBranch)
            // ... and Legato ACKed the callee's 487.
            #expect(calleeTrace.requests("ACK", .received).count >= 1, "\(calleeTrace)")
        }

        @Test("no answer within no_answer_timeout: callee gets CANCEL, caller gets 480")
        func noAnswerTimeoutCancelsCalleeAndAnswers480() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.noAnswerTimeout = 2
            let (caller, callee) = try await withLegato(conf, artifacts: test.artifacts) { _ in
                try await test.call(uac: test.refusedCaller(service: "1000", expecting: 480),
                                    uas: test.uas("uas-ring-forever.xml"))
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)

            #expect(caller.trace.finalResponse(to: "INVITE", .received)?.statusCode == 480, "\(caller.trace)")
            let invite = try #require(calleeTrace.requests("INVITE", .received).first)
            let cancel = try #require(calleeTrace.requests("CANCEL", .received).first, "\(calleeTrace)")
            #expect(cancel.topViaBranch == invite.topViaBranch)
            // The CANCEL came after the 2 s timer, not at once.
            if let sent = invite.timestamp, let cancelled = cancel.timestamp {
                let ringing = cancelled - sent
                #expect(ringing >= 1.8 && ringing < 8, "CANCEL \(ringing) s after the INVITE, expected about 2 s")
            }
        }

        @Test("early media past early_media_timeout: caller gets 408, callee gets CANCEL")
        func earlyMediaIsLimited() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.earlyMediaTimeout = 2
            let (caller, callee) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: test.refusedCaller(service: "1000", expecting: 408),
                                                 uas: test.uas("uas-early-media-forever.xml"))
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)
            // The caller heard the callee's early media (183 with SDP), then 408 about 2 s later.
            let early = try #require(caller.trace.responses(to: "INVITE", .received, code: 183).first, "\(caller.trace)")
            #expect(early.body.contains("s=early"))
            let final = try #require(caller.trace.finalResponse(to: "INVITE", .received), "\(caller.trace)")
            #expect(final.statusCode == 408)
            if let start = early.timestamp, let end = final.timestamp {
                #expect(end - start >= 1.5 && end - start < 8, "408 \(end - start) s after the 183")
            }
            #expect(calleeTrace.requests("CANCEL", .received).count >= 1, "\(calleeTrace)")
        }
    }
}
