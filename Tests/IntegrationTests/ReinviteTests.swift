import Testing

extension Integration {
    /// Session modification in an established call (RFC 3261 14).
    @Suite("re-INVITE")
    struct Reinvite {
        @Test("direct mode: a hold re-INVITE reaches the callee with its SDP unchanged, and the answer comes back")
        func holdReinviteIsRelayedEndToEnd() async throws {
            let test = try TestContext()
            let (caller, callee, log) = try await withLegato(test.conf(), artifacts: test.artifacts) { legato in
                let (caller, callee) = try await test.call(uac: test.uac("uac-reinvite-hold.xml"),
                                                           uas: test.uas("uas-answer-reinvite.xml"))
                try await legato.expectNoCallsLeft()
                return (caller, callee, legato.log)
            }
            // The caller's call saw the re-INVITE, its acceptance and the hold it means.
            let events = log.split(whereSeparator: \.isNewline).filter { $0.contains("call.signalling-event") }
            for (event, count) in [("ReInviteReceived", 1), ("ReInviteAccepted", 1), ("OnHold", 1),
                                   ("ReInviteRejected", 0), ("OffHold", 0)] {
                #expect(events.filter { $0.contains("call.event=\(event) ") }.count == count, "\(event): \(events)")
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)
            let invites = calleeTrace.requests("INVITE", .received)
            try #require(invites.count == 2, "\(calleeTrace)")
            // Same dialog on the callee's side, a new transaction, the caller's hold SDP byte for byte.
            #expect(invites[1].callID == invites[0].callID)
            #expect(invites[1].cseqNumber != invites[0].cseqNumber)
            let holdOffer = try #require(caller.trace.requests("INVITE", .sent).last)
            #expect(invites[1].body == holdOffer.body, "the re-INVITE's SDP changed on the way")
            // The callee's answer reached the caller unchanged, and both 2xx were ACKed.
            let answers = caller.trace.responses(to: "INVITE", .received, code: 200)
            let calleeAnswer = try #require(calleeTrace.responses(to: "INVITE", .sent, code: 200).last)
            #expect(answers.last?.body == calleeAnswer.body)
            #expect(calleeTrace.requests("ACK", .received).count == 2, "\(calleeTrace)")
        }

