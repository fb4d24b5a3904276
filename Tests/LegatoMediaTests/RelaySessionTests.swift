import Glibc
import Synchronization
import Testing
@testable import LegatoMedia

extension MediaSocketTests {
    @Suite struct RelaySessionTests {
        /// A session with both remotes known from SDP, and the two endpoints.
        struct Fixture {
            let pool: MediaWorkerPool
            let events: EventRecorder
            let session: RelaySession
            let aRTP: TestUDPEndpoint, aRTCP: TestUDPEndpoint
            let bRTP: TestUDPEndpoint, bRTCP: TestUDPEndpoint
        }

        func fixture(host: String = "127.0.0.1", range: ClosedRange<Int>, options: RelaySessionOptions = .init(),
                     setRemotes: Bool = true) async throws -> Fixture {
            let events = EventRecorder()
            let pool = try MediaWorkerPool(workerCount: 2, portRange: range, events: events.sink)
            let session = try await pool.createRelaySession(id: 1, address: host, options: options)
            let f = Fixture(pool: pool, events: events, session: session,
                            aRTP: try TestUDPEndpoint(host: host), aRTCP: try TestUDPEndpoint(host: host),
                            bRTP: try TestUDPEndpoint(host: host), bRTCP: try TestUDPEndpoint(host: host))
            if setRemotes {
                try await session.setRemote(.a, rtp: f.aRTP.endpoint, rtcp: f.aRTCP.endpoint)
                try await session.setRemote(.b, rtp: f.bRTP.endpoint, rtcp: f.bRTCP.endpoint)
            }
            return f
        }

        @Test func allocatesEvenRTPPortsWithRTCPNext() async throws {
            let f = try await fixture(range: 41000...41099)
            defer { f.pool.shutdown() }
            for leg in RelayLeg.allCases {
                #expect(f.session.ports[leg].rtp % 2 == 0)
                #expect(f.session.ports[leg].rtcp == f.session.ports[leg].rtp + 1)
                #expect((41000...41099).contains(f.session.ports[leg].rtp))
            }
            #expect(f.session.ports.a.rtp != f.session.ports.b.rtp)
            #expect(f.pool.allocatedPortPairs == 2)
        }

        @Test func relaysRTPBothWaysUntouched() async throws {
            let f = try await fixture(range: 41100...41199)
            defer { f.pool.shutdown() }
            let toB = rtpPacket(sequence: 1)
            try f.aRTP.send(toB, to: f.session.ports.a.rtp)
            let atB = try f.bRTP.receive()
            #expect(atB.bytes == toB)
            #expect(atB.from == MediaEndpoint(host: "127.0.0.1", port: f.session.ports.b.rtp))

            let toA = rtpPacket(sequence: 7, ssrc: 0xCAFE_F00D, payload: Array(0..<200))
            try f.bRTP.send(toA, to: f.session.ports.b.rtp)
            let atA = try f.aRTP.receive()
            #expect(atA.bytes == toA)
            #expect(atA.from.port == f.session.ports.a.rtp)

            let stats = try await f.session.stats()
            #expect(stats.a.rtp.packetsIn == 1)
            #expect(stats.a.rtp.bytesIn == UInt64(toB.count))
            #expect(stats.b.rtp.packetsOut == 1)
            #expect(stats.b.rtp.bytesOut == UInt64(toB.count))
            #expect(stats.b.rtp.packetsIn == 1)
            #expect(stats.a.rtp.packetsOut == 1)
            #expect(stats.a.rtp.bytesOut == UInt64(toA.count))
            #expect(stats.a.rtp.lastPacketAt != nil)
            #expect(stats.a.lastPacketAt != nil)
            #expect(stats.a.rtcp.packetsIn == 0)
            #expect(stats.a.rtp.droppedIn == 0 && stats.b.rtp.droppedIn == 0)
            let events = f.events.all
            #expect(events.contains(.firstPacket(session: 1, leg: .a)))
            #expect(events.contains(.firstPacket(session: 1, leg: .b)))
        }

