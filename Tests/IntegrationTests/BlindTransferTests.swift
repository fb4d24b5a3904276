import Testing

extension Integration {
    /// REFER blind transfer (RFC 3515 / RFC 5589) carried out by the default
    /// router: the callee (transferor) refers the caller (transferee) to a
    /// third party (target).
    @Suite("Blind transfer")
    struct BlindTransfer {
        struct Setup {
            var conf: LegatoConf
            var caller: SippOptions
            var transferor: SippOptions
            var target: SippOptions
            var targetURI: String
        }

        /// Relay-mode conf with blind transfer on the route, a caller whose
        /// media port the test owns, the transferor, and a target on the
        /// second SIP port that echoes RTP.
        static func setup(_ test: TestContext, targetScenario: String, final: String, referResponse: Int = 202,
                          transferEnabled: Bool = true) -> Setup {
            var conf = test.relayConf()
            for index in conf.routes.indices { conf.routes[index].blindTransfer = transferEnabled }
            conf.routeTransferTarget(user: "carol", port: test.ports.uac2)
            var caller = test.uac("uac-relay-media.xml")
            caller.keys = ["rtp_port": "\(test.ports.spare)"]
            let targetURI = "sip:carol@127.0.0.1:\(test.ports.uac2)"
            var transferor = test.uas(transferEnabled ? "uas-transferor.xml" : "uas-refer-declined.xml")
            transferor.keys = ["target": targetURI]
            transferor.substitutions = ["FINAL_SIPFRAG": final, "REFER_RESPONSE": "\(referResponse)"]
            var target = SippOptions(scenario: targetScenario, role: "target", localPort: test.ports.uac2,
                                     mediaPort: test.ports.uac2Media, controlPort: test.ports.uac2Control,
                                     remotePort: nil)
            target.extraArguments = ["-rtp_echo"]
            return Setup(conf: conf, caller: caller, transferor: transferor, target: target, targetURI: targetURI)
        }

        /// Once the target answered, sends 3 RTP packets from the caller's media
        /// socket to Legato's port (from the caller's 200) and counts those the
        /// target (an RTP echo) sent back unchanged.
        static func talkToTarget(caller: SippProcess, target: SippProcess, media: UDPSocket) async throws -> Int {
            var legatoPort: Int?
            _ = await waitUntil(timeout: .seconds(10)) {
                legatoPort = caller.trace.responses(to: "INVITE", .received, code: 200).first
                    .flatMap { RelayMedia.audioPort(in: $0.body) }
                return legatoPort != nil
            }
            _ = await waitUntil(timeout: .seconds(10)) { !target.trace.requests("ACK", .received).isEmpty }
            guard let legatoPort else { return 0 }
            // The target's 200 is ACKed before the relay leg is re-pointed on the
            // media worker: a packet may arrive in between, so each is sent at most twice.
            var echoed = 0
            for sequence in 0..<3 {
                let packet = RelayMedia.rtpPacket(sequence: UInt16(sequence))
                for _ in 0..<2 {
                    try media.send(packet, toPort: legatoPort)
                    if media.receive(timeout: .seconds(1))?.bytes == packet {
                        echoed += 1
                        break
                    }
                }
            }
            return echoed
        }

