import Testing

extension Integration {
    /// `routes[].transfer_targets` (issue #10): a blind transfer dials only allowed Refer-To URIs.
    @Suite("Transfer targets")
    struct TransferTargets {
        @Test("A Refer-To outside transfer_targets: 403 to the REFER, nothing is dialled, and the call goes on")
        func disallowedTargetGets403AndNothingIsDialled() async throws {
            let test = try TestContext()
            var s = BlindTransfer.setup(test, targetScenario: "uas-answer.xml", final: "200 OK", referResponse: 403)
            for index in s.conf.routes.indices { s.conf.routes[index].transferTargets = ["^sip:allowed@127\\.0\\.0\\.1"] }
            s.transferor.scenario = "uas-refer-declined.xml"
            // The target's port: whatever Legato would dial there arrives here.
            let target = try UDPSocket(port: test.ports.uac2)
            let (dialled, log) = try await withLegato(s.conf, artifacts: test.artifacts) { legato in
                let transferor = try await SippProcess.start(s.transferor, artifacts: test.artifacts)
                let caller = try await SippProcess.start(s.caller, artifacts: test.artifacts)
                expectSuccess(try await caller.finish())
                expectSuccess(try await transferor.finish(within: .seconds(15)))
                try await legato.expectNoCallsLeft()
                return (target.receiveAll(for: .milliseconds(300)), legato.log)
            }
            #expect(dialled.isEmpty, "nothing may reach the refused target: \(dialled.map(\.text))")
            #expect(log.contains("transfer.refused"), "\(log)")
            #expect(!log.contains("transfer.dialing"), "\(log)")
        }
    }
}
