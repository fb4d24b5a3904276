import Testing

extension Integration {
    /// RFC 4733 digits on relay legs: passed through unchanged by default,
    /// reported and removed from the relayed stream with `handle_tones`.
    @Suite("DTMF")
    struct DTMF {
        /// An RFC 4733 event packet (payload type 101, the caller's SDP).
        static func eventPacket(digit: UInt8, sequence: UInt16, timestamp: UInt32, duration: UInt16,
                                end: Bool, marker: Bool) -> [UInt8] {
            [0x80, (marker ? 0x80 : 0) | 101, UInt8(sequence >> 8), UInt8(sequence & 0xFF),
             UInt8(timestamp >> 24), UInt8((timestamp >> 16) & 0xFF), UInt8((timestamp >> 8) & 0xFF), UInt8(timestamp & 0xFF),
             0x12, 0x34, 0x56, 0x78,
             digit, (end ? 0x80 : 0) | 10, UInt8(duration >> 8), UInt8(duration & 0xFF)]
        }

        /// The packets of one digit: a start, two updates, three end packets.
        static func digitPackets(_ digit: UInt8, firstSequence: UInt16, timestamp: UInt32) -> [[UInt8]] {
            [eventPacket(digit: digit, sequence: firstSequence, timestamp: timestamp, duration: 160, end: false, marker: true),
             eventPacket(digit: digit, sequence: firstSequence + 1, timestamp: timestamp, duration: 320, end: false, marker: false),
             eventPacket(digit: digit, sequence: firstSequence + 2, timestamp: timestamp, duration: 480, end: false, marker: false)]
                + (0..<3).map { i in
                    eventPacket(digit: digit, sequence: firstSequence + 3 + UInt16(i), timestamp: timestamp, duration: 800,
                                end: true, marker: false)
                }
        }

        @Test("RFC 4733 digits: relayed unchanged by default; with handle_tones reported once each and removed, audio still relayed",
              arguments: [false, true])
        func rfc4733Digits(handleTones: Bool) async throws {
            let test = try TestContext()
            var conf = test.relayConf()
            for index in conf.routes.indices { conf.routes[index].handleTones = handleTones }
            let media = try UDPSocket(port: test.ports.spare)
            var uac = test.uac("uac-relay-media.xml")
            uac.keys = ["rtp_port": "\(test.ports.spare)"]
            var uas = test.uas("uas-answer.xml")
            uas.extraArguments = ["-rtp_echo"]

            let (echoedEvents, echoedAudio, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let callee = try await SippProcess.start(uas, artifacts: test.artifacts)
                let caller = try await SippProcess.start(uac, artifacts: test.artifacts)
                var port: Int?
                _ = await waitUntil(timeout: .seconds(10)) {
                    port = caller.trace.responses(to: "INVITE", .received, code: 200).first
                        .flatMap { RelayMedia.audioPort(in: $0.body) }
                    return port != nil
                }
                let legatoPort = try #require(port)
                try await Task.sleep(for: .milliseconds(300))  // handle_tones is set at the answer
                var audio = 0
                var events = 0
                let first = RelayMedia.rtpPacket(sequence: 1)
                try media.send(first, toPort: legatoPort)
                if media.receive(timeout: .seconds(1))?.bytes == first { audio += 1 }
                for (index, digit) in [UInt8(5), 11].enumerated() {   // "5", "#"
                    for packet in Self.digitPackets(digit, firstSequence: UInt16(10 + index * 10),
                                                    timestamp: UInt32(16000 + index * 1600)) {
                        try media.send(packet, toPort: legatoPort)
                    }
                }
                events = media.receiveAll(for: .milliseconds(800)).filter { $0.bytes.count == 16 && $0.bytes[1] & 0x7F == 101 }.count
                let last = RelayMedia.rtpPacket(sequence: 40)
                try media.send(last, toPort: legatoPort)
                if media.receive(timeout: .seconds(1))?.bytes == last { audio += 1 }
                expectSuccess(try await caller.finish())
                expectSuccess(try await callee.finish(within: .seconds(15)))
                try await legato.expectNoCallsLeft()
                return (events, audio, legato.log)
            }
            #expect(echoedAudio == 2, "audio must be relayed either way")
            let tones = log.split(whereSeparator: \.isNewline).filter { $0.contains("call.tone") }
            if handleTones {
                #expect(echoedEvents == 0, "handled digits must not be relayed")
                #expect(tones.count == 2, "\(tones)")
                #expect(tones.first?.contains("dtmf.tone=5") == true && tones.last?.contains("dtmf.tone=#") == true, "\(tones)")
                #expect(tones.allSatisfy { $0.contains("dtmf.type=RFC 4733") })
            } else {
                #expect(echoedEvents == 12, "digits pass through unchanged when not handled")
                #expect(tones.isEmpty)
            }
        }
    }
}
