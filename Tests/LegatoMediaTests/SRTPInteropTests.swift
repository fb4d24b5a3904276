import Testing
@testable import LegatoMedia

/// Legato's SRTP transforms against libsrtp2, packet by packet, both ways:
/// what one protects the other must unprotect to the same bytes, across the
/// sequence-number wrap (ROC 0 → 1), with CSRCs and header extensions, for
/// RTP and RTCP, for every suite the reference can run here.
@Suite struct SRTPInteropTests {
    static let suites = SRTPSuite.allCases.filter { LibSRTPReference.supports($0) }

    /// A pseudo-random RTP packet (seeded): sequence `sequence`, some CSRCs and an extension now and then.
    static func packet(sequence: UInt16, seed: inout UInt64) -> [UInt8] {
        func next() -> UInt64 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return seed >> 33
        }
        let csrcs = Int(next() % 3)
        let hasExtension = next() % 4 == 0
        var bytes: [UInt8] = [0x80 | (hasExtension ? 0x10 : 0) | UInt8(csrcs), 0x00,
                              UInt8(sequence >> 8), UInt8(sequence & 0xff),
                              0, 0, 0x03, 0x20, 0xde, 0xca, 0xfb, 0xad]
        for _ in 0..<csrcs { bytes += [1, 2, 3, UInt8(next() & 0xff)] }
        if hasExtension { bytes += [0xbe, 0xde, 0, 1, 0x10, 0xaa, 0, 0] }
        let payload = 1 + Int(next() % 200)
        for _ in 0..<payload { bytes.append(UInt8(next() & 0xff)) }
        return bytes
    }

    @Test(arguments: suites) func legatoProtectsWhatLibSRTPUnprotects(suite: SRTPSuite) throws {
        let keys = try SRTPKeyMaterial.generate(for: suite)
        let legato = try SRTPContext(direction: .outbound, keys: keys)
        let reference = try #require(LibSRTPReference(keys: keys, inbound: true))
        var seed: UInt64 = 7
        for i in 0..<1_200 {
            let plain = Self.packet(sequence: UInt16(truncatingIfNeeded: 65_000 + i), seed: &seed)
            var packet = SRTPTestPacket(plain)
            try packet.protect(legato)
            #expect(reference.unprotect(&packet), "libsrtp2 refused packet \(i)")
            #expect(packet.bytes == plain)
        }
    }

    @Test(arguments: suites) func legatoUnprotectsWhatLibSRTPProtects(suite: SRTPSuite) throws {
        let keys = try SRTPKeyMaterial.generate(for: suite)
        let reference = try #require(LibSRTPReference(keys: keys, inbound: false))
        let legato = try SRTPContext(direction: .inbound, keys: keys)
        var seed: UInt64 = 11
        for i in 0..<1_200 {
            let plain = Self.packet(sequence: UInt16(truncatingIfNeeded: 65_000 + i), seed: &seed)
            var packet = SRTPTestPacket(plain)
            #expect(reference.protect(&packet))
            try packet.unprotect(legato)
            #expect(packet.bytes == plain)
        }
        #expect(legato.authenticationFailures == 0)
    }

    @Test(arguments: suites) func rtcpCrossesBothWays(suite: SRTPSuite) throws {
        let keys = try SRTPKeyMaterial.generate(for: suite)
        let legatoOut = try SRTPContext(direction: .outbound, keys: keys)
        let legatoIn = try SRTPContext(direction: .inbound, keys: keys)
        let referenceIn = try #require(LibSRTPReference(keys: keys, inbound: true))
        let referenceOut = try #require(LibSRTPReference(keys: keys, inbound: false))
        for i in 0..<50 {
            let plain = srtpSampleRTCP() + [UInt8(i), 0, 0, 0]
            var packet = SRTPTestPacket(plain)
            try packet.protectRTCP(legatoOut)
            #expect(referenceIn.unprotectRTCP(&packet))
            #expect(packet.bytes == plain)
            var back = SRTPTestPacket(plain)
            #expect(referenceOut.protectRTCP(&back))
            try back.unprotectRTCP(legatoIn)
            #expect(back.bytes == plain)
        }
    }

    @Test(arguments: suites) func aTamperedPacketFailsOnBothSides(suite: SRTPSuite) throws {
        let keys = try SRTPKeyMaterial.generate(for: suite)
        let reference = try #require(LibSRTPReference(keys: keys, inbound: false))
        let legato = try SRTPContext(direction: .inbound, keys: keys)
        var packet = SRTPTestPacket(srtpSampleRTP(sequence: 9))
        #expect(reference.protect(&packet))
        packet.storage[20] ^= 0x01
        #expect(throws: SRTPError.authenticationFailed) { try packet.unprotect(legato) }
        #expect(legato.authenticationFailures == 1)
    }
}
