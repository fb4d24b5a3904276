import Testing

extension Integration {
    /// Relay mode (`answer`): media anchored in Legato.
    @Suite("Relay media")
    struct RelayMedia {
        @Test("relay mode: each side sees only Legato's media address, and RTP crosses both ways byte for byte")
        func rtpCrossesTheRelayBothWays() async throws {
            let test = try TestContext()
            let relayLow = test.relayLow
            let conf = test.relayConf()
            let callerMedia = try UDPSocket(port: test.ports.spare)
            var uac = test.uac("uac-relay-media.xml")
            uac.keys = ["rtp_port": "\(test.ports.spare)"]
            var uas = test.uas("uas-answer.xml")
            uas.extraArguments = ["-rtp_echo"]

            let (caller, callee, echoed, legatoPort, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let callee = try await SippProcess.start(uas, artifacts: test.artifacts)
                let callerProcess = try await SippProcess.start(uac, artifacts: test.artifacts)
                // Legato's port for the caller, from the 200 the caller received.
                var legatoPort: Int?
                _ = await waitUntil(timeout: .seconds(10)) {
                    legatoPort = callerProcess.trace.responses(to: "INVITE", .received, code: 200).first
                        .flatMap { RelayMedia.audioPort(in: $0.body) }
                    return legatoPort != nil
                }
                var echoed: [[UInt8]] = []
                var sent: [[UInt8]] = []
                if let legatoPort {
                    for sequence in 0..<5 {
                        let packet = RelayMedia.rtpPacket(sequence: UInt16(sequence))
                        sent.append(packet)
                        try callerMedia.send(packet, toPort: legatoPort)
                        if let back = callerMedia.receive(timeout: .seconds(2)) { echoed.append(back.bytes) }
                    }
                }
                let caller = try await callerProcess.finish()
                let calleeResult = try await callee.finish(within: .seconds(15))
                try await legato.expectNoCallsLeft()
                // Both legs' port pairs went back to the pool when the call ended.
                #expect(legato.log.contains("media.ports.allocated=0 "), "log \(legato.logPath)")
                #expect(echoed == sent, "RTP sent to Legato's port \(legatoPort.map(String.init) ?? "none") did not come back intact")
                return (caller, calleeResult, echoed, legatoPort, legato.log)
            }
            expectSuccess(caller)
            expectSuccess(callee)
            #expect(echoed.count == 5)
            // AudioStarted on both calls at the answer; FirstAudioPacketReceived on both
            // (the caller's packets on leg A, the callee's echo on leg B).
            let events = log.split(whereSeparator: \.isNewline).filter { $0.contains("call.media-event") }
            #expect(events.filter { $0.contains("call.event=AudioStarted") }.count == 2, "\(events)")
            #expect(events.filter { $0.contains("call.event=FirstAudioPacketReceived") }.count == 2, "\(events)")
            let port = try #require(legatoPort)
            #expect((relayLow...(relayLow + 19)).contains(port))
            // The callee's offer points at Legato's other leg, never at the caller's media port.
            let invite = try #require(callee.trace.requests("INVITE", .received).first)
            let calleeSide = try #require(RelayMedia.audioPort(in: invite.body))
            #expect((relayLow...(relayLow + 19)).contains(calleeSide))
            #expect(calleeSide != port)
            #expect(!invite.body.contains("m=audio \(test.ports.spare) "), "\(invite.body)")
            #expect(invite.body.contains("a=rtpmap:101 telephone-event/8000"), "codecs pass through: \(invite.body)")
            // ... and the caller's answer points at Legato, not at the callee's media port.
            let ok = try #require(caller.trace.responses(to: "INVITE", .received, code: 200).first)
            #expect(!ok.body.contains("m=audio \(test.ports.uasMedia) "), "\(ok.body)")
        }

