import Testing
@testable import LegatoMedia

@Suite struct SRTPContextTests {
    static let suites = SRTPSuite.supported

    static func pair(_ suite: SRTPSuite) throws -> (out: SRTPContext, in: SRTPContext) {
        let keys = try SRTPKeyMaterial.generate(for: suite)
        return (try SRTPContext(direction: .outbound, keys: keys), try SRTPContext(direction: .inbound, keys: keys))
    }

    @Test(arguments: suites) func rtpRoundTrips(suite: SRTPSuite) throws {
        let (out, inbound) = try Self.pair(suite)
        let plain = srtpSampleRTP()
        var packet = SRTPTestPacket(plain)
        try packet.protect(out)
        #expect(packet.length == plain.count + suite.rtpAuthTagLength)
        #expect(Array(packet.bytes.prefix(12)) == Array(plain.prefix(12)), "the RTP header stays in the clear")
        #expect(Array(packet.bytes[12..<plain.count]) != Array(plain[12...]), "the payload is encrypted")
        try packet.unprotect(inbound)
        #expect(packet.bytes == plain)
        #expect(inbound.authenticationFailures == 0)
    }

    @Test(arguments: suites) func rtcpRoundTrips(suite: SRTPSuite) throws {
        let (out, inbound) = try Self.pair(suite)
        let plain = srtpSampleRTCP()
        var packet = SRTPTestPacket(plain)
        try packet.protectRTCP(out)
        #expect(packet.length == plain.count + 4 + suite.rtcpAuthTagLength)
        #expect(Array(packet.bytes[8..<plain.count]) != Array(plain[8...]))
        try packet.unprotectRTCP(inbound)
        #expect(packet.bytes == plain)
    }

    @Test(arguments: suites) func manyPacketsRoundTripAcrossTheSequenceWrap(suite: SRTPSuite) throws {
        let (out, inbound) = try Self.pair(suite)
        for i in 0..<300 {
            let plain = srtpSampleRTP(sequence: UInt16(truncatingIfNeeded: 65_400 + i), payloadLength: 20 + i % 7)
            var packet = SRTPTestPacket(plain)
            try packet.protect(out)
            try packet.unprotect(inbound)
            #expect(packet.bytes == plain)
        }
    }

    /// The requirement: a packet with a bad auth tag is not forwarded —
    /// unprotect throws (the relay drops on any throw) and the failure is counted.
    @Test(arguments: suites) func flippedTagBitFailsAuthenticationAndIsCounted(suite: SRTPSuite) throws {
        let (out, inbound) = try Self.pair(suite)
        let plain = srtpSampleRTP()
        var packet = SRTPTestPacket(plain)
        try packet.protect(out)
        let good = packet
        packet.storage[packet.length - 1] ^= 0x01
        #expect(throws: SRTPError.authenticationFailed) { try packet.unprotect(inbound) }
        #expect(inbound.authenticationFailures == 1)

        var tampered = good
        tampered.storage[20] ^= 0x80 // payload bit
        #expect(throws: SRTPError.authenticationFailed) { try tampered.unprotect(inbound) }
        #expect(inbound.authenticationFailures == 2)

        // The forgeries did not advance the replay window: the genuine packet still passes.
        var genuine = good
        try genuine.unprotect(inbound)
        #expect(genuine.bytes == plain)
        #expect(inbound.authenticationFailures == 2)
    }

    @Test(arguments: suites) func flippedRTCPTagBitFailsAuthentication(suite: SRTPSuite) throws {
        let (out, inbound) = try Self.pair(suite)
        var packet = SRTPTestPacket(srtpSampleRTCP())
        try packet.protectRTCP(out)
        packet.storage[packet.length - 1] ^= 0x10
        #expect(throws: SRTPError.authenticationFailed) { try packet.unprotectRTCP(inbound) }
        #expect(inbound.authenticationFailures == 1)
    }

