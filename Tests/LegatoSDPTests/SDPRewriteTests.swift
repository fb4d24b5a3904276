import Testing
@testable import LegatoSDP

@Suite struct SDPRewriteTests {
    @Test func pointsMediaAtLegatoAndKeepsCodecs() throws {
        let offer = try SDPParser.parse(Samples.basic)
        let out = offer.rewrittenForRelay(
            addresses: [RelayAddress(address: "127.0.0.1", rtpPort: 30000, rtcpPort: 30001)],
            origin: "127.0.0.1", version: 7)
        let text = out.text
        #expect(text.contains("o=legato 2890844526 7 IN IP4 127.0.0.1\r\n"))
        #expect(text.contains("c=IN IP4 127.0.0.1\r\n"))
        #expect(!text.contains("198.51.100.1"))
        #expect(text.contains("m=audio 30000 RTP/AVP 0 8 101\r\n"))
        #expect(text.contains("a=rtcp:30001 IN IP4 127.0.0.1\r\n"))
        #expect(text.contains("a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"))
        #expect(text.contains("a=sendrecv\r\n"))
    }

    @Test func srtpToPlainDropsCryptoAndProfile() throws {
        let offer = try SDPParser.parse(Samples.srtp)
        let out = offer.rewrittenForRelay(
            addresses: [RelayAddress(address: "127.0.0.1", rtpPort: 30010, rtcpPort: nil)],
            origin: "127.0.0.1", version: 2)
        #expect(out.media[0].proto == "RTP/AVP")
        #expect(out.media[0].cryptos.isEmpty)
        #expect(out.media[0].hasAttribute("rtcp-mux"))
        #expect(out.direction(of: 0) == .inactive)
    }

    @Test func plainToSrtpCarriesLegatosOwnKey() throws {
        let offer = try SDPParser.parse(Samples.basic)
        let mine = SDPCrypto(tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", keySalt: "bG9jYWxrZXlsb2NhbGtleWxvY2Fsa2V5bG9jYWw")
        let out = offer.rewrittenForRelay(
            addresses: [RelayAddress(address: "127.0.0.1", rtpPort: 30020, rtcpPort: 30021, crypto: mine)],
            origin: "127.0.0.1", version: 1)
        #expect(out.media[0].proto == "RTP/SAVP")
        #expect(out.media[0].cryptos == [mine])
    }

    @Test func foreignKeysNeverCross() throws {
        let offer = try SDPParser.parse(Samples.srtp)
        let mine = SDPCrypto(tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", keySalt: "bWluZW1pbmVtaW5lbWluZW1pbmVtaW5lbWluZW1p")
        let out = offer.rewrittenForRelay(
            addresses: [RelayAddress(address: "127.0.0.1", rtpPort: 30030, rtcpPort: nil, crypto: mine)],
            origin: "127.0.0.1", version: 1)
        #expect(!out.text.contains("PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"))
        #expect(!out.text.contains("NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj"))
        #expect(out.media[0].cryptos.count == 1)
    }

    @Test func ipv6AndRejectedSectionsStayConsistent() throws {
        let offer = try SDPParser.parse(Samples.twoStreamsIPv6)
        let out = offer.rewrittenForRelay(
            addresses: [RelayAddress(address: "::1", rtpPort: 30040, rtcpPort: 30041), nil],
            origin: "::1", version: 3)
        #expect(out.media[0].connectionAddress == "::1")
        #expect(out.media[0].attributes("rtcp") == ["30041 IN IP6 ::1"])
        #expect(out.media[1].port == 0)
        #expect(!out.text.contains("2001:db8::1"))
        #expect(out.text.contains("o=legato 1 3 IN IP6 ::1\r\n"))
        #expect(out.text.contains("a=group:BUNDLE 0 1\r\n"))
    }
}

@Suite struct SDPRewriteRTCPMuxTests {
    static let offer = """
        v=0\r
        o=a 1 1 IN IP4 192.0.2.1\r
        s=-\r
        c=IN IP4 192.0.2.1\r
        t=0 0\r
        m=audio 4000 RTP/AVP 0\r
        a=rtcp:4001\r
        a=rtcp-mux\r
        """

    static let plain = """
        v=0\r
        o=b 1 1 IN IP4 192.0.2.2\r
        s=-\r
        c=IN IP4 192.0.2.2\r
        t=0 0\r
        m=audio 5000 RTP/AVP 0\r
        """

    @Test func muxWithFallbackPortIsWrittenOnce() throws {
        let out = try SDPParser.parse(Self.offer).rewrittenForRelay(
            addresses: [RelayAddress(address: "127.0.0.1", rtpPort: 30000, rtcpPort: 30001, rtcpMux: true)],
            origin: "127.0.0.1", version: 2)
        #expect(out.media[0].attributes("rtcp-mux").count == 1)
        #expect(out.media[0].attributes("rtcp") == ["30001 IN IP4 127.0.0.1"])
    }

    @Test func muxIsAddedWhereTheSourceHadNone() throws {
        let out = try SDPParser.parse(Self.plain).rewrittenForRelay(
            addresses: [RelayAddress(address: "127.0.0.1", rtpPort: 30000, rtcpPort: nil, rtcpMux: true)],
            origin: "127.0.0.1", version: 2)
        #expect(out.media[0].hasAttribute("rtcp-mux"))
        #expect(out.media[0].attributes("rtcp").isEmpty)
    }

    @Test func muxIsRemovedWhenOff() throws {
        let out = try SDPParser.parse(Self.offer).rewrittenForRelay(
            addresses: [RelayAddress(address: "127.0.0.1", rtpPort: 30000, rtcpPort: 30001, rtcpMux: false)],
            origin: "127.0.0.1", version: 2)
        #expect(!out.media[0].hasAttribute("rtcp-mux"))
    }
}
