import Testing
import Foundation

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
            let (dialled, log) = try await BlindTransfer.runRefused(s, test, target: target)
            #expect(dialled.isEmpty, "nothing may reach the refused target: \(dialled.map(\.text))")
            #expect(log.contains("transfer.refused"), "\(log)")
            #expect(!log.contains("transfer.dialing"), "\(log)")
        }

        @Test("An allowed target is routed like any call: its route's deny applies — NOTIFY 403, nothing is dialled, the call goes on")
        func allowedTargetIsRoutedAndItsPoliciesApply() async throws {
            let test = try TestContext()
            var s = BlindTransfer.setup(test, targetScenario: "uas-answer.xml", final: "403")
            s.conf.routeExtra = ["transfer-target": ["    deny: [\"^carol$\"]"]]
            let target = try UDPSocket(port: test.ports.uac2)
            let (dialled, log) = try await BlindTransfer.runRefused(s, test, target: target)
            #expect(dialled.isEmpty, "nothing may reach the denied target: \(dialled.map(\.text))")
            #expect(log.contains("transfer.not-dialled"), "\(log)")
        }

        @Test("conf/examples/transfer.conf as shipped (only its ports moved): a transfer to sip:c@127.0.0.1:5090 reaches c through its route and trunk")
        func transferExampleAsShipped() async throws {
            let test = try TestContext()
            var s = BlindTransfer.setup(test, targetScenario: "uas-answer.xml", final: "200 OK")
            let shipped = try String(contentsOf: Paths.packageRoot.appendingPathComponent("conf/examples/transfer.conf"),
                                     encoding: .utf8)
            s.conf.verbatim = shipped
                .replacingOccurrences(of: "5060", with: "\(test.ports.legato)")
                .replacingOccurrences(of: "5080", with: "\(test.ports.uas)")
                .replacingOccurrences(of: "5090", with: "\(test.ports.uac2)")
                .replacingOccurrences(of: "port_min: 30000", with: "port_min: \(test.relayLow)")
                .replacingOccurrences(of: "port_max: 30999", with: "port_max: \(test.relayLow + 19)")
            let target = "sip:c@127.0.0.1:\(test.ports.uac2)"
            s.transferor.keys = ["target": target]
            // c rings first: the transferor also gets NOTIFY 180.
            s.transferor.substitutions["<!--PROGRESS"] = ""
            s.transferor.substitutions["PROGRESS-->"] = ""
            let (transferor, dialled) = try await BlindTransfer.runToTarget(s, test)
            expectSuccess(transferor)
            #expect(dialled.count == 1, "the target was not dialled once")
            #expect(dialled.first?.startLine.hasPrefix("INVITE \(target)") == true, "\(dialled.first?.startLine ?? "")")
        }
    }
}

extension Integration.BlindTransfer {
    /// Runs caller, transferor and target through a transfer that reaches the
    /// target; returns the transferor's result and the INVITEs the target got.
    static func runToTarget(_ s: Setup, _ test: TestContext) async throws -> (SippResult, [SIPMessage]) {
        try await withLegato(s.conf, artifacts: test.artifacts) { legato in
            let targetProcess = try await SippProcess.start(s.target, artifacts: test.artifacts)
            let transferor = try await SippProcess.start(s.transferor, artifacts: test.artifacts)
            let caller = try await SippProcess.start(s.caller, artifacts: test.artifacts)
            let transferorResult = try await transferor.finish(within: .seconds(20))
            _ = try await caller.finish(within: .seconds(20))
            let targetResult = try await targetProcess.finish(within: .seconds(20))
            try await legato.expectNoCallsLeft()
            return (transferorResult, targetResult.trace.requests("INVITE", .received))
        }
    }

    /// Runs caller and transferor through a transfer Legato must not dial;
    /// returns what reached the target's port and the daemon's log.
    static func runRefused(_ s: Setup, _ test: TestContext, target: UDPSocket) async throws
        -> ([UDPSocket.Datagram], String) {
        try await withLegato(s.conf, artifacts: test.artifacts) { legato in
            let transferor = try await SippProcess.start(s.transferor, artifacts: test.artifacts)
            let caller = try await SippProcess.start(s.caller, artifacts: test.artifacts)
            expectSuccess(try await caller.finish())
            expectSuccess(try await transferor.finish(within: .seconds(15)))
            try await legato.expectNoCallsLeft()
            return (target.receiveAll(for: .milliseconds(300)), legato.log)
        }
    }
}
