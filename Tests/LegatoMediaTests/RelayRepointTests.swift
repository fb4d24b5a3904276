import Testing
@testable import LegatoMedia

extension MediaSocketTests {
    /// A leg re-pointed by signalling (a transfer hands leg B from B to C)
    /// must not be latched back by packets still arriving from the old remote.
    @Suite struct RelayRepointTests {
        let fixtures = RelaySessionTests()

        @Test func oldRemoteCannotRelatchAfterRepoint() async throws {
            let f = try await fixtures.fixture(range: 44500...44599)
            defer { f.pool.shutdown() }
            // Leg B talks to bRTP (latched by its first packet).
            try f.bRTP.send(rtpPacket(sequence: 1), to: f.session.ports.b.rtp)
            #expect(try f.aRTP.receive().bytes == rtpPacket(sequence: 1))
            // Signalling moves leg B to a new endpoint.
            let moved = try TestUDPEndpoint(host: "127.0.0.1")
            try await f.session.setRemote(.b, rtp: moved.endpoint, rtcp: nil)
            // A late packet from the old remote is dropped and latches nothing...
            try f.bRTP.send(rtpPacket(sequence: 2), to: f.session.ports.b.rtp)
            try await Task.sleep(for: .milliseconds(100))
            #expect(!f.aRTP.hasPending)
            // ... so A's media goes to the new endpoint, which then latches the leg.
            try f.aRTP.send(rtpPacket(sequence: 3), to: f.session.ports.a.rtp)
            #expect(try moved.receive().bytes == rtpPacket(sequence: 3))
            try moved.send(rtpPacket(sequence: 4), to: f.session.ports.b.rtp)
            #expect(try f.aRTP.receive().bytes == rtpPacket(sequence: 4))
            let stats = try await f.session.stats()
            #expect(stats.b.rtp.droppedForeignSource == 1)
            #expect(stats.b.rtpRemote == moved.endpoint)
        }

        @Test func sameRemoteReofferedStillLatches() async throws {
            let f = try await fixtures.fixture(range: 44600...44699)
            defer { f.pool.shutdown() }
            try f.bRTP.send(rtpPacket(sequence: 1), to: f.session.ports.b.rtp)
            #expect(try f.aRTP.receive().bytes == rtpPacket(sequence: 1))
            // A hold/unhold re-INVITE re-offers the same address.
            try await f.session.setRemote(.b, rtp: f.bRTP.endpoint, rtcp: f.bRTCP.endpoint)
            try f.bRTP.send(rtpPacket(sequence: 2), to: f.session.ports.b.rtp)
            #expect(try f.aRTP.receive().bytes == rtpPacket(sequence: 2))
        }
    }
}