        @Test("relay mode: no RTP after the answer fires RtpStopped, then rtp_hangup_timeout hangs up both legs")
        func silentCallIsHungUpByTheRTPWatchdog() async throws {
            let test = try TestContext()
            let conf = test.relayConf(extraMedia: ["  rtp_timeout: 1", "  rtp_hangup_timeout: 3"])
            var uac = test.uac("uac-wait-for-bye.xml")
            uac.keys = ["rtp_port": "\(test.ports.spare)"]
            let (caller, callee, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let (caller, callee) = try await test.call(uac: uac, uas: test.uas("uas-answer.xml"))
                try await legato.expectNoCallsLeft()
                #expect(legato.log.contains("media.ports.allocated=0 "), "log \(legato.logPath)")
                return (caller, callee, legato.log)
            }
            expectSuccess(caller)
            expectSuccess(callee)
            // Both legs got Legato's BYE, about 3 s after the answer.
            let ok = try #require(caller.trace.responses(to: "INVITE", .received, code: 200).first)
            let byeToCaller = try #require(caller.trace.requests("BYE", .received).first, "\(caller.trace)")
            #expect(try #require(callee?.trace).requests("BYE", .received).count == 1)
            if let answered = ok.timestamp, let bye = byeToCaller.timestamp {
                #expect(bye - answered >= 2.5 && bye - answered < 8, "BYE \(bye - answered) s after the answer")
            }
            #expect(log.contains("call.event=RtpStopped"), "RtpStopped not fired")
            #expect(log.contains("media.rtp-timeout"), "no logged cause for the hang-up")
        }

        @Test("relay mode: silence while the caller holds does not count; the held call outlives rtp_hangup_timeout")
        func heldCallIsNotHungUpByTheRTPWatchdog() async throws {
            let test = try TestContext()
            let conf = test.relayConf(extraMedia: ["  rtp_timeout: 1", "  rtp_hangup_timeout: 3"])
            let (caller, callee, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let (caller, callee) = try await test.call(uac: test.uac("uac-hold-silent.xml"),
                                                           uas: test.uas("uas-answer-reinvite.xml"))
                try await legato.expectNoCallsLeft()
                return (caller, callee, legato.log)
            }
            expectSuccess(caller)
            expectSuccess(callee)
            // The caller hung up after 4.5 s on hold: Legato sent no BYE of its own.
            #expect(caller.trace.requests("BYE", .received).isEmpty, "\(caller.trace)")
            #expect(try #require(callee?.trace).requests("BYE", .received).count == 1)
            #expect(!log.contains("media.rtp-timeout"), "the watchdog hung up a held call")
            #expect(log.contains("call.event=OnHold"), "the hold was not seen")
        }

