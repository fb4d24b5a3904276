import Foundation
import LegatoAudio
import Testing

extension Integration {
    /// In-band DTMF (`handle_tones` on a leg whose client negotiated no
    /// telephone-event): the tones in the caller's audio are heard by
    /// spandsp's `dtmf_rx` and reported as ToneReceived, and the audio
    /// still reaches the callee unchanged.
    ///
    /// The caller is sipp offering PCMU only, its RTP sent by the test:
    /// baresip 1.0 always offers telephone-event, so it cannot be a client without it.
    @Suite("In-band DTMF")
    struct InBandDTMF {
        static let rows: [Character: (Double, Double)] = [
            "1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "4": (770, 1209), "5": (770, 1336),
            "6": (770, 1477), "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "*": (941, 1209),
            "0": (941, 1336), "#": (941, 1477),
        ]

        /// `digits` as DTMF at 8 kHz: 200 ms of silence, then per digit 100 ms of tone and 100 ms of silence.
        static func tones(_ digits: String) -> [Int16] {
            var samples = [Int16](repeating: 0, count: 1600)
            for digit in digits {
                let (low, high) = rows[digit]!
                samples += (0..<800).map { i in
                    let t = Double(i) / 8000
                    return Int16(6000 * (sin(2 * .pi * low * t) + sin(2 * .pi * high * t)))
                }
                samples += [Int16](repeating: 0, count: 800)
            }
            return samples
        }

        /// PCMU RTP packets (payload type 0, 20 ms each) of `samples`.
        static func packets(_ samples: [Int16]) -> [[UInt8]] {
            stride(from: 0, to: samples.count - 159, by: 160).enumerated().map { index, start in
                let sequence = UInt16(100 + index), timestamp = UInt32(8000 + 160 * index)
                var packet: [UInt8] = [0x80, index == 0 ? 0x80 : 0x00, UInt8(sequence >> 8), UInt8(sequence & 0xFF),
                                       UInt8(timestamp >> 24), UInt8((timestamp >> 16) & 0xFF),
                                       UInt8((timestamp >> 8) & 0xFF), UInt8(timestamp & 0xFF), 0x0D, 0x7F, 0x11, 0x22]
                packet += samples[start..<(start + 160)].map { G711.ulaw($0) }
                return packet
            }
        }

        @Test("handle_tones, caller without telephone-event: 1 5 9 # in its PCMU audio reported in order as in-band ToneReceived, on each leg that carries them; the audio passes unchanged")
        func inBandDigits() async throws {
            let test = try TestContext()
            var conf = test.relayConf()
            for index in conf.routes.indices { conf.routes[index].handleTones = true }
            let media = try UDPSocket(port: test.ports.spare)
            var uac = test.uac("uac-relay-media.xml")
            uac.keys = ["rtp_port": "\(test.ports.spare)"]
            // PCMU only: no telephone-event in the caller's offer.
            uac.substitutions = ["RTP/AVP 0 101": "RTP/AVP 0", "a=rtpmap:101 telephone-event/8000": "a=ptime:20",
                                 "a=fmtp:101 0-16": "a=maxptime:20"]
            var uas = test.uas("uas-answer.xml")
            uas.extraArguments = ["-rtp_echo"]
            let sent = Self.packets(Self.tones("159#"))

            let (echoed, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let callee = try await SippProcess.start(uas, artifacts: test.artifacts)
                let caller = try await SippProcess.start(uac, artifacts: test.artifacts)
                let legatoPort = try #require(await RelayMedia.answeredAudioPort(caller), "no 200 with SDP for the caller; log \(legato.logPath)")
                try await Task.sleep(for: .milliseconds(300))  // handle_tones is set at the answer
                var echoed: [[UInt8]] = []
                let clock = ContinuousClock()
                let start = clock.now
                for (index, packet) in sent.enumerated() {
                    try media.send(packet, toPort: legatoPort)
                    try await Task.sleep(until: start + .milliseconds(20 * (index + 1)), clock: clock)
                    echoed += media.receiveAll(for: .milliseconds(2)).map(\.bytes)
                }
                echoed += media.receiveAll(for: .milliseconds(500)).map(\.bytes)
                expectSuccess(try await caller.finish())
                expectSuccess(try await callee.finish(within: .seconds(15)))
                try await legato.expectNoCallsLeft()
                return (echoed, legato.log)
            }
            let lines = log.split(whereSeparator: \.isNewline)
            let tones = lines.filter { $0.contains("call.tone") }
            func value(_ key: String, in line: Substring) -> String? {
                line.range(of: key + "=").map { String(line[$0.upperBound...].prefix { $0 != " " }) }
            }
            let inbound = try #require(lines.first { $0.contains("call.inbound") }.flatMap { value("call.id", in: $0) })
            let callerDigits = tones.filter { value("call.id", in: $0) == inbound }.compactMap { value("dtmf.tone", in: $0) }
            let calleeDigits = tones.filter { value("call.id", in: $0) != inbound }.compactMap { value("dtmf.tone", in: $0) }
            #expect(callerDigits == ["1", "5", "9", "#"], "reported: \(tones); log \(test.artifacts.path("legato.log"))")
            // The callee (PCMU only as well) echoes the audio: its leg hears the same digits, once each.
            #expect(calleeDigits == ["1", "5", "9", "#"], "reported: \(tones)")
            #expect(tones.allSatisfy { $0.contains("dtmf.type=in-band") }, "\(tones)")
            // The tones stay in the audio: the callee echoed the packets, payload unchanged.
            let payloads = Set(sent.map { Array($0[12...]) })
            let unchanged = echoed.filter { $0.count == 172 && payloads.contains(Array($0[12...])) }.count
            #expect(unchanged >= sent.count * 9 / 10, "\(unchanged) of \(sent.count) packets came back unchanged")
        }
    }
}
