import Foundation
import LegatoAudio
import Testing
@testable import LegatoMedia

extension MediaSocketTests {
    /// Playback into a live relay leg (ports 40700–40899): RTP continuity with
    /// the relayed stream, pacing, the end event, and recording both directions.
    @Suite struct AudioPlayoutTests {
        let fixtures = RelaySessionTests()

        static func header(_ p: [UInt8]) -> (marker: Bool, pt: UInt8, seq: UInt16, ts: UInt32, ssrc: UInt32) {
            func u32(_ i: Int) -> UInt32 { UInt32(p[i]) << 24 | UInt32(p[i + 1]) << 16 | UInt32(p[i + 2]) << 8 | UInt32(p[i + 3]) }
            return (p[1] & 0x80 != 0, p[1] & 0x7F, UInt16(p[2]) << 8 | UInt16(p[3]), u32(4), u32(8))
        }

        static func finished(_ events: EventRecorder) -> [(UInt64, Bool)] {
            events.all.compactMap { if case .playbackFinished(1, .b, let id, let stopped) = $0 { (id, stopped) } else { nil } }
        }

        @Test func playbackContinuesTheRelayedStreamAndRelayedAudioFollowsIt() async throws {
            let f = try await fixtures.fixture(range: 40700...40799)
            defer { f.pool.shutdown() }
            // A relayed packet A → B first: the playback continues its stream.
            try f.aRTP.send(rtpPacket(sequence: 100), to: f.session.ports.a.rtp)
            #expect(try f.bRTP.receive().bytes == rtpPacket(sequence: 100))
            let plan = try #require(ProgressTones.plan(.ringback, country: "US"))
            try await f.session.startPlayback(.b, playback: 7, source: .tone(plan), codec: .pcmu, payloadType: 0)
            // The first frame waits `trackingWarmUp` for relayed audio to continue: it still flows.
            try f.aRTP.send(rtpPacket(sequence: 101), to: f.session.ports.a.rtp)
            #expect(try f.bRTP.receive().bytes == rtpPacket(sequence: 101))
            var headers: [(marker: Bool, pt: UInt8, seq: UInt16, ts: UInt32, ssrc: UInt32)] = []
            for index in 0..<10 {
                let packet = try f.bRTP.receive().bytes
                #expect(packet.count == 12 + 160)
                headers.append(Self.header(packet))
                // Relayed audio during the playback is replaced, not mixed in.
                if index == 3 { try f.aRTP.send(rtpPacket(sequence: 102), to: f.session.ports.a.rtp) }
            }
            #expect(headers[0].marker && headers.dropFirst().allSatisfy { !$0.marker })
            #expect(headers.allSatisfy { $0.ssrc == 0x1234_5678 && $0.pt == 0 })
            #expect(headers.map(\.seq) == (102...111).map { UInt16($0) })
            #expect(zip(headers, headers.dropFirst()).allSatisfy { $1.ts &- $0.ts == 160 })
            #expect(headers[0].ts > 101 * 160)
            try await f.session.stopPlayback(.b)
            #expect(try await waitUntil { Self.finished(f.events).contains { $0 == (7, true) } })
            // Drain what was sent before the stop, then relayed audio follows the generated numbering.
            while let packet = try? f.bRTP.receive(timeoutMilliseconds: 100).bytes {
                headers.append(Self.header(packet))
            }
            let last = headers.last!.seq
            try f.aRTP.send(rtpPacket(sequence: 103), to: f.session.ports.a.rtp)
            let relayed = Self.header(try f.bRTP.receive().bytes)
            #expect(relayed.seq == last &+ 1 && relayed.ssrc == 0x1234_5678)
        }

