import Foundation
import Testing

extension Integration {
    /// The scenario packages in `Examples/`, each built on the `Legato`
    /// library, driven over loopback by sipp. `scripts/test` builds them and
    /// sets `LEGATO_EXAMPLE_HEADER_ROUTING`, `LEGATO_EXAMPLE_CALL_SCREENING` and
    /// `LEGATO_EXAMPLE_TRANSFER_DESK` to their binaries.
    @Suite("Examples")
    struct ExampleTests {
        /// The example binary `variable` names; fails (does not skip) when it is not set.
        static func binary(_ variable: String, example: String) throws -> String {
            guard let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty else {
                throw HarnessError("""
                    \(variable) is not set: build the example (swift build --package-path Examples/\(example)) \
                    and set \(variable) to its binary, or run scripts/test, which does both
                    """)
            }
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw HarnessError("\(variable)=\(path) is not an executable file")
            }
            return path
        }

        /// `conf` with `trunks` and one placeholder route (the loader wants a
        /// route; the examples do their own routing and ignore it).
        static func exampleConf(_ conf: LegatoConf, trunks: [LegatoConf.Trunk]) -> LegatoConf {
            var conf = conf
            conf.trunks = trunks
            conf.routes = [.init(name: "unused", ruriUser: ".*", action: .reject(code: 404, reason: nil))]
            return conf
        }

        /// A callee on the second caller's ports (a second trunk, or a transfer target).
        static func secondCallee(_ test: TestContext, _ scenario: String, role: String) -> SippOptions {
            SippOptions(scenario: scenario, role: role, localPort: test.ports.uac2, mediaPort: test.ports.uac2Media,
                        controlPort: test.ports.uac2Control, remotePort: nil)
        }

        @Test("HeaderRouting: X-Tenant picks the trunk and the caller ID; an unknown tenant gets 403")
        func headerRouting() async throws {
            let binary = try Self.binary("LEGATO_EXAMPLE_HEADER_ROUTING", example: "HeaderRouting")
            let test = try TestContext()
            let conf = Self.exampleConf(test.conf(), trunks: [.init(name: "acme", uri: "sip:127.0.0.1:\(test.ports.uas)"),
                                                              .init(name: "globex", uri: "sip:127.0.0.1:\(test.ports.uac2)")])
            try await withLegato(conf, artifacts: test.artifacts, program: binary) { legato in
                // acme → the callee on the uas port; globex → the one on the uac2 port.
                for (tenant, role, user, display) in [("acme", "uas", "+15550100", "Acme Support"),
                                                      ("globex", "globex", "+15550200", "Globex Sales")] {
                    var caller = test.uac("uac-basic.xml", service: "2001", role: tenant == "acme" ? "uac" : "uac-globex")
                    caller.substitutions = ["X-Account: gold-42": "X-Tenant: \(tenant)"]
                    let callee = tenant == "acme" ? test.uas("uas-answer.xml")
                        : Self.secondCallee(test, "uas-answer.xml", role: role)
                    let (callerResult, calleeResult) = try await test.call(uac: caller, uas: callee)
                    expectSuccess(callerResult)
                    expectSuccess(calleeResult)
                    let invite = try #require(calleeResult?.trace.requests("INVITE", .received).first)
                    let port = tenant == "acme" ? test.ports.uas : test.ports.uac2
                    #expect(invite.startLine.hasPrefix("INVITE sip:2001@127.0.0.1:\(port)"), "\(invite.startLine)")
                    let from = invite.header("From") ?? ""
                    #expect(from.contains("\"\(display)\"") && from.contains("sip:\(user)@"), "From: \(from)")
                    #expect(invite.header("X-Tenant") == tenant)
                }
                let refused = test.refusedCallerWithHeader(service: "2001", expecting: 403, header: "X-Tenant: initech")
                let (result, _) = try await test.call(uac: refused, uas: nil)
                expectSuccess(result)
                #expect(result.trace.finalResponse(to: "INVITE", .received)?.statusCode == 403)
                try await legato.expectNoCallsLeft()
            }
        }

        /// Sends `pin` as RFC 4733 events from `media` to the Legato port of the caller's 183.
        static func typePIN(_ pin: [UInt8], caller: SippProcess, media: UDPSocket) async throws {
            var port: Int?
            _ = await waitUntil(timeout: .seconds(10)) {
                port = caller.trace.responses(to: "INVITE", .received, code: 183).first
                    .flatMap { RelayMedia.audioPort(in: $0.body) }
                return port != nil
            }
            let legatoPort = try #require(port, "no 183 with SDP reached the caller")
            try await Task.sleep(for: .milliseconds(300))   // tones are handled once early media started
            for (index, digit) in pin.enumerated() {
                for packet in DTMF.digitPackets(digit, firstSequence: UInt16(10 + index * 10),
                                                timestamp: UInt32(16000 + index * 1600)) {
                    try media.send(packet, toPort: legatoPort)
                }
                try await Task.sleep(for: .milliseconds(60))
            }
        }

