import Testing

extension Integration {
    /// SIGTERM: stop taking calls (503), let calls finish within shutdown_grace, exit 0.
    @Suite("Shutdown")
    struct Shutdown {
        @Test("SIGTERM during a call: new INVITE gets 503, the call's BYE still works, daemon exits 0")
        func sigtermDrainsRefusingNewCallsAndKeepingExistingOnes() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.shutdownGrace = 30
            let legato = try await LegatoProcess.start(conf, artifacts: test.artifacts)
            do {
                let callee = try await SippProcess.start(test.uas("uas-answer.xml"), artifacts: test.artifacts)
                var uac = test.uac("uac-basic.xml")
                uac.pauseMilliseconds = 8000
                let caller = try await SippProcess.start(uac, artifacts: test.artifacts)
                // The call is up once the callee has the ACK.
                let established = await waitUntil(timeout: .seconds(15)) {
                    !callee.trace.requests("ACK", .received).isEmpty || !caller.isRunning
                }
                try #require(established && caller.isRunning, "the first call did not get established: \(callee.trace)")

                try await legato.sendSIGTERM()
                _ = await legato.waitForLog("legato.draining", timeout: .seconds(5))

                let late = try await SippProcess.run(
                    test.refusedCaller(service: "1000", expecting: 503, role: "uac2"), artifacts: test.artifacts)
                expectSuccess(late)
                #expect(late.trace.finalResponse(to: "INVITE", .received)?.statusCode == 503, "\(late.trace)")
                #expect(legato.isRunning, "legato exited while a call was still up")

                let callerResult = try await caller.finish()
                let calleeResult = try await callee.finish()
                expectSuccess(callerResult)
                expectSuccess(calleeResult)
                #expect(callerResult.trace.responses(to: "BYE", .received, code: 200).count >= 1, "\(callerResult.trace)")
                #expect(calleeResult.trace.requests("BYE", .received).count >= 1)

                // With no call left, the daemon exits 0 by itself, well before the 30 s grace.
                let status = await legato.waitForExit(timeout: .seconds(10))
                #expect(status == 0, "legato after the last call: \(status.map(String.init) ?? "still running"); log \(legato.logPath)")
            } catch {
                await legato.forceKill()
                throw error
            }
            if legato.isRunning { await legato.forceKill() }
        }

        @Test("SIGTERM with a call still up at the end of shutdown_grace: both legs get BYE, daemon exits 0")
        func graceExpiryHangsUpRemainingCalls() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.shutdownGrace = 2
            let legato = try await LegatoProcess.start(conf, artifacts: test.artifacts)
            do {
                let callee = try await SippProcess.start(test.uas("uas-answer.xml"), artifacts: test.artifacts)
                let caller = try await SippProcess.start(test.uac("uac-bye-from-callee.xml"), artifacts: test.artifacts)
                let established = await waitUntil(timeout: .seconds(15)) {
                    !callee.trace.requests("ACK", .received).isEmpty || !caller.isRunning
                }
                try #require(established && caller.isRunning, "the call did not get established: \(callee.trace)")

                let signalled = ContinuousClock.now
                try await legato.sendSIGTERM()
                let callerResult = try await caller.finish()
                let calleeResult = try await callee.finish()
                expectSuccess(callerResult)
                expectSuccess(calleeResult)
                #expect(callerResult.trace.requests("BYE", .received).count >= 1, "\(callerResult.trace)")
                #expect(calleeResult.trace.requests("BYE", .received).count >= 1, "\(calleeResult.trace)")
                let status = await legato.waitForExit(timeout: .seconds(15))
                #expect(status == 0, "log \(legato.logPath)")
                let elapsed = ContinuousClock.now - signalled
                #expect(elapsed >= .milliseconds(1500), "calls were hung up before shutdown_grace (2 s): \(elapsed)")
            } catch {
                await legato.forceKill()
                throw error
            }
            if legato.isRunning { await legato.forceKill() }
        }
    }
}
