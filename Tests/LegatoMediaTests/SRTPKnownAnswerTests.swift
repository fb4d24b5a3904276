import Testing
@testable import LegatoMedia

/// Known-answer vectors from libsrtp2's own test driver (test/srtp_driver.c,
/// `srtp_validate` and `srtp_validate_gcm`, v2.5.0), which take the RFC 3711
/// Appendix B master key and salt.
@Suite struct SRTPKnownAnswerTests {
    static let cmKey = srtpHex("e1f97a0d3e018be0d64fa32c06de4139 0ec675ad498afeebb6960b3aabe6")
    static let gcmKey = srtpHex("000102030405060708090a0b0c0d0e0f a0a1a2a3a4a5a6a7a8a9aaab")

    static let rtpPlain = srtpHex("800f1234decafbadcafebabe abababababababababababababababab")
    static let srtpCM80 = srtpHex("""
        800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb
        """)
    static let rtcpPlain = srtpHex("81c8000bcafebabe abababababababababababababababab")
    static let srtcpCM80 = srtpHex("""
        81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798
        """)
    static let srtpGCM = srtpHex("""
        800f1234decafbadcafebabe c5002ede04cfdd2eb91159e0880aa06e d2976826f796b201df3131a127e8a392
        """)
    static let srtcpGCM = srtpHex("""
        81c8000bcafebabe c98b8b5df0392a55852b6c21ac8e7025 c52c6fbea2b3b446ea31123ba88ce61e 80000001
        """)

    @Test func aesCM80ProtectsToTheReferenceCiphertext() throws {
        let keys = try SRTPKeyMaterial(suite: .aesCM128HMACSHA1_80, bytes: Self.cmKey)
        let out = try SRTPContext(direction: .outbound, keys: keys)
        var rtp = SRTPTestPacket(Self.rtpPlain)
        try rtp.protect(out)
        #expect(rtp.bytes == Self.srtpCM80)
        var rtcp = SRTPTestPacket(Self.rtcpPlain)
        try rtcp.protectRTCP(out)
        #expect(rtcp.bytes == Self.srtcpCM80)
    }

    @Test func aesCM80UnprotectsTheReferenceCiphertext() throws {
        let keys = try SRTPKeyMaterial(suite: .aesCM128HMACSHA1_80, bytes: Self.cmKey)
        let inbound = try SRTPContext(direction: .inbound, keys: keys)
        var rtp = SRTPTestPacket(Self.srtpCM80)
        try rtp.unprotect(inbound)
        #expect(rtp.bytes == Self.rtpPlain)
        var rtcp = SRTPTestPacket(Self.srtcpCM80)
        try rtcp.unprotectRTCP(inbound)
        #expect(rtcp.bytes == Self.rtcpPlain)
    }

    /// HMAC-SHA1-32 is the same HMAC truncated to 4 bytes (RFC 3711 4.2), and the
    /// cipher is the same, so the _32 packet is the _80 one with a shorter tag.
    /// SRTCP keeps the 80-bit tag with this suite (RFC 4568 6.2.2).
    @Test func aesCM32IsTheSameCiphertextWithATruncatedTag() throws {
        let keys = try SRTPKeyMaterial(suite: .aesCM128HMACSHA1_32, bytes: Self.cmKey)
        let out = try SRTPContext(direction: .outbound, keys: keys)
        var rtp = SRTPTestPacket(Self.rtpPlain)
        try rtp.protect(out)
        #expect(rtp.bytes == Array(Self.srtpCM80.prefix(Self.rtpPlain.count + 4)))
        var rtcp = SRTPTestPacket(Self.rtcpPlain)
        try rtcp.protectRTCP(out)
        #expect(rtcp.bytes == Self.srtcpCM80)

        let inbound = try SRTPContext(direction: .inbound, keys: keys)
        var back = SRTPTestPacket(Array(Self.srtpCM80.prefix(Self.rtpPlain.count + 4)))
        try back.unprotect(inbound)
        #expect(back.bytes == Self.rtpPlain)
    }

    @Test
    func gcmMatchesTheReferenceVectors() throws {
        let keys = try SRTPKeyMaterial(suite: .aeadAES128GCM, bytes: Self.gcmKey)
        let out = try SRTPContext(direction: .outbound, keys: keys)
        var rtp = SRTPTestPacket(Self.rtpPlain)
        try rtp.protect(out)
        #expect(rtp.bytes == Self.srtpGCM)
        var rtcp = SRTPTestPacket(Self.rtcpPlain)
        try rtcp.protectRTCP(out)
        #expect(rtcp.bytes == Self.srtcpGCM)

        let inbound = try SRTPContext(direction: .inbound, keys: keys)
        var back = SRTPTestPacket(Self.srtpGCM)
        try back.unprotect(inbound)
        #expect(back.bytes == Self.rtpPlain)
        var backRTCP = SRTPTestPacket(Self.srtcpGCM)
        try backRTCP.unprotectRTCP(inbound)
        #expect(backRTCP.bytes == Self.rtcpPlain)
    }

    @Test func the32And80SuitesKeepRFCTagLengths() {
        #expect(SRTPSuite.aesCM128HMACSHA1_80.keyMaterialLength == 30)
        #expect(SRTPSuite.aesCM128HMACSHA1_32.keyMaterialLength == 30)
        #expect(SRTPSuite.aeadAES128GCM.keyMaterialLength == 28)
        #expect(SRTPSuite.allCases.map(\.rtpAuthTagLength) == [10, 4, 16])
        #expect(SRTPSuite.allCases.map(\.rtcpAuthTagLength) == [10, 10, 16])
        #expect(SRTPSuite(sdpName: "AEAD_AES_128_GCM") == .aeadAES128GCM)
        #expect(SRTPSuite(sdpName: "F8_128_HMAC_SHA1_80") == nil)
        #expect(SRTPContext.maximumTrailerLength == 144)
    }
}