        @Test("relay mode: hold and unhold re-INVITEs are relayed with Legato's SDP, and media follows the caller to a new port")
        func relayHoldUnholdFollowsNewAddress() async throws {
            let test = try TestContext()
            let relayLow = test.relayLow
            let conf = test.relayConf()
            let first = try UDPSocket(port: test.ports.spare)
            let second = try UDPSocket(port: test.ports.uac2Media)
            var uac = test.uac("uac-relay-hold-unhold.xml")
            uac.keys = ["rtp_port": "\(test.ports.spare)", "rtp_port2": "\(test.ports.uac2Media)"]
            var uas = test.uas("uas-answer-hold-unhold.xml")
            uas.extraArguments = ["-rtp_echo"]

            let (caller, callee, echoedBefore, echoedAfter, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let calleeProcess = try await SippProcess.start(uas, artifacts: test.artifacts)
                let callerProcess = try await SippProcess.start(uac, artifacts: test.artifacts)
                func oks() -> [SIPMessage] { callerProcess.trace.responses(to: "INVITE", .received, code: 200) }
                _ = await waitUntil(timeout: .seconds(10)) { !oks().isEmpty }
                let port = try #require(oks().first.flatMap { RelayMedia.audioPort(in: $0.body) })
                var before = 0
                for sequence in 0..<3 {
                    let packet = RelayMedia.rtpPacket(sequence: UInt16(sequence))
                    try first.send(packet, toPort: port)
                    if first.receive(timeout: .seconds(1))?.bytes == packet { before += 1 }
                }
                // After the unhold (third 200), the caller's media comes from its new port.
                _ = await waitUntil(timeout: .seconds(10)) { oks().count >= 3 }
                var after = 0
                for sequence in 10..<13 {
                    let packet = RelayMedia.rtpPacket(sequence: UInt16(sequence))
                    try second.send(packet, toPort: port)
                    if second.receive(timeout: .seconds(1))?.bytes == packet { after += 1 }
                }
                let caller = try await callerProcess.finish()
                let callee = try await calleeProcess.finish(within: .seconds(15))
                try await legato.expectNoCallsLeft()
                #expect(legato.log.contains("media.ports.allocated=0 "), "log \(legato.logPath)")
                return (caller, callee, before, after, legato.log)
            }
            expectSuccess(caller)
            expectSuccess(callee)
            #expect(echoedBefore == 3, "RTP before the hold")
            #expect(echoedAfter == 3, "RTP from the caller's new port after the unhold")
            let invites = callee.trace.requests("INVITE", .received)
            try #require(invites.count == 3, "\(callee.trace)")
            // Every SDP the callee got names Legato's leg-B port, with one o= session id and rising versions.
            let calleeSide = try #require(RelayMedia.audioPort(in: invites[0].body))
            #expect((relayLow...(relayLow + 19)).contains(calleeSide))
            let origins = invites.map { Self.origin(in: $0.body) }
            for (index, invite) in invites.enumerated() {
                #expect(RelayMedia.audioPort(in: invite.body) == calleeSide, "\(invite.body)")
                #expect(!invite.body.contains("\(test.ports.spare)") && !invite.body.contains("\(test.ports.uac2Media)"))
                #expect(origins[index]?.id == origins[0]?.id)
                if index > 0 { #expect((origins[index]?.version ?? 0) > (origins[index - 1]?.version ?? 0), "\(origins)") }
            }
            #expect(invites[1].body.contains("a=sendonly"))
            #expect(invites[2].body.contains("a=sendrecv"))
            let answers = caller.trace.responses(to: "INVITE", .received, code: 200)
            #expect(answers.count == 3)
            #expect(answers.dropFirst().first?.body.contains("a=recvonly") == true)
            #expect(Set(answers.compactMap { RelayMedia.audioPort(in: $0.body) }).count == 1, "one Legato port for the caller")
            let events = log.split(whereSeparator: \.isNewline).filter { $0.contains("call.signalling-event") }
            for (event, count) in [("ReInviteReceived", 2), ("ReInviteAccepted", 2), ("OnHold", 1), ("OffHold", 1),
                                   ("ReInviteRejected", 0)] {
                #expect(events.filter { $0.contains("call.event=\(event) ") }.count == count, "\(event): \(events)")
            }
        }

        @Test("UPDATE (RFC 3311): a hold offer is relayed with the callee's answer; a refresh without body is answered on its own leg",
              arguments: ["direct", "relay"])
        func updateIsRelayed(mode: String) async throws {
            let test = try TestContext()
            let conf = mode == "relay" ? test.relayConf() : test.conf()
            let (caller, callee) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: test.uac("uac-update.xml"), uas: test.uas("uas-answer-updates.xml"))
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)
            let updates = calleeTrace.requests("UPDATE", .received)
            try #require(updates.count == 1, "the refresh stays on the caller's leg: \(calleeTrace)")
            #expect(updates[0].body.contains("a=sendonly"))
            #expect(updates[0].header("X-Update-Tag") == "u2")
            let answers = caller.trace.responses(to: "UPDATE", .received, code: 200)
            #expect(answers.count == 2)
            #expect(answers.first?.body.contains("a=recvonly") == true)
            let sentOffer = try #require(caller.trace.requests("UPDATE", .sent).first)
            let invite = try #require(calleeTrace.requests("INVITE", .received).first)
            if mode == "relay" {
                // Legato's SDP on each side: the callee's port is Legato's leg B, the caller's answer names leg A.
                #expect(RelayMedia.audioPort(in: updates[0].body) == RelayMedia.audioPort(in: invite.body))
                let ok = try #require(caller.trace.responses(to: "INVITE", .received, code: 200).first)
                #expect(RelayMedia.audioPort(in: answers[0].body) == RelayMedia.audioPort(in: ok.body))
                #expect(updates[0].body != sentOffer.body)
            } else {
                #expect(updates[0].body == sentOffer.body, "direct mode passes the offer unchanged")
            }
        }

        @Test("glare: a re-INVITE from the callee while the caller's is pending gets 491; the pending one completes",
              arguments: ["direct", "relay"])
        func glareGets491(mode: String) async throws {
            let test = try TestContext()
            let conf = mode == "relay" ? test.relayConf() : test.conf()
            let (caller, callee) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: test.uac("uac-reinvite-hold.xml"),
                                                 uas: test.uas("uas-reinvite-glare.xml"))
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let calleeTrace = try #require(callee?.trace)
            #expect(calleeTrace.responses(to: "INVITE", .received, code: 491).count == 1, "\(calleeTrace)")
            // The callee's re-INVITE never reached the caller.
            #expect(caller.trace.requests("INVITE", .received).isEmpty)
            #expect(caller.trace.responses(to: "INVITE", .received, code: 200).count == 2)
        }

        /// The `o=` session id and version of an SDP body.
        static func origin(in body: String) -> (id: String, version: Int)? {
            guard let line = body.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("o=") }) else { return nil }
            let fields = line.split(separator: " ")
            guard fields.count >= 3, let version = Int(fields[2]) else { return nil }
            return (String(fields[1]), version)
        }
    }
}