        @Test("success: 202, NOTIFY 100 then 200; the target is dialled with Referred-By, the REFER's and the caller's X-headers; the caller talks to the target; the transferor is released")
        func transferSucceeds() async throws {
            let test = try TestContext()
            var s = Self.setup(test, targetScenario: "uas-answer.xml", final: "200 OK")
            // The target rings first: the transferor also gets NOTIFY 180.
            s.transferor.substitutions["<!--PROGRESS"] = ""
            s.transferor.substitutions["PROGRESS-->"] = ""
            let media = try UDPSocket(port: test.ports.spare)
            try await withLegato(s.conf, artifacts: test.artifacts) { legato in
                let targetProcess = try await SippProcess.start(s.target, artifacts: test.artifacts)
                let transferor = try await SippProcess.start(s.transferor, artifacts: test.artifacts)
                let caller = try await SippProcess.start(s.caller, artifacts: test.artifacts)
                let echoed = try await Self.talkToTarget(caller: caller, target: targetProcess, media: media)
                #expect(echoed == 3, "the caller's RTP did not come back from the target")
                let callerResult = try await caller.finish()
                let transferorResult = try await transferor.finish(within: .seconds(15))
                let targetResult = try await targetProcess.finish(within: .seconds(15))
                expectSuccess(callerResult)
                expectSuccess(transferorResult)
                expectSuccess(targetResult)
                try await legato.expectNoCallsLeft()
                #expect(legato.log.contains("media.ports.allocated=0 "), "log \(legato.logPath)")

                let invite = try #require(targetResult.trace.requests("INVITE", .received).first)
                #expect(invite.startLine.hasPrefix("INVITE \(s.targetURI)"), "\(invite.startLine)")
                #expect(invite.header("Referred-By")?.contains("sip:") == true, "\(invite)")
                #expect(invite.header("X-Transfer-Tag") == "t-42", "\(invite)")
                // Placed on the transferee's behalf: the caller's own X-header goes along.
                #expect(invite.header("X-Caller-Tag") == "c-7", "\(invite)")
                // The target's SDP points at Legato, never at the caller.
                #expect(!invite.body.contains("\(test.ports.spare)"))
                // The caller saw no re-INVITE: its media path was re-pointed inside Legato.
                #expect(callerResult.trace.requests("INVITE", .received).isEmpty)
                // The caller's BYE ended the target's leg.
                #expect(targetResult.trace.requests("BYE", .received).count == 1)
                // The transferor was released by Legato (BYE) right after the final NOTIFY.
                let notifies = transferorResult.trace.requests("NOTIFY", .received)
                #expect(notifies.count == 3)
                #expect(notifies.last?.header("Subscription-State")?.hasPrefix("terminated") == true)
                #expect(notifies.first?.header("Event")?.hasPrefix("refer") == true)
                #expect(notifies.first?.header("Content-Type")?.hasPrefix("message/sipfrag") == true)
                #expect(transferorResult.trace.requests("BYE", .received).count == 1)
                #expect(legato.log.contains("call.event=BlindTransferRequested"))
            }
        }