        @Test func relaysABurstInOrder() async throws {
            let f = try await fixture(range: 41200...41299)
            defer { f.pool.shutdown() }
            // More than one receive batch (32) in flight; read in chunks so the
            // test socket's own receive buffer cannot overflow.
            let burst = 100
            let packets = (0..<burst).map { rtpPacket(sequence: UInt16($0)) }
            var received: [[UInt8]] = []
            for start in stride(from: 0, to: packets.count, by: 50) {
                let chunk = packets[start..<min(start + 50, packets.count)]
                for p in chunk { try f.aRTP.send(p, to: f.session.ports.a.rtp) }
                for _ in chunk { received.append(try f.bRTP.receive().bytes) }
            }
            #expect(received == packets)
            let stats = try await f.session.stats()
            #expect(stats.a.rtp.packetsIn == UInt64(burst))
            #expect(stats.b.rtp.packetsOut == UInt64(burst))
        }

        @Test func countsLossAndJitterOfWhatEachRemoteSends() async throws {
            let f = try await fixture(range: 45100...45199)
            defer { f.pool.shutdown() }
            #expect(try await f.session.stats().a.rtp.jitterMilliseconds == nil)
            // Leg A's remote sends 1…20 without 5, 6 and 13: three lost.
            for seq in UInt16(1)...20 where ![5, 6, 13].contains(seq) {
                try f.aRTP.send(rtpPacket(sequence: seq), to: f.session.ports.a.rtp)
                _ = try f.bRTP.receive()
            }
            try await f.session.setClockRate(.a, 8000)
            let stats = try await f.session.stats()
            #expect(stats.a.rtp.packetsLost == 3)
            #expect(stats.a.rtp.packetsIn == 17)
            // Sent back to back, not every 20 ms: the jitter estimate is well above zero.
            let jitter = try #require(stats.a.rtp.jitterMilliseconds)
            #expect(jitter > 1)
            // Leg B's remote sent nothing.
            #expect(stats.b.rtp.packetsLost == 0 && stats.b.rtp.jitterMilliseconds == nil)
        }

        @Test func watchdogReportsOnlyChangesFromTheWorker() async throws {
            let f = try await fixture(range: 45200...45299)
            defer { f.pool.shutdown() }
            func verdicts() -> [RTPWatchdog.Verdict] {
                f.events.all.compactMap { if case .watchdog(1, .a, let v) = $0 { v } else { nil } }
            }
            f.session.startWatchdog(legs: [.a], stopAfter: .milliseconds(1500), hangupAfter: nil, held: false)
            // Silence: one `.stopped` after 1.5 s (checked once a second), not one per check.
            try await Task.sleep(for: .milliseconds(3200))
            #expect(verdicts() == [.stopped])
            // Media comes back: one `.resumed` at the next check.
            for seq in UInt16(1)...3 {
                try f.aRTP.send(rtpPacket(sequence: seq), to: f.session.ports.a.rtp)
                _ = try f.bRTP.receive()
            }
            try await Task.sleep(for: .milliseconds(1200))
            #expect(verdicts() == [.stopped, .resumed])
            // On hold, silence does not count; stopped watching, nothing more comes.
            f.session.setWatchdogHeld(true)
            try await Task.sleep(for: .milliseconds(2200))
            #expect(verdicts() == [.stopped, .resumed])
            f.session.setWatchdogHeld(false)
            f.session.stopWatchdog()
            try await Task.sleep(for: .milliseconds(2200))
            #expect(verdicts() == [.stopped, .resumed])
        }

