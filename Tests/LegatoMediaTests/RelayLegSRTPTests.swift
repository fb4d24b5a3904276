import Testing
@testable import LegatoMedia

extension MediaSocketTests {
    /// SRTP terminated per leg inside a relay session: leg A speaks SRTP with
    /// its own keys, leg B plain RTP (or SRTP with other keys).
    @Suite struct RelayLegSRTPTests {
        let fixtures = RelaySessionTests()

        /// Keys as the remote of leg A would hold them: it protects with
        /// `remote` and unprotects what Legato sends with `local`.
        static func legKeys(_ suite: SRTPSuite = .aesCM128HMACSHA1_80) throws -> SRTPLegKeys {
            SRTPLegKeys(remote: try .generate(for: suite), local: try .generate(for: suite))
        }

        @Test(arguments: [SRTPSuite.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32, .aeadAES128GCM].filter(\.isSupported))
        func srtpLegBridgesToPlainLeg(suite: SRTPSuite) async throws {
            let f = try await fixtures.fixture(range: 44000...44099)
            defer { f.pool.shutdown() }
            let keys = try Self.legKeys(suite)
            try await f.session.setSRTP(.a, keys)
            let remoteSends = try SRTPContext(direction: .outbound, keys: keys.remote)
            let remoteReceives = try SRTPContext(direction: .inbound, keys: keys.local)

            // A (SRTP) → B (plain): B gets the original RTP packet.
            let original = rtpPacket(sequence: 10)
            var packet = SRTPTestPacket(original)
            try packet.protect(remoteSends)
            #expect(packet.bytes != original)
            try f.aRTP.send(packet.bytes, to: f.session.ports.a.rtp)
            #expect(try f.bRTP.receive().bytes == original)

            // B (plain) → A (SRTP): A gets SRTP that its key unprotects.
            let reply = rtpPacket(sequence: 99, ssrc: 0x0BAD_CAFE)
            try f.bRTP.send(reply, to: f.session.ports.b.rtp)
            var atA = SRTPTestPacket(try f.aRTP.receive().bytes)
            #expect(atA.length == reply.count + suite.rtpAuthTagLength)
            try atA.unprotect(remoteReceives)
            #expect(atA.bytes == reply)

            // RTCP both ways too.
            var rtcp = SRTPTestPacket(rtcpPacket())
            try rtcp.protectRTCP(remoteSends)
            try f.aRTCP.send(rtcp.bytes, to: f.session.ports.a.rtcp)
            #expect(try f.bRTCP.receive().bytes == rtcpPacket())
            try f.bRTCP.send(rtcpPacket(ssrc: 7), to: f.session.ports.b.rtcp)
            var rtcpAtA = SRTPTestPacket(try f.aRTCP.receive().bytes)
            try rtcpAtA.unprotectRTCP(remoteReceives)
            #expect(rtcpAtA.bytes == rtcpPacket(ssrc: 7))
        }

        @Test func packetWithBadTagIsDroppedAndCounted() async throws {
            let f = try await fixtures.fixture(range: 44100...44199)
            defer { f.pool.shutdown() }
            let keys = try Self.legKeys()
            try await f.session.setSRTP(.a, keys)
            let remoteSends = try SRTPContext(direction: .outbound, keys: keys.remote)

            var tampered = SRTPTestPacket(rtpPacket(sequence: 1))
            try tampered.protect(remoteSends)
            var bytes = tampered.bytes
            bytes[bytes.count - 1] ^= 0x01
            try f.aRTP.send(bytes, to: f.session.ports.a.rtp)
            // Plain RTP sent to an SRTP leg fails authentication as well.
            try f.aRTP.send(rtpPacket(sequence: 2), to: f.session.ports.a.rtp)
            var good = SRTPTestPacket(rtpPacket(sequence: 3))
            try good.protect(remoteSends)
            try f.aRTP.send(good.bytes, to: f.session.ports.a.rtp)

            // Only the good packet arrives, and it is the third one.
            #expect(try f.bRTP.receive().bytes == rtpPacket(sequence: 3))
            try await Task.sleep(for: .milliseconds(100))
            #expect(!f.bRTP.hasPending)
            let stats = try await f.session.stats()
            #expect(stats.a.rtp.droppedAuthentication == 2)
            #expect(stats.b.rtp.packetsOut == 1)
        }

        @Test func forgedPacketsDoNotLatch() async throws {
            let f = try await fixtures.fixture(range: 44200...44299, setRemotes: false)
            defer { f.pool.shutdown() }
            try await f.session.setRemote(.b, rtp: f.bRTP.endpoint, rtcp: f.bRTCP.endpoint)
            try await f.session.setSRTP(.a, try Self.legKeys())
            let attacker = try TestUDPEndpoint(host: "127.0.0.1")
            try attacker.send(rtpPacket(sequence: 1), to: f.session.ports.a.rtp)
            try await Task.sleep(for: .milliseconds(100))
            let stats = try await f.session.stats()
            #expect(stats.a.rtp.droppedAuthentication == 1)
            #expect(!stats.a.rtpLatched)
            #expect(stats.a.rtpRemote == nil)
        }

        @Test func srtpOnBothLegsUsesEachLegsOwnKeys() async throws {
            let f = try await fixtures.fixture(range: 44300...44399)
            defer { f.pool.shutdown() }
            let a = try Self.legKeys()
            let b = try Self.legKeys(.aesCM128HMACSHA1_32)
            try await f.session.setSRTP(.a, a)
            try await f.session.setSRTP(.b, b)
            var packet = SRTPTestPacket(rtpPacket(sequence: 5))
            try packet.protect(try SRTPContext(direction: .outbound, keys: a.remote))
            try f.aRTP.send(packet.bytes, to: f.session.ports.a.rtp)
            let atB = try f.bRTP.receive().bytes
            #expect(atB != packet.bytes)
            var decrypted = SRTPTestPacket(atB)
            try decrypted.unprotect(try SRTPContext(direction: .inbound, keys: b.local))
            #expect(decrypted.bytes == rtpPacket(sequence: 5))
        }

        @Test func turningSRTPOffRelaysPlainAgain() async throws {
            let f = try await fixtures.fixture(range: 44400...44499)
            defer { f.pool.shutdown() }
            try await f.session.setSRTP(.a, try Self.legKeys())
            try await f.session.setSRTP(.a, nil)
            try f.aRTP.send(rtpPacket(sequence: 8), to: f.session.ports.a.rtp)
            #expect(try f.bRTP.receive().bytes == rtpPacket(sequence: 8))
        }
    }
}
