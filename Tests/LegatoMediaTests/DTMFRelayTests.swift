import Testing
@testable import LegatoMedia

extension MediaSocketTests {
    /// RFC 4733 detection and generation on live relay sessions (ports 40000–40699:
    /// clear of the integration tests' relay ranges, 45000 and up, which may run at the same time).
    @Suite struct DTMFRelayTests {
        let fixtures = RelaySessionTests()

        static func tones(_ events: EventRecorder, leg: RelayLeg = .a) -> [DTMFDigit] {
            events.all.compactMap { if case .tone(1, leg, let d) = $0 { d } else { nil } }
        }

        /// Receives `count` datagrams with their arrival times.
        static func receive(_ count: Int, at endpoint: TestUDPEndpoint) throws -> [(bytes: [UInt8], at: ContinuousClock.Instant)] {
            try (0..<count).map { _ in
                let bytes = try endpoint.receive().bytes
                return (bytes, ContinuousClock.now)
            }
        }

        // MARK: Detection

        @Test func consumedDigitsAreReportedOnceAndAudioStillFlows() async throws {
            let f = try await fixtures.fixture(range: 40000...40099)
            defer { f.pool.shutdown() }
            try await f.session.setToneDetection(.a, payloadType: 101, consume: true)
            try f.aRTP.send(rtpPacket(sequence: 1), to: f.session.ports.a.rtp)
            #expect(try f.bRTP.receive().bytes == rtpPacket(sequence: 1))

            for p in DTMFDetectorTests.digitPackets(5, timestamp: 480, firstSequence: 2) {
                try f.aRTP.send(p, to: f.session.ports.a.rtp)
            }
            // Only the end packets of a second digit (its start packets lost).
            for p in DTMFDetectorTests.digitPackets(11, timestamp: 2000, firstSequence: 9).suffix(3) {
                try f.aRTP.send(p, to: f.session.ports.a.rtp)
            }
            try f.aRTP.send(rtpPacket(sequence: 20), to: f.session.ports.a.rtp)
            // The next thing B gets is the audio: the events were dropped (same worker, in order).
            #expect(try f.bRTP.receive().bytes == rtpPacket(sequence: 20))
            #expect(Self.tones(f.events) == [.five, .pound])
            let stats = try await f.session.stats()
            #expect(stats.a.rtp.droppedByProcessing == 10)
            #expect(stats.b.rtp.packetsOut == 2)
            // B → A is not inspected.
            try f.bRTP.send(DTMFDetectorTests.digitPackets(1, timestamp: 1, firstSequence: 1)[0], to: f.session.ports.b.rtp)
            #expect(ParsedEventPacket(try f.aRTP.receive().bytes).event?.event == 1)
            #expect(Self.tones(f.events) == [.five, .pound])
        }