        @Test func relaysRTCPAlongside() async throws {
            let f = try await fixture(range: 41300...41399)
            defer { f.pool.shutdown() }
            let report = rtcpPacket(ssrc: 1)
            try f.aRTCP.send(report, to: f.session.ports.a.rtcp)
            let atB = try f.bRTCP.receive()
            #expect(atB.bytes == report)
            #expect(atB.from.port == f.session.ports.b.rtcp)
            let back = rtcpPacket(ssrc: 2)
            try f.bRTCP.send(back, to: f.session.ports.b.rtcp)
            let atA = try f.aRTCP.receive()
            #expect(atA.bytes == back)
            #expect(atA.from.port == f.session.ports.a.rtcp)
            #expect(!f.bRTP.hasPending && !f.aRTP.hasPending)
            let stats = try await f.session.stats()
            #expect(stats.a.rtcp.packetsIn == 1 && stats.b.rtcp.packetsOut == 1)
            #expect(stats.b.rtcp.packetsIn == 1 && stats.a.rtcp.packetsOut == 1)
            #expect(stats.a.rtp.packetsIn == 0)
        }

        @Test func setRemoteBeforeAnyPacketSendsToTheSDPAddress() async throws {
            let f = try await fixture(range: 41400...41499)
            defer { f.pool.shutdown() }
            // A has sent nothing: B's packet goes to A's address from SDP.
            let p = rtpPacket(sequence: 42)
            try f.bRTP.send(p, to: f.session.ports.b.rtp)
            #expect(try f.aRTP.receive().bytes == p)
            let stats = try await f.session.stats()
            #expect(stats.a.rtpRemote == f.aRTP.endpoint)
            #expect(stats.a.rtcpRemote == f.aRTCP.endpoint)
            #expect(!stats.a.rtpLatched)
            #expect(stats.b.rtpLatched)
        }

        @Test func dropsPacketsWhileTheOtherLegHasNoRemote() async throws {
            let f = try await fixture(range: 41500...41599, setRemotes: false)
            defer { f.pool.shutdown() }
            try f.aRTP.send(rtpPacket(sequence: 1), to: f.session.ports.a.rtp)
            #expect(try await waitUntil { try await f.session.stats().a.rtp.droppedNoDestination == 1 })
            // Now B latches by sending; A was latched by its first packet.
            let p = rtpPacket(sequence: 2)
            try f.bRTP.send(p, to: f.session.ports.b.rtp)
            #expect(try f.aRTP.receive().bytes == p)
            try f.aRTP.send(p, to: f.session.ports.a.rtp)
            #expect(try f.bRTP.receive().bytes == p)
        }

        @Test func latchesOntoTheFirstSourceAndDropsOthers() async throws {
            let f = try await fixture(range: 41600...41699)
            defer { f.pool.shutdown() }
            // SDP said aRTP, but the packet comes from a NATed address: latch onto it.
            let natted = try TestUDPEndpoint()
            let intruder = try TestUDPEndpoint()
            try natted.send(rtpPacket(sequence: 1), to: f.session.ports.a.rtp)
            _ = try f.bRTP.receive()
            let back = rtpPacket(sequence: 2)
            try f.bRTP.send(back, to: f.session.ports.b.rtp)
            #expect(try natted.receive().bytes == back)
            #expect(!f.aRTP.hasPending)

            try intruder.send(rtpPacket(sequence: 99), to: f.session.ports.a.rtp)
            try intruder.send(rtpPacket(sequence: 100), to: f.session.ports.a.rtp)
            #expect(try await waitUntil { try await f.session.stats().a.rtp.droppedForeignSource == 2 })
            #expect(!f.bRTP.hasPending)
            let stats = try await f.session.stats()
            #expect(stats.a.rtp.packetsIn == 3)
            #expect(stats.b.rtp.packetsOut == 1)
            #expect(stats.a.rtpRemote == natted.endpoint)
            #expect(stats.a.rtpLatched)
            // The latched source still gets through.
            try natted.send(rtpPacket(sequence: 3), to: f.session.ports.a.rtp)
            #expect(try f.bRTP.receive().bytes == rtpPacket(sequence: 3))
            let latches = f.events.all.filter { if case .latched(_, .a, .rtp, _) = $0 { true } else { false } }
            #expect(latches == [.latched(session: 1, leg: .a, stream: .rtp, source: natted.endpoint)])
        }

