import Testing

extension Integration {
    /// RFC 4028 session timers, per leg (`signalling.session_timer`, default
    /// 1800 s), run by Legato itself: a leg has a timer only where its remote
    /// side negotiated one; Legato refreshes where it is the refresher (UPDATE
    /// when the peer allows it, else re-INVITE with its SDP), ends a call only
    /// on 408/481/no answer to a refresh or when a remote refresher lets the
    /// session expire, and logs why (`call.ended cause=…`). The tests use the
    /// smallest interval RFC 4028 allows (90 s), so each takes about a minute.
    @Suite("Session timers")
    struct SessionTimers {
        /// Headers of a callee's 200 that make Legato the refresher.
        static func refresherHeaders(allowUpdate: Bool) -> String {
            "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS\(allowUpdate ? ", UPDATE" : "")\r\n"
                + "      Supported: timer\r\n      Require: timer\r\n      Session-Expires: 90;refresher=uac"
        }

        /// Runs one call from `caller` to `callee` through a daemon on `conf`
        /// (default: the test conf), with every leg gone at the end.
        func run(_ test: TestContext, callee: SippOptions, caller callerOptions: SippOptions? = nil,
                 conf: LegatoConf? = nil) async throws -> (caller: SippResult, callee: SippResult?, log: String) {
            var callee = callee
            callee.timeLimit = .seconds(150)
            return try await withLegato(conf ?? test.conf(), artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: callerOptions ?? caller(test), uas: callee)
                try await legato.expectNoCallsLeft()
                return (result.uac, result.uas, legato.log)
            }
        }

        func caller(_ test: TestContext, headers: String = "X-Timer-Test: refresh") -> SippOptions {
            var caller = test.uac("uac-session-timer.xml")
            caller.keys = ["rtp_port": "\(test.ports.spare)"]
            caller.substitutions = ["SESSION_TIMER_HEADERS": headers]
            caller.timeLimit = .seconds(150)
            return caller
        }

        @Test("Legato is the refresher on the callee's leg and the callee allows UPDATE: it refreshes with UPDATE")
        func legatoRefreshesWithUpdate() async throws {
            let test = try TestContext()
            let callee = test.uas("uas-session-timer-refreshed.xml")
            let (callerResult, calleeResult, _) = try await run(test, callee: callee)
            expectSuccess(callerResult)
            expectSuccess(calleeResult)
            let trace = try #require(calleeResult?.trace)
            let invite = try #require(trace.requests("INVITE", .received).first)
            #expect(invite.header("Session-Expires") == "1800", "Legato offers its interval: \(invite.raw)")
            #expect(invite.header("Min-SE") == "90")
            let refresh = try #require(trace.requests("UPDATE", .received).first, "\(trace)")
            #expect(refresh.body.isEmpty)
            #expect(refresh.callID == invite.callID)
            #expect(refresh.header("Session-Expires") == "90;refresher=uac")
            // The caller's leg ends with the callee's BYE, not with an expiry.
            #expect(callerResult.trace.requests("BYE", .received).count == 1)
        }

        @Test("a callee that does not allow UPDATE is refreshed with a re-INVITE carrying Legato's SDP",
              arguments: ["direct", "relay"])
        func legatoRefreshesWithReinvite(mode: String) async throws {
            let test = try TestContext()
            var callee = test.uas("uas-session-refresh-reinvite.xml")
            callee.substitutions = ["TIMER_HEADERS": Self.refresherHeaders(allowUpdate: false)]
            let conf = mode == "relay" ? test.relayConf() : test.conf()
            let (callerResult, calleeResult, _) = try await run(test, callee: callee, conf: conf)
            expectSuccess(callerResult)
            expectSuccess(calleeResult)
            let trace = try #require(calleeResult?.trace)
            #expect(trace.requests("UPDATE", .received).isEmpty)
            let invites = trace.requests("INVITE", .received)
            try #require(invites.count == 2, "\(trace)")
            #expect(invites[1].body == invites[0].body, "the refresh repeats the SDP Legato sent")
            #expect(invites[1].header("Session-Expires") == "90;refresher=uac")
            #expect(callerResult.trace.requests("INVITE", .received).isEmpty, "a refresh stays on its leg")
            #expect(callerResult.trace.requests("BYE", .received).count == 1)
        }

