import Testing

extension Integration {
    /// A call whose media Legato anchors (the `echo` route: `Call.answer()`
    /// outside a bridge) answers mid-call offers itself.
    @Suite("Anchored calls answer offers themselves")
    struct AnchoredOffers {
        func echoConf(_ test: TestContext) -> LegatoConf {
            var conf = test.relayConf(mode: "direct")
            conf.routes.insert(.init(name: "echo", ruriUser: "^echo$", action: .echo), at: 0)
            return conf
        }

        /// Sends one RTP packet from `socket` to Legato's `port` and says whether it came back.
        static func echoes(_ socket: UDPSocket, to port: Int, sequence: UInt16) throws -> Bool {
            let packet = RelayMedia.rtpPacket(sequence: sequence)
            try socket.send(packet, toPort: port)
            return socket.receive(timeout: .milliseconds(700))?.bytes == packet
        }

        @Test("hold is answered recvonly and pauses the echo; unhold to a new port answers sendrecv and the echo follows")
        func holdUnholdAndMove() async throws {
            let test = try TestContext()
            let first = try UDPSocket(port: test.ports.spare)
            let moved = try UDPSocket(port: test.ports.uac2Media)
            var uac = test.uac("uac-relay-hold-unhold.xml", service: "echo")
            uac.keys = ["rtp_port": "\(test.ports.spare)", "rtp_port2": "\(test.ports.uac2Media)"]
            let (result, log) = try await withLegato(echoConf(test), artifacts: test.artifacts) { legato in
                let process = try await SippProcess.start(uac, artifacts: test.artifacts)
                var port: Int?
                _ = await waitUntil(timeout: .seconds(10)) {
                    port = process.trace.responses(to: "INVITE", .received, code: 200).first
                        .flatMap { RelayMedia.audioPort(in: $0.body) }
                    return port != nil
                }
                let legatoPort = try #require(port, "no 200 with SDP")
                #expect(try Self.echoes(first, to: legatoPort, sequence: 1), "echo before the hold")
                // The hold re-INVITE comes 2 s after the ACK.
                _ = await waitUntil(timeout: .seconds(6)) {
                    process.trace.responses(to: "INVITE", .received, code: 200).count >= 2
                }
                try await Task.sleep(for: .milliseconds(200))
                #expect(try !Self.echoes(first, to: legatoPort, sequence: 2), "media towards a holding caller is paused")
                _ = await waitUntil(timeout: .seconds(6)) {
                    process.trace.responses(to: "INVITE", .received, code: 200).count >= 3
                }
                try await Task.sleep(for: .milliseconds(200))
                #expect(try Self.echoes(moved, to: legatoPort, sequence: 3), "the echo follows the new port after unhold")
                let result = try await process.finish()
                try await legato.expectNoCallsLeft()
                return (result, legato.log)
            }
            expectSuccess(result)
            let oks = result.trace.responses(to: "INVITE", .received, code: 200)
            try #require(oks.count == 3)
            #expect(oks[1].body.contains("a=recvonly"), "hold answered recvonly: \(oks[1].body)")
            #expect(oks[2].body.contains("a=sendrecv"))
            #expect(RelayMedia.audioPort(in: oks[1].body) == RelayMedia.audioPort(in: oks[0].body), "same Legato port")
            for event in ["ReInviteReceived", "ReInviteAccepted", "OnHold", "OffHold"] {
                #expect(log.contains("call.event=\(event) "), "\(event) fired")
            }
        }

        @Test("UPDATE with an offer on an anchored call gets an SDP answer; a body-less UPDATE gets 200")
        func updateOffer() async throws {
            let test = try TestContext()
            let uac = test.uac("uac-update.xml", service: "echo")
            let result = try await withLegato(echoConf(test), artifacts: test.artifacts) { legato in
                let result = try await SippProcess.start(uac, artifacts: test.artifacts).finish()
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(result)
            let answers = result.trace.responses(to: "UPDATE", .received, code: 200)
            try #require(answers.count == 2, "\(result.trace)")
            #expect(answers[0].body.contains("a=recvonly"), "the hold offer is answered: \(answers[0].body)")
            #expect(answers[0].body.contains("c=IN IP4 127.0.0.1"))
            #expect(answers[1].body.isEmpty)
        }

        @Test("a re-INVITE without SDP gets Legato's offer in the 200, the answer in the ACK moves the echo")
        func offerlessReinvite() async throws {
            let test = try TestContext()
            let moved = try UDPSocket(port: test.ports.uac2Media)
            var uac = test.uac("uac-offerless-reinvite.xml", service: "echo")
            uac.keys = ["rtp_port": "\(test.ports.spare)", "rtp_port2": "\(test.ports.uac2Media)"]
            let result = try await withLegato(echoConf(test), artifacts: test.artifacts) { legato in
                let process = try await SippProcess.start(uac, artifacts: test.artifacts)
                _ = await waitUntil(timeout: .seconds(8)) {
                    process.trace.responses(to: "INVITE", .received, code: 200).count >= 2
                }
                try await Task.sleep(for: .milliseconds(300))
                let port = try #require(process.trace.responses(to: "INVITE", .received, code: 200).last
                    .flatMap { RelayMedia.audioPort(in: $0.body) })
                #expect(try Self.echoes(moved, to: port, sequence: 9), "the echo goes to the port of the ACK's answer")
                let result = try await process.finish()
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(result)
            let oks = result.trace.responses(to: "INVITE", .received, code: 200)
            try #require(oks.count == 2)
            #expect(oks[1].body.contains("m=audio"), "the 200 carries Legato's offer")
            #expect(oks[1].body.contains("a=sendrecv"))
        }

        @Test("the RTP watchdog covers an anchored call: no RTP fires RtpStopped, then rtp_hangup_timeout ends it")
        func anchoredWatchdog() async throws {
            let test = try TestContext()
            var conf = test.relayConf(mode: "direct", extraMedia: ["  rtp_timeout: 1", "  rtp_hangup_timeout: 3"])
            conf.routes.insert(.init(name: "echo", ruriUser: "^echo$", action: .echo), at: 0)
            var uac = test.uac("uac-wait-for-bye.xml", service: "echo")
            uac.keys = ["rtp_port": "\(test.ports.spare)"]
            let started = ContinuousClock.now
            let (result, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await SippProcess.start(uac, artifacts: test.artifacts).finish()
                try await legato.expectNoCallsLeft()
                return (result, legato.log)
            }
            expectSuccess(result)
            #expect(result.trace.requests("BYE", .received).count == 1, "Legato hangs up the silent caller")
            #expect(ContinuousClock.now - started > .seconds(2))
            #expect(log.contains("call.event=RtpStopped "), "RtpStopped fired")
            #expect(log.contains("cause=rtp-timeout"), "the end is logged with its cause")
        }
    }
}