        @Test func latchesRTCPSeparately() async throws {
            let f = try await fixture(range: 41700...41799)
            defer { f.pool.shutdown() }
            let intruder = try TestUDPEndpoint()
            try f.aRTCP.send(rtcpPacket(), to: f.session.ports.a.rtcp)
            _ = try f.bRTCP.receive()
            try intruder.send(rtcpPacket(), to: f.session.ports.a.rtcp)
            #expect(try await waitUntil { try await f.session.stats().a.rtcp.droppedForeignSource == 1 })
            // RTP is not latched yet: the intruder's RTP latches RTP.
            try intruder.send(rtpPacket(sequence: 1), to: f.session.ports.a.rtp)
            _ = try f.bRTP.receive()
            let stats = try await f.session.stats()
            #expect(stats.a.rtpRemote == intruder.endpoint)
            #expect(stats.a.rtcpRemote == f.aRTCP.endpoint)
        }

        @Test func relatchesWhenAllowed() async throws {
            let f = try await fixture(range: 41800...41899, options: RelaySessionOptions(allowRelatch: true))
            defer { f.pool.shutdown() }
            let moved = try TestUDPEndpoint()
            try f.aRTP.send(rtpPacket(sequence: 1), to: f.session.ports.a.rtp)
            _ = try f.bRTP.receive()
            try moved.send(rtpPacket(sequence: 2), to: f.session.ports.a.rtp)
            #expect(try f.bRTP.receive().bytes == rtpPacket(sequence: 2))
            try f.bRTP.send(rtpPacket(sequence: 3), to: f.session.ports.b.rtp)
            #expect(try moved.receive().bytes == rtpPacket(sequence: 3))
            let stats = try await f.session.stats()
            #expect(stats.a.rtp.droppedForeignSource == 0)
            #expect(stats.a.rtpRemote == moved.endpoint)
            #expect(f.events.all.contains(.latched(session: 1, leg: .a, stream: .rtp, source: moved.endpoint)))
        }

        @Test func setRemoteAfterLatchingLatchesAgain() async throws {
            let f = try await fixture(range: 41900...41999)
            defer { f.pool.shutdown() }
            let newPhone = try TestUDPEndpoint()
            try f.aRTP.send(rtpPacket(sequence: 1), to: f.session.ports.a.rtp)
            _ = try f.bRTP.receive()
            // A re-INVITE moves A: new SDP, the latch is forgotten.
            try await f.session.setRemote(.a, rtp: newPhone.endpoint)
            try f.bRTP.send(rtpPacket(sequence: 2), to: f.session.ports.b.rtp)
            #expect(try newPhone.receive().bytes == rtpPacket(sequence: 2))
            try newPhone.send(rtpPacket(sequence: 3), to: f.session.ports.a.rtp)
            #expect(try f.bRTP.receive().bytes == rtpPacket(sequence: 3))
            let stats = try await f.session.stats()
            #expect(stats.a.rtcpRemote == MediaEndpoint(host: "127.0.0.1", port: newPhone.port + 1))
        }

        @Test func worksOverIPv6() async throws {
            let f = try await fixture(host: "::1", range: 42000...42099)
            defer { f.pool.shutdown() }
            let p = rtpPacket(sequence: 6)
            try f.aRTP.send(p, to: f.session.ports.a.rtp)
            let atB = try f.bRTP.receive()
            #expect(atB.bytes == p)
            #expect(atB.from == MediaEndpoint(host: "::1", port: f.session.ports.b.rtp))
            try f.bRTCP.send(rtcpPacket(), to: f.session.ports.b.rtcp)
            #expect(try f.aRTCP.receive().bytes == rtcpPacket())
            let intruder = try TestUDPEndpoint(host: "::1")
            try intruder.send(p, to: f.session.ports.a.rtp)
            #expect(try await waitUntil { try await f.session.stats().a.rtp.droppedForeignSource == 1 })
        }