        @Test("a refresh answered 501 or 405 leaves the call up; the next refresh is a re-INVITE",
              arguments: ["501 Not Implemented", "405 Method Not Allowed"])
        func rejectedRefreshKeepsCall(status: String) async throws {
            let test = try TestContext()
            var callee = test.uas("uas-session-refresh-rejected.xml")
            callee.substitutions = ["TIMER_HEADERS": Self.refresherHeaders(allowUpdate: true), "REFRESH_STATUS": status]
            let (callerResult, calleeResult, log) = try await run(test, callee: callee)
            expectSuccess(callerResult)
            expectSuccess(calleeResult)
            let trace = try #require(calleeResult?.trace)
            #expect(trace.requests("BYE", .received).isEmpty, "Legato must not end the call: \(trace)")
            #expect(trace.requests("INVITE", .received).count == 2)
            #expect(callerResult.trace.requests("BYE", .received).count == 1, "the callee's BYE reaches the caller")
            #expect(log.contains("cause=remote-bye"), "the call ends by the callee's BYE")
            #expect(!log.contains("cause=refresh-failed"))
        }

        @Test("a refresh answered 481 ends both legs, logged as refresh-failed")
        func refresh481EndsCall() async throws {
            let test = try TestContext()
            var callee = test.uas("uas-session-refresh-481.xml")
            callee.substitutions = ["TIMER_HEADERS": Self.refresherHeaders(allowUpdate: true)]
            let (callerResult, calleeResult, log) = try await run(test, callee: callee)
            expectSuccess(callerResult)
            expectSuccess(calleeResult)
            #expect(callerResult.trace.requests("BYE", .received).count == 1)
            #expect(log.contains("call.ended") && log.contains("cause=refresh-failed"), "\(log.suffix(3000))")
        }

        @Test("neither side negotiates timers (baresip-like): no refresh is sent, the call stays up")
        func noTimerWithoutNegotiation() async throws {
            let test = try TestContext()
            var callee = test.uas("uas-session-no-timer.xml")
            callee.substitutions = ["TIMER_HEADERS": "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, MESSAGE, REFER"]
            var conf = test.conf()
            conf.sessionTimer = 90
            let (callerResult, calleeResult, _) = try await run(test, callee: callee, conf: conf)
            expectSuccess(callerResult)
            expectSuccess(calleeResult)
            let invite = try #require(calleeResult?.trace.requests("INVITE", .received).first)
            #expect(invite.header("Session-Expires") == "90")
            #expect(invite.header("Supported")?.contains("timer") != true)
            let ok = try #require(callerResult.trace.responses(to: "INVITE", .received, code: 200).first)
            #expect(ok.header("Session-Expires") == nil, "the caller negotiated no timer: \(ok.raw)")
            #expect(callerResult.trace.requests("UPDATE", .received).isEmpty)
            #expect(callerResult.trace.requests("INVITE", .received).isEmpty)
            #expect(callerResult.trace.requests("BYE", .received).count == 1)
        }

        @Test("the caller is the refresher and never refreshes: Legato ends both legs when its session expires")
        func expiredSessionEndsBothLegs() async throws {
            let test = try TestContext()
            var callee = test.uas("uas-answer.xml")
            callee.substitutions = ["timeout=\"60000\"": "timeout=\"120000\""]
            let started = ContinuousClock.now
            let (callerResult, calleeResult, log) = try await run(
                test, callee: callee, caller: caller(test, headers: "Supported: timer\r\n      Session-Expires: 90;refresher=uac"))
            let elapsed = ContinuousClock.now - started
            expectSuccess(callerResult)
            expectSuccess(calleeResult)
            let ok = try #require(callerResult.trace.responses(to: "INVITE", .received, code: 200).first)
            #expect(ok.header("Session-Expires") == "90;refresher=uac", "\(ok.raw)")
            #expect(ok.header("Require")?.contains("timer") == true)
            // Both legs got Legato's BYE, and not before the session could expire.
            #expect(callerResult.trace.requests("BYE", .received).count == 1)
            #expect(calleeResult?.trace.requests("BYE", .received).count == 1)
            #expect(elapsed > .seconds(45), "ended after \(elapsed), before the session could expire")
            #expect(log.contains("cause=session-expired"), "\(log.suffix(3000))")
        }
    }
}