        @Test("busy target: NOTIFY 486 (terminated); the original call stays up and its BYE still works")
        func busyTargetKeepsTheCall() async throws {
            let test = try TestContext()
            let s = Self.setup(test, targetScenario: "uas-busy.xml", final: "486 Busy Here")
            var target = s.target
            target.extraArguments = []
            try await withLegato(s.conf, artifacts: test.artifacts) { legato in
                let targetProcess = try await SippProcess.start(target, artifacts: test.artifacts)
                let transferor = try await SippProcess.start(s.transferor, artifacts: test.artifacts)
                let caller = try await SippProcess.start(s.caller, artifacts: test.artifacts)
                let callerResult = try await caller.finish()
                let transferorResult = try await transferor.finish(within: .seconds(15))
                let targetResult = try await targetProcess.finish(within: .seconds(15))
                expectSuccess(callerResult)
                expectSuccess(transferorResult)
                expectSuccess(targetResult)
                // The caller's BYE reached the transferor: the original call was still bridged.
                let bye = try #require(transferorResult.trace.requests("BYE", .received).first)
                #expect(bye.callID == transferorResult.trace.requests("INVITE", .received).first?.callID)
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("REFER while blind transfer is off: 603, and the call goes on")
        func referDeclinedWhenDisabled() async throws {
            let test = try TestContext()
            let s = Self.setup(test, targetScenario: "uas-answer.xml", final: "200 OK", referResponse: 603,
                               transferEnabled: false)
            try await withLegato(s.conf, artifacts: test.artifacts) { legato in
                let transferor = try await SippProcess.start(s.transferor, artifacts: test.artifacts)
                let caller = try await SippProcess.start(s.caller, artifacts: test.artifacts)
                expectSuccess(try await caller.finish())
                expectSuccess(try await transferor.finish(within: .seconds(15)))
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("the transferor hangs up right after 202: the transfer still completes and the caller talks to the target")
        func transferorByeDoesNotKillTheTransfer() async throws {
            let test = try TestContext()
            var s = Self.setup(test, targetScenario: "uas-answer.xml", final: "200 OK")
            s.transferor.scenario = "uas-transferor-hangs-up.xml"
            // The target rings only after a second, so the transferor's BYE goes
            // out right after NOTIFY 100, before any other NOTIFY.
            s.target.substitutions["  <send>\n    <![CDATA[\n\n      SIP/2.0 180 Ringing"] =
                "  <pause milliseconds=\"1000\"/>\n  <send>\n    <![CDATA[\n\n      SIP/2.0 180 Ringing"
            let media = try UDPSocket(port: test.ports.spare)
            try await withLegato(s.conf, artifacts: test.artifacts) { legato in
                let targetProcess = try await SippProcess.start(s.target, artifacts: test.artifacts)
                let transferor = try await SippProcess.start(s.transferor, artifacts: test.artifacts)
                let caller = try await SippProcess.start(s.caller, artifacts: test.artifacts)
                let echoed = try await Self.talkToTarget(caller: caller, target: targetProcess, media: media)
                #expect(echoed == 3, "the caller's RTP did not come back from the target")
                let callerResult = try await caller.finish()
                expectSuccess(callerResult)
                expectSuccess(try await transferor.finish(within: .seconds(15)))
                let targetResult = try await targetProcess.finish(within: .seconds(15))
                expectSuccess(targetResult)
                // The caller was never hung up by the transferor's BYE: its own BYE ended the target.
                #expect(callerResult.trace.requests("BYE", .received).isEmpty)
                #expect(targetResult.trace.requests("BYE", .received).count == 1)
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("a target nobody answers: the failure reaches the transferor by NOTIFY, the call goes on")
        func deadTargetReportsFailure() async throws {
            let test = try TestContext()
            var s = Self.setup(test, targetScenario: "uas-answer.xml", final: "[3-6][0-9][0-9]")
            // Nothing listens there; the route's no-answer timeout bounds the attempt.
            s.transferor.keys["target"] = "sip:nobody@127.0.0.1:\(test.ports.spare + 1)"
            s.conf.noAnswerTimeout = 2
            try await withLegato(s.conf, artifacts: test.artifacts) { legato in
                let transferor = try await SippProcess.start(s.transferor, artifacts: test.artifacts)
                var caller = s.caller
                caller.keys["rtp_port"] = "\(test.ports.spare)"
                let callerProcess = try await SippProcess.start(caller, artifacts: test.artifacts)
                expectSuccess(try await callerProcess.finish())
                let result = try await transferor.finish(within: .seconds(15))
                expectSuccess(result)
                let final = try #require(result.trace.requests("NOTIFY", .received).last)
                #expect(final.body.hasPrefix("SIP/2.0 4") || final.body.hasPrefix("SIP/2.0 5"), "\(final.body)")
                // No expectNoCallsLeft here: after the no-answer CANCEL, the INVITE to
                // a target that never answered anything may wait for its transaction
                // timeout (RFC 3261 Timer B, 32 s) before the dialog is gone.
                _ = legato
            }
        }

        @Test("attended transfer (Refer-To with Replaces): 501, and the call goes on")
        func attendedTransferIsRefused() async throws {
            let test = try TestContext()
            var s = Self.setup(test, targetScenario: "uas-answer.xml", final: "200 OK", referResponse: 501)
            s.transferor.scenario = "uas-refer-declined.xml"
            s.transferor.keys["target"] = "sip:carol@127.0.0.1:\(test.ports.uac2)?Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2"
            try await withLegato(s.conf, artifacts: test.artifacts) { legato in
                let transferor = try await SippProcess.start(s.transferor, artifacts: test.artifacts)
                let caller = try await SippProcess.start(s.caller, artifacts: test.artifacts)
                expectSuccess(try await caller.finish())
                expectSuccess(try await transferor.finish(within: .seconds(15)))
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("direct mode: the transferee is re-INVITEd with the target's SDP, the transferor released")
        func directModeReinvitesTheTransferee() async throws {
            let test = try TestContext()
            var s = Self.setup(test, targetScenario: "uas-answer.xml", final: "200 OK")
            s.conf.mediaSection = nil
            s.transferor.substitutions["<!--PROGRESS"] = ""
            s.transferor.substitutions["PROGRESS-->"] = ""
            s.target.extraArguments = []
            let caller = test.uac("uac-accepts-reinvite.xml")
            try await withLegato(s.conf, artifacts: test.artifacts) { legato in
                let targetProcess = try await SippProcess.start(s.target, artifacts: test.artifacts)
                let transferor = try await SippProcess.start(s.transferor, artifacts: test.artifacts)
                let callerResult = try await SippProcess.start(caller, artifacts: test.artifacts).finish()
                let transferorResult = try await transferor.finish(within: .seconds(15))
                let targetResult = try await targetProcess.finish(within: .seconds(15))
                expectSuccess(callerResult)
                expectSuccess(transferorResult)
                expectSuccess(targetResult)
                // The target was offered the caller's SDP; the caller got the target's answer in the re-INVITE.
                let targetInvite = try #require(targetResult.trace.requests("INVITE", .received).first)
                #expect(targetInvite.body.contains("m=audio \(test.ports.uacMedia) "), "\(targetInvite.body)")
                let reinvite = try #require(callerResult.trace.requests("INVITE", .received).first)
                let targetAnswer = try #require(targetResult.trace.responses(to: "INVITE", .sent, code: 200).first)
                #expect(reinvite.body == targetAnswer.body)
                #expect(transferorResult.trace.requests("BYE", .received).count == 1)
                #expect(targetResult.trace.requests("BYE", .received).count == 1)
                try await legato.expectNoCallsLeft()
            }
        }
    }
}