        @Test func bridgesIPv4AndIPv6Legs() async throws {
            let pool = try MediaWorkerPool(workerCount: 1, portRange: 42100...42199)
            defer { pool.shutdown() }
            let session = try await pool.createRelaySession(id: 9, legA: "127.0.0.1", legB: "::1")
            let a = try TestUDPEndpoint(host: "127.0.0.1"), b = try TestUDPEndpoint(host: "::1")
            try await session.setRemote(.b, rtp: b.endpoint)
            try a.send(rtpPacket(sequence: 1), to: session.ports.a.rtp)
            #expect(try b.receive().bytes == rtpPacket(sequence: 1))
            try b.send(rtpPacket(sequence: 2), to: session.ports.b.rtp)
            #expect(try a.receive().bytes == rtpPacket(sequence: 2))
        }

        @Test func rtcpMuxSharesTheRTPSocket() async throws {
            let f = try await fixture(range: 42200...42299, options: RelaySessionOptions(rtcpMuxA: true))
            defer { f.pool.shutdown() }
            // A muxes: its RTCP arrives on A's RTP port and goes out of B's RTCP socket.
            try f.aRTP.send(rtcpPacket(ssrc: 5), to: f.session.ports.a.rtp)
            let atB = try f.bRTCP.receive()
            #expect(atB.bytes == rtcpPacket(ssrc: 5))
            #expect(atB.from.port == f.session.ports.b.rtcp)
            try f.aRTP.send(rtpPacket(sequence: 1), to: f.session.ports.a.rtp)
            #expect(try f.bRTP.receive().bytes == rtpPacket(sequence: 1))
            // B's RTCP reaches A on A's RTP address, from A's RTP port.
            try f.bRTCP.send(rtcpPacket(ssrc: 6), to: f.session.ports.b.rtcp)
            let atA = try f.aRTP.receive()
            #expect(atA.bytes == rtcpPacket(ssrc: 6))
            #expect(atA.from.port == f.session.ports.a.rtp)
            #expect(!f.aRTCP.hasPending)
            let stats = try await f.session.stats()
            #expect(stats.a.rtcp.packetsIn == 1 && stats.a.rtp.packetsIn == 1)
            #expect(stats.a.rtcp.packetsOut == 1)
            #expect(stats.a.rtcpRemote == f.aRTP.endpoint)
        }

        @Test func releaseFreesPortsAndFileDescriptors() async throws {
            let pool = try MediaWorkerPool(workerCount: 2, portRange: 42300...42399)
            defer { pool.shutdown() }
            // Warm up (lazy runtime/allocator fds), then take the baseline.
            try await pool.createRelaySession(id: 0, address: "127.0.0.1").releaseAndWait()
            let range = 42300...42399
            let baseline = openSocketCount(inPorts: range)
            #expect(baseline == 0)
            for i in 1...1000 {
                let session = try await pool.createRelaySession(id: MediaSessionID(UInt64(i)), address: i % 2 == 0 ? "127.0.0.1" : "::1")
                #expect(pool.allocatedPortPairs == 2)
                // The count sees a live session's four sockets.
                if i == 1 { #expect(openSocketCount(inPorts: range) == 4) }
                #expect(await session.releaseAndWait())
            }
            #expect(pool.allocatedPortPairs == 0)
            // One socket leaked per cycle would show as 1,000 here.
            #expect(try await waitUntil { openSocketCount(inPorts: range) == 0 })
            for worker in pool.workers { #expect(try await worker.sessionCount() == 0) }
        }

        @Test func everyTeardownPathFreesPorts() async throws {
            do {
                let pool = try MediaWorkerPool(workerCount: 2, portRange: 42400...42499)
                // Fire-and-forget release.
                let s1 = try await pool.createRelaySession(id: 1, address: "127.0.0.1")
                s1.release()
                s1.release()  // idempotent
                // Duplicate id on the same worker fails without leaking.
                let s2 = try await s1.worker.createRelaySession(id: 2, legA: "127.0.0.1", legB: "127.0.0.1")
                await #expect(throws: MediaError.duplicateSession(2)) {
                    _ = try await s1.worker.createRelaySession(id: 2, legA: "127.0.0.1", legB: "127.0.0.1")
                }
                // Invalid address fails before anything is allocated.
                await #expect(throws: MediaError.invalidAddress("example.com")) {
                    _ = try await pool.createRelaySession(id: 3, address: "example.com")
                }
                // A non-local address fails at bind: its pair is given back.
                await #expect(throws: (any Error).self) {
                    _ = try await pool.createRelaySession(id: 4, address: "192.0.2.1")
                }
                // Live sessions are released by shutdown.
                _ = try await pool.createRelaySession(id: 5, address: "::1")
                #expect(try await waitUntil { pool.allocatedPortPairs == 2 * 2 })
                _ = s2
                pool.shutdown()
                #expect(pool.allocatedPortPairs == 0)
                // After shutdown: commands fail, release is harmless.
                await #expect(throws: MediaError.workerStopped) { try await s2.stats() }
                s2.release()
                #expect(await s2.releaseAndWait() == false)
            }
            #expect(try await waitUntil { openSocketCount(inPorts: 42400...42499) == 0 })
        }

