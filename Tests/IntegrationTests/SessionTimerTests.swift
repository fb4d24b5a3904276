import Testing

extension Integration {
    /// RFC 4028 session timers, per leg (`signalling.session_timer`, default
    /// 1800 s): Legato refreshes where it is the refresher, and ends both
    /// legs when a remote refresher lets its leg expire. These tests use the
    /// smallest interval RFC 4028 allows (90 s), so each takes about a minute.
    @Suite("Session timers")
    struct SessionTimers {
        @Test("Legato is the refresher on the callee's leg: it refreshes with UPDATE before the 90 s expire")
        func legatoRefreshes() async throws {
            let test = try TestContext()
            var caller = test.uac("uac-session-timer.xml")
            caller.keys = ["rtp_port": "\(test.ports.spare)"]
            caller.substitutions = ["SESSION_TIMER_HEADERS": "X-Timer-Test: refresh"]
            caller.timeLimit = .seconds(150)
            var callee = test.uas("uas-session-timer-refreshed.xml")
            callee.timeLimit = .seconds(150)
            let (callerResult, calleeResult) = try await withLegato(test.conf(), artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: caller, uas: callee)
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(callerResult)
            expectSuccess(calleeResult)
            let trace = try #require(calleeResult?.trace)
            let invite = try #require(trace.requests("INVITE", .received).first)
            #expect(invite.header("Session-Expires") != nil, "Legato offers a session timer: \(invite.raw)")
            #expect(invite.header("Supported")?.contains("timer") == true)
            let refresh = try #require(trace.requests("UPDATE", .received).first, "\(trace)")
            #expect(refresh.body.isEmpty)
            #expect(refresh.callID == invite.callID)
            // The caller's leg ends with the callee's BYE, not with an expiry.
            #expect(callerResult.trace.requests("BYE", .received).count == 1)
        }

        @Test("the caller is the refresher and never refreshes: Legato ends both legs when its session expires")
        func expiredSessionEndsBothLegs() async throws {
            let test = try TestContext()
            var caller = test.uac("uac-session-timer.xml")
            caller.keys = ["rtp_port": "\(test.ports.spare)"]
            caller.substitutions = ["SESSION_TIMER_HEADERS": "Supported: timer\r\n      Session-Expires: 90;refresher=uac"]
            caller.timeLimit = .seconds(150)
            var callee = test.uas("uas-answer.xml")
            callee.substitutions = ["timeout=\"60000\"": "timeout=\"120000\""]
            callee.timeLimit = .seconds(150)
            let started = ContinuousClock.now
            let (callerResult, calleeResult, log) = try await withLegato(test.conf(), artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: caller, uas: callee)
                try await legato.expectNoCallsLeft()
                return (result.uac, result.uas, legato.log)
            }
            let elapsed = ContinuousClock.now - started
            expectSuccess(callerResult)
            expectSuccess(calleeResult)
            let ok = try #require(callerResult.trace.responses(to: "INVITE", .received, code: 200).first)
            #expect(ok.header("Session-Expires")?.hasPrefix("90") == true, "\(ok.raw)")
            #expect(ok.header("Session-Expires")?.contains("refresher=uac") == true)
            // Both legs got Legato's BYE, and not before the session could expire.
            #expect(callerResult.trace.requests("BYE", .received).count == 1)
            #expect(calleeResult?.trace.requests("BYE", .received).count == 1)
            #expect(elapsed > .seconds(45), "ended after \(elapsed), before the session could expire")
            _ = log
        }
    }
}
