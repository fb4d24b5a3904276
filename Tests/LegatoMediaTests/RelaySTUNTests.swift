import Glibc
import Testing
@testable import LegatoMedia

extension MediaSocketTests {
    /// STUN on relay ports (real loopback sockets): never relayed to the other
    /// leg, never latching; dropped without ICE credentials, answered as an
    /// ICE-lite agent with them.
    @Suite struct RelaySTUNTests {
        static let transaction = hexBytes("0102030405060708090a0b0c")

        /// A Binding Request as an ICE agent sends it: USERNAME, PRIORITY, ICE-CONTROLLING, MI, FINGERPRINT.
        static func bindingRequest(username: String, password: String, transaction: [UInt8] = transaction) -> [UInt8] {
            var builder = STUNMessageBuilder(type: STUNMessage.bindingRequest, transactionID: transaction)
            builder.append(STUNMessage.username, Array(username.utf8))
            builder.append(0x0024, [0x6E, 0x00, 0x01, 0xFF])
            builder.append(0x802A, [UInt8](repeating: 7, count: 8))
            return builder.encoded(integrityKey: Array(password.utf8), fingerprint: true)
        }

        func session(range: ClosedRange<Int>, options: RelaySessionOptions)
            async throws -> (MediaWorkerPool, RelaySession, TestUDPEndpoint, TestUDPEndpoint, TestUDPEndpoint) {
            let pool = try MediaWorkerPool(workerCount: 1, portRange: range, events: EventRecorder().sink)
            let session = try await pool.createRelaySession(id: 1, address: "127.0.0.1", options: options)
            let a = try TestUDPEndpoint(), bRTP = try TestUDPEndpoint(), bRTCP = try TestUDPEndpoint()
            try await session.setRemote(.b, rtp: bRTP.endpoint, rtcp: bRTCP.endpoint)
            return (pool, session, a, bRTP, bRTCP)
        }

        @Test func removeModeDropsSTUNWithoutRelayingOrLatching() async throws {
            let (pool, session, a, bRTP, bRTCP) = try await session(range: 47000...47019, options: .init())
            defer { pool.shutdown() }
            try a.send(Self.bindingRequest(username: "abcd:efgh", password: "0123456789012345678901"), to: session.ports.a.rtp)
            try a.send(Self.bindingRequest(username: "abcd:efgh", password: "x"), to: session.ports.a.rtcp)
            #expect(try await waitUntil { try await session.stats().a.stun.received == 2 })
            // RTP that follows is relayed: the STUN did not cross and did not latch leg A.
            let rtp = rtpPacket(sequence: 9)
            try a.send(rtp, to: session.ports.a.rtp)
            #expect(try bRTP.receive().bytes == rtp)
            #expect(!bRTP.hasPending && !bRTCP.hasPending && !a.hasPending)
            let stats = try await session.stats()
            #expect(stats.a.stun.dropped == 2 && stats.a.stun.answered == 0)
            #expect(stats.a.rtp.packetsIn == 1 && stats.a.rtcp.packetsIn == 0)
            #expect(stats.b.rtp.packetsOut == 1 && stats.b.rtcp.packetsOut == 0)
        }

        @Test func stunFromAStrangerDoesNotLatchALeg() async throws {
            let (pool, session, a, bRTP, _) = try await session(range: 47020...47039, options: .init())
            defer { pool.shutdown() }
            let stranger = try TestUDPEndpoint()
            try stranger.send(Self.bindingRequest(username: "abcd:efgh", password: "p"), to: session.ports.a.rtp)
            #expect(try await waitUntil { try await session.stats().a.stun.received == 1 })
            #expect(try await session.stats().a.rtpLatched == false)
            try a.send(rtpPacket(sequence: 1), to: session.ports.a.rtp)
            #expect(try bRTP.receive().bytes == rtpPacket(sequence: 1))
            #expect(try await session.stats().a.rtpRemote == a.endpoint)
        }

        @Test func liteModeAnswersChecksForItsCredentials() async throws {
            let ice = ICECredentials(ufrag: "LGT1", pwd: "abcdefghijklmnopqrstuvwx")
            let (pool, session, a, bRTP, bRTCP) = try await session(range: 47040...47059, options: .init(iceA: ice))
            defer { pool.shutdown() }
            for port in [session.ports.a.rtp, session.ports.a.rtcp] {
                try a.send(Self.bindingRequest(username: "LGT1:remote", password: ice.pwd), to: port)
                let reply = try a.receive()
                #expect(reply.from.port == port, "answered from the port the check arrived on")
                let response = try #require(STUNMessage(reply.bytes))
                #expect(response.type == STUNMessage.bindingSuccess)
                #expect(Array(response.transactionID) == Self.transaction)
                #expect(response.xorMappedAddress == a.endpoint)
                #expect(response.hasValidIntegrity(key: Array(ice.pwd.utf8)))
                #expect(!response.hasValidIntegrity(key: Array("abcdefghijklmnopqrstuvwy".utf8)))
                #expect(response.hasValidFingerprint)
            }
            // Wrong ufrag, reversed username, wrong password: dropped and counted.
            try a.send(Self.bindingRequest(username: "LGT2:remote", password: ice.pwd), to: session.ports.a.rtp)
            try a.send(Self.bindingRequest(username: "remote:LGT1", password: ice.pwd), to: session.ports.a.rtp)
            try a.send(Self.bindingRequest(username: "LGT1:remote", password: "wrong-password-wrong-pw"), to: session.ports.a.rtp)
            #expect(try await waitUntil { try await session.stats().a.stun.droppedUnauthenticated == 3 })
            let stats = try await session.stats()
            #expect(stats.a.stun.answered == 2 && stats.a.stun.received == 5)
            #expect(!a.hasPending && !bRTP.hasPending && !bRTCP.hasPending, "nothing crossed to leg B")
            #expect(stats.b.rtp.packetsOut == 0 && stats.b.rtcp.packetsOut == 0)
            #expect(!stats.a.rtpLatched && !stats.a.rtcpLatched)
            // Leg B has no credentials: its STUN is dropped.
            try bRTP.send(Self.bindingRequest(username: "LGT1:remote", password: ice.pwd), to: session.ports.b.rtp)
            #expect(try await waitUntil { try await session.stats().b.stun.dropped == 1 })
            #expect(!bRTP.hasPending)
        }
    }
}