        @Test("CallScreening: the right PIN (RFC 4733) puts the call through; a wrong one gets 403",
              arguments: [true, false])
        func callScreening(rightPIN: Bool) async throws {
            let binary = try Self.binary("LEGATO_EXAMPLE_CALL_SCREENING", example: "CallScreening")
            let test = try TestContext()
            let conf = Self.exampleConf(test.relayConf(), trunks: [.init(name: "callee", uri: "sip:127.0.0.1:\(test.ports.uas)")])
            let media = try UDPSocket(port: test.ports.spare)
            var caller: SippOptions
            if rightPIN {
                caller = test.uac("uac-relay-media.xml")
            } else {
                caller = test.refusedCaller(service: "1000", expecting: 403)
                caller.substitutions = ["m=audio [media_port] RTP/AVP 0": "m=audio [rtp_port] RTP/AVP 0 101",
                                        "a=rtpmap:0 PCMU/8000": "a=rtpmap:0 PCMU/8000\n      a=rtpmap:101 telephone-event/8000"]
            }
            caller.keys["rtp_port"] = "\(test.ports.spare)"
            try await withLegato(conf, artifacts: test.artifacts, program: binary,
                                 environment: ["SCREENING_PIN": "2468", "SCREENING_TIMEOUT": "15"]) { legato in
                let callee = rightPIN ? try await SippProcess.start(test.uas("uas-answer.xml"), artifacts: test.artifacts) : nil
                let callerProcess = try await SippProcess.start(caller, artifacts: test.artifacts)
                try await Self.typePIN(rightPIN ? [2, 4, 6, 8] : [1, 1, 1, 1], caller: callerProcess, media: media)
                let callerResult = try await callerProcess.finish()
                let calleeResult = try await callee?.finish(within: .seconds(15))
                expectSuccess(callerResult)
                #expect(callerResult.trace.responses(to: "INVITE", .received, code: 183).count >= 1)
                if rightPIN {
                    expectSuccess(calleeResult)
                    #expect(calleeResult?.trace.requests("INVITE", .received).count == 1)
                    #expect(callerResult.trace.responses(to: "INVITE", .received, code: 200).count >= 1)
                } else {
                    #expect(callerResult.trace.finalResponse(to: "INVITE", .received)?.statusCode == 403)
                }
                #expect(legato.log.contains(rightPIN ? "screening.accepted" : "screening.wrong-pin"), "log \(legato.logPath)")
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("TransferDesk: REFER to an allowed user → NOTIFY 200 and the target is dialled; to another → NOTIFY 403, no INVITE",
              arguments: [true, false])
        func transferDesk(allowed: Bool) async throws {
            let binary = try Self.binary("LEGATO_EXAMPLE_TRANSFER_DESK", example: "TransferDesk")
            let test = try TestContext()
            let conf = Self.exampleConf(test.conf(), trunks: [.init(name: "desk", uri: "sip:127.0.0.1:\(test.ports.uas)"),
                                                              .init(name: "transfers", uri: "sip:127.0.0.1:\(test.ports.uac2)")])
            let user = allowed ? "carol" : "mallory"
            var transferor = test.uas("uas-transferor.xml")
            transferor.keys = ["target": "sip:\(user)@127.0.0.1:\(test.ports.uac2)"]
            transferor.substitutions = ["FINAL_SIPFRAG": allowed ? "200 OK" : "403", "REFER_RESPONSE": "202"]
            var caller = allowed ? test.uac("uac-accepts-reinvite.xml") : test.uac("uac-relay-media.xml")
            caller.keys["rtp_port"] = "\(test.ports.spare)"
            let target = Self.secondCallee(test, "uas-answer.xml", role: "target")
            try await withLegato(conf, artifacts: test.artifacts, program: binary,
                                 environment: ["TRANSFER_ALLOW": "carol,dave"]) { legato in
                let targetProcess = try await SippProcess.start(target, artifacts: test.artifacts)
                let transferorProcess = try await SippProcess.start(transferor, artifacts: test.artifacts)
                let callerResult = try await SippProcess.start(caller, artifacts: test.artifacts).finish()
                let transferorResult = try await transferorProcess.finish(within: .seconds(15))
                let targetResult = try await targetProcess.finish(within: .seconds(allowed ? 15 : 1))
                expectSuccess(callerResult)
                expectSuccess(transferorResult)
                let notifies = transferorResult.trace.requests("NOTIFY", .received)
                let final = try #require(notifies.last, "no NOTIFY reached the transferor")
                #expect(final.body.contains(allowed ? "SIP/2.0 200" : "SIP/2.0 403"), "\(final.body)")
                let invites = targetResult.trace.requests("INVITE", .received)
                if allowed {
                    expectSuccess(targetResult)
                    #expect(invites.first?.startLine.hasPrefix("INVITE sip:carol@127.0.0.1:\(test.ports.uac2)") == true)
                    #expect(callerResult.trace.requests("INVITE", .received).count == 1, "the caller is re-INVITEd")
                } else {
                    #expect(invites.isEmpty, "a disallowed target must not be dialled")
                }
                try await legato.expectNoCallsLeft()
            }
        }
    }
}

extension TestContext {
    /// A caller that must be refused with `code`, whose INVITE carries `header`.
    func refusedCallerWithHeader(service: String, expecting code: Int, header: String) -> SippOptions {
        var options = refusedCaller(service: service, expecting: code)
        options.substitutions = ["Subject: uac-expect-failure": "\(header)\n      Subject: uac-expect-failure"]
        return options
    }
}