        @Test func withoutConsumeEventsAreRelayedUnchangedAndReported() async throws {
            let f = try await fixtures.fixture(range: 40100...40199)
            defer { f.pool.shutdown() }
            try await f.session.setToneDetection(.a, payloadType: 101, consume: false)
            let packets = DTMFDetectorTests.digitPackets(9, timestamp: 160, firstSequence: 1)
            for p in packets { try f.aRTP.send(p, to: f.session.ports.a.rtp) }
            for p in packets { #expect(try f.bRTP.receive().bytes == p) }
            #expect(Self.tones(f.events) == [.nine])
            // Turned off: relayed, not reported.
            try await f.session.setToneDetection(.a, payloadType: nil, consume: true)
            let next = DTMFDetectorTests.digitPackets(4, timestamp: 4000, firstSequence: 8)
            for p in next { try f.aRTP.send(p, to: f.session.ports.a.rtp) }
            for p in next { #expect(try f.bRTP.receive().bytes == p) }
            #expect(Self.tones(f.events) == [.nine])
            await #expect(throws: DTMFError.invalidPayloadType(128)) {
                try await f.session.setToneDetection(.a, payloadType: 128, consume: true)
            }
        }

        @Test func detectsWhileTheOtherLegHasNoRemote() async throws {
            let f = try await fixtures.fixture(range: 40200...40299, setRemotes: false)
            defer { f.pool.shutdown() }
            try await f.session.setToneDetection(.a, payloadType: 96, consume: false)
            let p = telephoneEventPacket(payloadType: 96, sequence: 1, timestamp: 1, marker: true, event: 10, end: false, duration: 160)
            try f.aRTP.send(p, to: f.session.ports.a.rtp)
            #expect(try await waitUntil { Self.tones(f.events) == [.star] })
            #expect(try await f.session.stats().a.rtp.droppedNoDestination == 1)
        }

        // MARK: Generation

        @Test func generatesTheRFC4733PacketSequence() async throws {
            let f = try await fixtures.fixture(range: 40300...40399)
            defer { f.pool.shutdown() }
            try await f.session.sendDigits(.b, try DTMFDigits("1p2"), payloadType: 101)
            let received = try Self.receive(14, at: f.bRTP)
            let packets = received.map { ParsedEventPacket($0.bytes) }
            #expect(packets.allSatisfy { $0.payloadType == 101 && $0.ssrc == packets[0].ssrc })
            for (i, p) in packets.enumerated() { #expect(p.sequence == packets[0].sequence &+ UInt16(i)) }
            for (digit, group) in [(UInt8(1), packets[0..<7]), (2, packets[7..<14])] {
                let g = Array(group)
                #expect(g.map(\.marker) == [true, false, false, false, false, false, false])
                #expect(g.allSatisfy { $0.timestamp == g[0].timestamp && $0.event?.event == digit && $0.event?.volume == 10 })
                #expect(g.map { $0.event?.duration ?? 0 } == [160, 320, 480, 640, 800, 800, 800])
                #expect(g.map { $0.event?.end ?? false } == [false, false, false, false, true, true, true])
            }
            // Digit 2 starts 150 ms (digit + gap) + 500 ms (pause) after digit 1.
            #expect(packets[7].timestamp &- packets[0].timestamp == 5200)
            #expect(received[7].at - received[6].at > .milliseconds(400))
            #expect(received[6].at - received[0].at >= .milliseconds(100))
            try await Task.sleep(for: .milliseconds(100))
            #expect(!f.bRTP.hasPending && !f.aRTP.hasPending)
            #expect(try await f.session.stats().b.rtp.packetsOut == 14)
            await #expect(throws: DTMFError.invalidPayloadType(-1)) {
                try await f.session.sendDigits(.b, try DTMFDigits("1"), payloadType: -1)
            }
        }

        @Test func generatedDigitsContinueTheRelayedStream() async throws {
            let f = try await fixtures.fixture(range: 40400...40499)
            defer { f.pool.shutdown() }
            for seq in UInt16(1)...3 {
                try f.aRTP.send(rtpPacket(sequence: seq), to: f.session.ports.a.rtp)
                _ = try f.bRTP.receive()
            }
            // Nothing generates into leg B yet: the packet path records no send position.
            let id = f.session.id
            #expect(try await f.session.worker.perform { try $0.session(id).b.tracksSentRTP } == false)
            let queued = ContinuousClock.now
            try await f.session.sendDigits(.b, try DTMFDigits("5"), payloadType: 101)
            // The first digit waits `trackingWarmUp` for relayed audio to continue: it still flows.
            try f.aRTP.send(rtpPacket(sequence: 4), to: f.session.ports.a.rtp)
            #expect(try f.bRTP.receive().bytes == rtpPacket(sequence: 4))
            let first = ParsedEventPacket(try f.bRTP.receive().bytes)
            #expect(ContinuousClock.now - queued >= RelayLegCore.trackingWarmUp)
            // Relayed audio during the event is muted.
            try f.aRTP.send(rtpPacket(sequence: 5), to: f.session.ports.a.rtp)
            let rest = try (0..<6).map { _ in ParsedEventPacket(try f.bRTP.receive().bytes) }
            let elapsed = UInt32((ContinuousClock.now - queued) / .milliseconds(1)) * 8
            #expect(first.ssrc == 0x1234_5678 && first.sequence == 5 && first.marker)
            // rtpPacket(sequence: 4) had timestamp 640; the clock moved on with the wall clock.
            #expect(first.timestamp >= 640 && first.timestamp <= 640 + elapsed + 800)
            #expect(rest.map(\.sequence) == Array(6...11))
            #expect(rest.allSatisfy { $0.ssrc == 0x1234_5678 && $0.timestamp == first.timestamp && $0.event != nil })
            // Audio afterwards follows the generated sequence numbers, payload untouched.
            for (seq, expected) in [(UInt16(6), UInt16(12)), (7, 13)] {
                try f.aRTP.send(rtpPacket(sequence: seq), to: f.session.ports.a.rtp)
                var want = rtpPacket(sequence: seq)
                want[2] = UInt8(expected >> 8)
                want[3] = UInt8(expected & 0xFF)
                #expect(try f.bRTP.receive().bytes == want)
            }
            #expect(try await f.session.stats().a.rtp.droppedByProcessing == 1)
            // A second digit continues from the rewritten stream.
            try await f.session.sendDigits(.b, try DTMFDigits("6"), payloadType: 101)
            let again = ParsedEventPacket(try f.bRTP.receive().bytes)
            #expect(again.ssrc == 0x1234_5678 && again.sequence == 14 && again.event?.event == 6)
            #expect(again.timestamp > first.timestamp)
            _ = try Self.receive(6, at: f.bRTP)
        }

        @Test func generatedPacketsAreProtectedOnAnSRTPLeg() async throws {
            let f = try await fixtures.fixture(range: 40500...40599)
            defer { f.pool.shutdown() }
            let keys = try RelayLegSRTPTests.legKeys()
            try await f.session.setSRTP(.b, keys)
            let remoteReceives = try SRTPContext(direction: .inbound, keys: keys.local)
            try f.aRTP.send(rtpPacket(sequence: 1), to: f.session.ports.a.rtp)
            var audio = SRTPTestPacket(try f.bRTP.receive().bytes)
            try audio.unprotect(remoteReceives)
            #expect(audio.bytes == rtpPacket(sequence: 1))

            try await f.session.sendDigits(.b, try DTMFDigits("#"), payloadType: 110)
            try f.aRTP.send(rtpPacket(sequence: 2), to: f.session.ports.a.rtp)
            var warmUp = SRTPTestPacket(try f.bRTP.receive().bytes)
            try warmUp.unprotect(remoteReceives)
            #expect(warmUp.bytes == rtpPacket(sequence: 2))
            for (i, raw) in try Self.receive(7, at: f.bRTP).enumerated() {
                #expect(raw.bytes.count == 16 + keys.local.suite.rtpAuthTagLength)
                var packet = SRTPTestPacket(raw.bytes)
                try packet.unprotect(remoteReceives)
                let parsed = ParsedEventPacket(packet.bytes)
                #expect(parsed.payloadType == 110 && parsed.sequence == UInt16(3 + i) && parsed.ssrc == 0x1234_5678)
                #expect(parsed.event?.event == DTMFDigit.pound.rawValue)
            }
        }

        @Test func closingTheSessionFreesTheTimer() async throws {
            let pool = try MediaWorkerPool(workerCount: 1, portRange: 40600...40699)
            let before = DTMFSender.openTimers.current
            let phone = try TestUDPEndpoint()
            let s1 = try await pool.createRelaySession(id: 1, address: "127.0.0.1")
            let s2 = try await pool.createRelaySession(id: 2, address: "127.0.0.1")
            for s in [s1, s2] {
                try await s.setRemote(.a, rtp: phone.endpoint)
                try await s.sendDigits(.a, try DTMFDigits("123"), payloadType: 101)
            }
            #expect(DTMFSender.openTimers.current == before + 2)
            _ = try phone.receive()
            // Released mid-digit: the timer goes with the session.
            #expect(await s1.releaseAndWait())
            #expect(DTMFSender.openTimers.current == before + 1)
            // Shutdown releases the other one.
            pool.shutdown()
            #expect(DTMFSender.openTimers.current == before)
            while phone.hasPending { _ = try phone.receive() }
            try await Task.sleep(for: .milliseconds(100))
            #expect(!phone.hasPending)
            #expect(pool.allocatedPortPairs == 0)
        }
    }
}
