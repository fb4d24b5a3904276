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
                let legatoPort = try #require(await RelayMedia.answeredAudioPort(caller))
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

        @Test("sendDigits on a direct leg: one SIP INFO application/dtmf-relay per digit")
        func sendDigitsByInfo() async throws {
            let test = try TestContext()
            var conf = test.conf()
            for index in conf.routes.indices { conf.routes[index].digitsAfterAnswer = "12" }
            var caller = test.uac("uac-relay-media.xml")
            caller.keys = ["rtp_port": "\(test.ports.spare)"]
            let (callerResult, callee) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: caller, uas: test.uas("uas-dtmf-info.xml"))
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(callerResult)
            expectSuccess(callee)
            let infos = try #require(callee?.trace).requests("INFO", .received)
            #expect(infos.map { $0.body.contains("Signal=1") } == [true, false])
            #expect(infos.count == 2)
        }

        @Test("sendDigits on a relay leg with telephone-event: RFC 4733 events, marker on the first packet, end bit three times")
        func sendDigitsByRFC4733() async throws {
            let test = try TestContext()
            var conf = test.relayConf()
            for index in conf.routes.indices { conf.routes[index].digitsAfterAnswer = "5" }
            let calleeMedia = try UDPSocket(port: test.ports.uac2Media)
            var caller = test.uac("uac-relay-media.xml")
            caller.keys = ["rtp_port": "\(test.ports.spare)"]
            var callee = test.uas("uas-answer-media-keys.xml")
            // The callee's SDP offers PCMU and telephone-event 101.
            // (the scenario writes "m=audio <port> <proto> 0", so proto carries the extra payload type)
            callee.keys = ["rtp_port": "\(test.ports.uac2Media)", "proto": "RTP/AVP 101",
                           "crypto": "a=rtpmap:101 telephone-event/8000"]
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                let calleeProcess = try await SippProcess.start(callee, artifacts: test.artifacts)
                let callerProcess = try await SippProcess.start(caller, artifacts: test.artifacts)
                let packets = calleeMedia.receiveAll(for: .seconds(2)).map(\.bytes)
                    .filter { $0.count == 16 && $0[1] & 0x7F == 101 }
                expectSuccess(try await callerProcess.finish())
                expectSuccess(try await calleeProcess.finish(within: .seconds(15)))
                try await legato.expectNoCallsLeft()
                try #require(packets.count >= 4, "no RFC 4733 packets reached the callee")
                #expect(packets.allSatisfy { $0[12] == 5 }, "event code of digit 5")
                #expect(packets[0][1] & 0x80 != 0, "marker bit on the first packet")
                #expect(packets.dropFirst().allSatisfy { $0[1] & 0x80 == 0 })
                let timestamps = Set(packets.map { Array($0[4..<8]) })
                #expect(timestamps.count == 1, "one timestamp for the whole event")
                let sequences = packets.map { Int($0[2]) << 8 | Int($0[3]) }
                #expect(zip(sequences, sequences.dropFirst()).allSatisfy { ($1 - $0 + 65536) % 65536 == 1 })
                let ends = packets.filter { $0[13] & 0x80 != 0 }
                #expect(ends.count == 3, "end bit on the last three packets")
                #expect(Set(ends.map { Array($0[14..<16]) }).count == 1, "the end packets repeat one duration")
            }
        }
    }
}