        @Test("relay mode: rtcp-mux on the caller's leg, separate RTCP on the callee's, RTCP crosses both ways")
        func rtcpMuxOnOneLegOnly() async throws {
            let test = try TestContext()
            let conf = test.relayConf()
            let callerMedia = try UDPSocket(port: test.ports.spare)
            let calleeRTP = try UDPSocket(port: test.ports.uac2Media)
            let calleeRTCP = try UDPSocket(port: test.ports.uac2Media + 1)
            var uac = test.uac("uac-media-keys.xml")
            uac.keys = ["rtp_port": "\(test.ports.spare)", "proto": "RTP/AVP", "crypto": "a=rtcp-mux"]
            var uas = test.uas("uas-answer-media-keys.xml")
            uas.keys = ["rtp_port": "\(test.ports.uac2Media)", "proto": "RTP/AVP", "crypto": "a=ptime:20"]
            let rtcp: [UInt8] = [0x80, 200, 0, 6, 0x12, 0x34, 0x56, 0x78] + [UInt8](repeating: 0x11, count: 20)
            let rtcpBack: [UInt8] = [0x80, 201, 0, 1, 0xCA, 0xFE, 0xF0, 0x0D]

            try await withLegato(conf, artifacts: test.artifacts) { legato in
                let callee = try await SippProcess.start(uas, artifacts: test.artifacts)
                let caller = try await SippProcess.start(uac, artifacts: test.artifacts)
                var ok: SIPMessage?
                _ = await waitUntil(timeout: .seconds(10)) {
                    ok = caller.trace.responses(to: "INVITE", .received, code: 200).first
                    return ok != nil
                }
                let answer = try #require(ok).body
                let invite = try #require(callee.trace.requests("INVITE", .received).first).body
                let legatoA = try #require(Self.audioPort(in: answer))
                let legatoB = try #require(Self.audioPort(in: invite))
                #expect(answer.contains("a=rtcp-mux"), "the caller's rtcp-mux is accepted: \(answer)")
                #expect(!answer.contains("a=rtcp:"), "\(answer)")
                #expect(invite.contains("a=rtcp-mux"), "rtcp-mux is offered on: \(invite)")
                #expect(invite.contains("a=rtcp:\(legatoB + 1) IN IP4 127.0.0.1"), "with a fallback port: \(invite)")

                let packet = Self.rtpPacket(sequence: 1)
                try callerMedia.send(packet, toPort: legatoA)
                #expect(calleeRTP.receive(timeout: .seconds(2))?.bytes == packet)
                // The caller's RTCP shares its RTP port; the callee gets it on its RTCP port.
                try callerMedia.send(rtcp, toPort: legatoA)
                #expect(calleeRTCP.receive(timeout: .seconds(2))?.bytes == rtcp)
                // The callee's RTCP (to Legato's RTCP port) reaches the caller's single port.
                try calleeRTCP.send(rtcpBack, toPort: legatoB + 1)
                #expect(callerMedia.receive(timeout: .seconds(2))?.bytes == rtcpBack)
                expectSuccess(try await caller.finish())
                expectSuccess(try await callee.finish(within: .seconds(15)))
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("relay mode: a caller whose source moves is followed only with allow_relatch", arguments: [false, true])
        func relatchFollowsAMovedSource(allowRelatch: Bool) async throws {
            let test = try TestContext()
            let conf = test.relayConf(extraMedia: ["  allow_relatch: \(allowRelatch)"])
            let first = try UDPSocket(port: test.ports.spare)
            let moved = try UDPSocket(port: test.ports.uac2Media)
            var uac = test.uac("uac-relay-media.xml")
            uac.keys = ["rtp_port": "\(test.ports.spare)"]
            var uas = test.uas("uas-answer.xml")
            uas.extraArguments = ["-rtp_echo"]
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                let callee = try await SippProcess.start(uas, artifacts: test.artifacts)
                let caller = try await SippProcess.start(uac, artifacts: test.artifacts)
                var port: Int?
                _ = await waitUntil(timeout: .seconds(10)) {
                    port = caller.trace.responses(to: "INVITE", .received, code: 200).first
                        .flatMap { Self.audioPort(in: $0.body) }
                    return port != nil
                }
                let legatoPort = try #require(port)
                let packet = Self.rtpPacket(sequence: 1)
                try first.send(packet, toPort: legatoPort)
                #expect(first.receive(timeout: .seconds(2))?.bytes == packet, "the first source latches")
                // Same caller, new source port, no re-INVITE (a NAT rebinding).
                let later = Self.rtpPacket(sequence: 2)
                try moved.send(later, toPort: legatoPort)
                let atMoved = moved.receive(timeout: .seconds(1))?.bytes
                if allowRelatch {
                    #expect(atMoved == later, "re-latching follows the new source")
                } else {
                    #expect(atMoved == nil, "a foreign source must be dropped after latching")
                    try first.send(later, toPort: legatoPort)
                    #expect(first.receive(timeout: .seconds(2))?.bytes == later, "the latched source still works")
                }
                expectSuccess(try await caller.finish())
                expectSuccess(try await callee.finish(within: .seconds(15)))
                try await legato.expectNoCallsLeft()
            }
        }

        /// The audio port of Legato's SDP in the 200 to `caller`'s INVITE, once it arrived (up to 10 s).
        static func answeredAudioPort(_ caller: SippProcess) async -> Int? {
            var port: Int?
            _ = await waitUntil(timeout: .seconds(10)) {
                port = caller.trace.responses(to: "INVITE", .received, code: 200).first.flatMap { audioPort(in: $0.body) }
                return port != nil
            }
            return port
        }

        /// The port of the first `m=audio` line of an SDP body.
        static func audioPort(in body: String) -> Int? {
            for line in body.split(whereSeparator: \.isNewline) where line.hasPrefix("m=audio ") {
                return Int(line.split(separator: " ")[1])
            }
            return nil
        }

        /// A 172-byte PCMU RTP packet with a recognisable payload.
        static func rtpPacket(sequence: UInt16) -> [UInt8] {
            var packet: [UInt8] = [0x80, 0x00, UInt8(sequence >> 8), UInt8(sequence & 0xFF),
                                   0, 0, UInt8(sequence), 0xA0, 0x12, 0x34, 0x56, 0x78]
            packet += (0..<160).map { UInt8(truncatingIfNeeded: Int($0) &* 7 &+ Int(sequence)) }
            return packet
        }
    }
}