    @Test(arguments: suites) func replayedPacketIsRejected(suite: SRTPSuite) throws {
        let (out, inbound) = try Self.pair(suite)
        var packet = SRTPTestPacket(srtpSampleRTP(sequence: 7))
        try packet.protect(out)
        let copy = packet
        try packet.unprotect(inbound)
        var replayed = copy
        #expect(throws: SRTPError.replay) { try replayed.unprotect(inbound) }
        #expect(inbound.replays == 1)
        #expect(inbound.authenticationFailures == 0)
    }

    @Test func wrongKeyFailsAuthentication() throws {
        let out = try SRTPContext(direction: .outbound, keys: .generate(for: .aesCM128HMACSHA1_80))
        let other = try SRTPContext(direction: .inbound, keys: .generate(for: .aesCM128HMACSHA1_80))
        var packet = SRTPTestPacket(srtpSampleRTP())
        try packet.protect(out)
        #expect(throws: SRTPError.authenticationFailed) { try packet.unprotect(other) }
        #expect(other.authenticationFailures == 1)
    }

    @Test func misuseIsRefusedWithTypedErrors() throws {
        let (out, inbound) = try Self.pair(.aesCM128HMACSHA1_80)
        var packet = SRTPTestPacket(srtpSampleRTP())
        #expect(throws: SRTPError.wrongDirection) { try packet.protect(inbound) }
        #expect(throws: SRTPError.wrongDirection) { try packet.unprotect(out) }

        // Not enough tail room for libsrtp2's maximum trailer.
        var tight = srtpSampleRTP()
        var length = tight.count
        let error = tight.withUnsafeMutableBytes { buffer -> SRTPError? in
            do throws(SRTPError) { try out.protect(buffer, length: &length); return nil } catch { return error }
        }
        #expect(error == .bufferTooSmall(needed: 172 + SRTPContext.maximumTrailerLength, available: 172))
        #expect(length == 172)

        var short = SRTPTestPacket([0x80, 0x00, 0x00])
        #expect(throws: SRTPError.self) { try short.unprotect(inbound) }
        #expect(inbound.authenticationFailures == 0)

        out.close()
        #expect(!out.isOpen)
        #expect(throws: SRTPError.closed) { try packet.protect(out) }
        out.close() // idempotent
    }

    /// Legato terminates SRTP per leg: the SRTP leg's inbound context uses the
    /// peer's key, its outbound context a key Legato generated for that leg, and
    /// the plain-RTP leg forwards the clear packets unchanged.
    @Test(arguments: suites) func srtpLegBridgesToAPlainLegAndBack(suite: SRTPSuite) throws {
        let peerKey = try SRTPKeyMaterial.generate(for: suite)     // from the SRTP peer's offer
        let legatoKey = try SRTPKeyMaterial.generate(for: suite)   // in Legato's answer on that leg
        #expect(peerKey != legatoKey)
        let peerSends = try SRTPContext(direction: .outbound, keys: peerKey)
        let peerReceives = try SRTPContext(direction: .inbound, keys: legatoKey)
        let legInbound = try SRTPContext(direction: .inbound, keys: peerKey)
        let legOutbound = try SRTPContext(direction: .outbound, keys: legatoKey)

        // SRTP peer -> Legato -> plain leg.
        let fromPeer = srtpSampleRTP(sequence: 100)
        var packet = SRTPTestPacket(fromPeer)
        try packet.protect(peerSends)
        try packet.unprotect(legInbound)
        #expect(packet.bytes == fromPeer, "the plain leg gets the clear RTP packet")

        // Plain leg -> Legato -> SRTP peer.
        let fromPlain = srtpSampleRTP(sequence: 5000, payloadLength: 80)
        var back = SRTPTestPacket(fromPlain)
        try back.protect(legOutbound)
        let onTheWire = back.bytes
        try back.unprotect(peerReceives)
        #expect(back.bytes == fromPlain)

        // The peer's key cannot open what Legato sends: keys never cross directions or legs.
        let wrong = try SRTPContext(direction: .inbound, keys: peerKey)
        var crossed = SRTPTestPacket(onTheWire)
        #expect(throws: SRTPError.authenticationFailed) { try crossed.unprotect(wrong) }
    }
}