        /// Exact port numbers matter here, so the range sits below the kernel's
        /// ephemeral range (32768–60999), where no other process's socket lands
        /// by chance, and above the integration tests' SIP ports.
        @Test func skipsPairsThatAreTakenByOthers() async throws {
            let pool = try MediaWorkerPool(workerCount: 1, portRange: 31500...31505)
            defer { pool.shutdown() }
            // Someone else holds the first pair's RTP port.
            let blocker = try UDPSocket.bind(SocketAddress(host: "127.0.0.1", port: 31500))
            defer { _ = close(blocker) }
            let session = try await pool.createRelaySession(id: 1, address: "127.0.0.1")
            #expect(session.ports.a.rtp == 31502)
            #expect(session.ports.b.rtp == 31504)
            #expect(pool.allocatedPortPairs == 2)
            await #expect(throws: MediaError.portsExhausted) {
                _ = try await pool.createRelaySession(id: 2, address: "127.0.0.1")
            }
            #expect(pool.allocatedPortPairs == 2)
        }

        @Test func attachedProcessingSeesAndRewritesPackets() async throws {
            let f = try await fixture(range: 42600...42699)
            defer { f.pool.shutdown() }
            let seen = Counter()
            try await f.session.attach(.a, .input) { .output(CountingOutput(counter: seen)) }
            try await f.session.attach(.b, .output) { .processor(MarkerRewriter()) }
            try await f.session.attach(.b, .input) { .processor(DropRTCP()) }
            try f.aRTP.send(rtpPacket(sequence: 1), to: f.session.ports.a.rtp)
            let atB = try f.bRTP.receive().bytes
            var expected = rtpPacket(sequence: 1)
            expected[1] |= 0x80
            expected.append(0xEE)
            #expect(atB == expected)
            #expect(seen.value == 1)
            // B → A is untouched by A's input tap; B's RTCP is dropped by processing.
            try f.bRTP.send(rtpPacket(sequence: 2), to: f.session.ports.b.rtp)
            #expect(try f.aRTP.receive().bytes == rtpPacket(sequence: 2))
            try f.bRTCP.send(rtcpPacket(), to: f.session.ports.b.rtcp)
            #expect(try await waitUntil { try await f.session.stats().b.rtcp.droppedByProcessing == 1 })
            #expect(!f.aRTCP.hasPending)
            #expect(seen.value == 1)
        }
    }
}

final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

/// An output tap counting packets.
final class CountingOutput: MediaOutput {
    let counter: Counter
    init(counter: Counter) { self.counter = counter }
    func receive(_ packet: MediaPacket) { counter.increment() }
}

/// Sets the RTP marker bit and grows the packet by one byte (uses tail room).
final class MarkerRewriter: MediaProcessor {
    func process(_ packet: inout MediaPacket) -> MediaVerdict {
        packet.buffer[1] |= 0x80
        packet.buffer[packet.length] = 0xEE
        packet.length += 1
        return .forward
    }
}

/// Drops RTCP.
final class DropRTCP: MediaProcessor {
    func process(_ packet: inout MediaPacket) -> MediaVerdict {
        packet.stream == .rtcp ? .drop : .forward
    }
}