        @Test func aClipPlaysPacedToItsEndThenReportsFinished() async throws {
            let f = try await fixtures.fixture(range: 40800...40899)
            defer { f.pool.shutdown() }
            // 0.5 s: 25 frames of a constant PCMA-encodable level.
            let clip = AudioClip(sampleRate: 8000, samples: Array(repeating: 1000, count: 4000))
            let start = ContinuousClock.now
            try await f.session.startPlayback(.b, playback: 9, source: .clip(clip, loop: false), codec: .pcma, payloadType: 8)
            var packets: [[UInt8]] = []
            for _ in 0..<25 { packets.append(try f.bRTP.receive().bytes) }
            let elapsed = ContinuousClock.now - start
            #expect(elapsed > .milliseconds(440) && elapsed < .milliseconds(800), "\(elapsed)")
            #expect(packets.allSatisfy { Self.header($0).pt == 8 && $0[12...].allSatisfy { $0 == G711.alaw(1000) } })
            #expect(try await waitUntil { Self.finished(f.events).contains { $0 == (9, false) } })
            #expect((try? f.bRTP.receive(timeoutMilliseconds: 100)) == nil, "packets after the clip's end")
            let timing = try await f.session.playbackTiming(.b)
            #expect(timing.sent == 26 || timing.sent == 25)
            #expect(timing.late == 0)
            #expect(AudioPlayout.openTimers.current >= 0)
        }
    }
}

extension MediaSocketTests {
    /// In-band DTMF on a live relay leg (ports 40900–40999): PCMU audio carrying a tone is reported.
    @Suite struct InBandToneTests {
        let fixtures = RelaySessionTests()

        @Test func aDTMFToneInPCMUAudioIsReportedOnceAndTheAudioStillFlows() async throws {
            let f = try await fixtures.fixture(range: 40900...40999)
            defer { f.pool.shutdown() }
            try await f.session.setInBandToneDetection(.a, codecs: [0: .pcmu])
            // '7': 852 + 1209 Hz for 120 ms, then silence.
            var samples: [Int16] = (0..<960).map { (i: Int) -> Int16 in
                let t = Double(i) / 8000
                let value: Double = sin(2 * Double.pi * 852 * t) + sin(2 * Double.pi * 1209 * t)
                return Int16(6000 * value)
            }
            samples += [Int16](repeating: 0, count: 1600)
            for (index, start) in stride(from: 0, to: samples.count, by: 160).enumerated() {
                let payload = samples[start..<(start + 160)].map(G711.ulaw)
                try f.aRTP.send(rtpPacket(sequence: UInt16(index + 1), payload: payload), to: f.session.ports.a.rtp)
                _ = try f.bRTP.receive()
            }
            #expect(try await waitUntil {
                f.events.all.contains { if case .inBandTone(1, .a, .seven) = $0 { true } else { false } }
            })
            #expect(f.events.all.filter { if case .inBandTone = $0 { true } else { false } }.count == 1)
            try await f.session.setInBandToneDetection(.a, codecs: nil)
        }
    }
}

extension MediaSocketTests {
    /// `sendMediaTo` between two sessions (ports 40600–40699 are the DTMF tests'; these use 42500–42599).
    @Suite struct AudioFeedTests {
        let fixtures = RelaySessionTests()

        @Test func audioReceivedOnOneSessionIsPlayedTranscodedToAnotherUntilRemoved() async throws {
            let f = try await fixtures.fixture(range: 42500...42599)
            defer { f.pool.shutdown() }
            let target = try await f.pool.createRelaySession(id: 2, address: "127.0.0.1")
            let listener = try TestUDPEndpoint(host: "127.0.0.1")
            try await target.setRemote(.a, rtp: listener.endpoint)
            let feed = AudioFeed()
            try await f.session.addFeed(.a, feed, codecs: [0: .pcmu])
            try await target.startPlayback(.a, playback: 3, source: .feed(feed), codec: .pcma, payloadType: 8)
            let loud = [UInt8](repeating: G711.ulaw(3000), count: 160)
            var heardLoud = 0
            for sequence in 1...15 {
                try f.aRTP.send(rtpPacket(sequence: UInt16(sequence), payload: loud), to: f.session.ports.a.rtp)
                let packet = try listener.receive().bytes
                #expect(packet[1] & 0x7F == 8)
                if packet[12...].allSatisfy({ abs(Int(G711.linear(alaw: $0)) - 3000) < 200 }) { heardLoud += 1 }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(heardLoud >= 8, "only \(heardLoud) of 15 frames carried the source's audio")
            try await f.session.removeFeed(.a, feed)
            try await Task.sleep(for: .milliseconds(100))
            while (try? listener.receive(timeoutMilliseconds: 10)) != nil {}
            try f.aRTP.send(rtpPacket(sequence: 16, payload: loud), to: f.session.ports.a.rtp)
            for _ in 0..<3 {
                let packet = try listener.receive().bytes
                #expect(packet[12...].allSatisfy { abs(Int(G711.linear(alaw: $0))) < 16 }, "audio after removeFeed")
            }
            try await target.stopPlayback(.a)
            await target.releaseAndWait()
        }
    }
}

extension MediaSocketTests {
    /// Playback to an Opus leg and the worker's late-tick counter (ports 42700–42899).
    @Suite struct OpusPlayoutTests {
        let fixtures = RelaySessionTests()

        @Test func aClipPlayedToAnOpusLegIsEncodedAt48kHzAndDecodesToTheSameTone() async throws {
            let f = try await fixtures.fixture(range: 42700...42799)
            defer { f.pool.shutdown() }
            // 0.4 s of 1000 Hz at 48 kHz (the cache resamples files to the leg's rate).
            let tone = (0..<19200).map { Int16(8000 * sin(2 * Double.pi * 1000 * Double($0) / 48000)) }
            try await f.session.startPlayback(.b, playback: 5, source: .clip(AudioClip(sampleRate: 48000, samples: tone), loop: false),
                                              codec: .opus, payloadType: 111)
            var headers: [(marker: Bool, pt: UInt8, seq: UInt16, ts: UInt32, ssrc: UInt32)] = []
            let decoder = AudioDecoder(.opus, outputRate: 48000)
            var decoded: [Int16] = []
            var output = [Int16](repeating: 0, count: 5760)
            for _ in 0..<20 {
                let packet = try f.bRTP.receive().bytes
                headers.append(AudioPlayoutTests.header(packet))
                #expect(packet.count > 12 && packet.count < 12 + 320)
                let count = Array(packet[12...]).withUnsafeBytes { payload in
                    output.withUnsafeMutableBufferPointer { decoder.decode(payload, into: $0) }
                }
                #expect(count == 960)
                decoded += output[0..<count]
            }
            #expect(headers.allSatisfy { $0.pt == 111 })
            #expect(zip(headers, headers.dropFirst()).allSatisfy { $1.ts &- $0.ts == 960 && $1.seq &- $0.seq == 1 })
            // 1000 Hz: 2000 zero crossings a second, 600 in the 0.3 s after the codec settled.
            let settled = Array(decoded[4800...])
            let crossings = zip(settled, settled.dropFirst()).filter { ($0 < 0) != ($1 < 0) }.count
            #expect((580...620).contains(crossings), "\(crossings) zero crossings in 0.3 s")
            #expect(settled.map { abs(Int($0)) }.max() ?? 0 > 4000, "the tone came out too quiet")
            #expect(try await waitUntil { AudioPlayoutTests.finished(f.events).contains { $0 == (5, false) } })
        }

        @Test func aStalledWorkerCountsLatePlaybackFramesInItsTotals() async throws {
            let f = try await fixtures.fixture(range: 42800...42899)
            defer { f.pool.shutdown() }
            let plan = try #require(ProgressTones.plan(.ringback, country: "US"))
            try await f.session.startPlayback(.b, playback: 2, source: .tone(plan), codec: .pcmu, payloadType: 0)
            _ = try f.bRTP.receive()
            // The worker busy for 200 ms: the frames due meanwhile go out late.
            _ = try await f.session.worker.perform { _ in usleep(200_000) }
            try await Task.sleep(for: .milliseconds(60))
            let timing = try await f.session.playbackTiming(.b)
            let totals = await f.pool.totals()
            #expect(timing.late > 0)
            #expect(totals.lateTicks >= UInt64(timing.late), "worker \(totals.lateTicks), playout \(timing.late)")
            try await f.session.stopPlayback(.b)
        }
    }
}
