import Testing
@testable import LegatoSDP

enum Samples {
    static let basic = """
    v=0\r
    o=alice 2890844526 2890844526 IN IP4 198.51.100.1\r
    s=-\r
    c=IN IP4 198.51.100.1\r
    t=0 0\r
    m=audio 49170 RTP/AVP 0 8 101\r
    a=rtpmap:0 PCMU/8000\r
    a=rtpmap:8 PCMA/8000\r
    a=rtpmap:101 telephone-event/8000\r
    a=fmtp:101 0-16\r
    a=ptime:20\r
    a=sendrecv\r

    """

    static let twoStreamsIPv6 = """
    v=0
    o=- 1 2 IN IP6 2001:db8::1
    s=call
    t=0 0
    a=group:BUNDLE 0 1
    m=audio 5004 RTP/AVP 96
    c=IN IP6 2001:db8::1
    a=rtpmap:96 opus/48000/2
    a=rtcp:5005 IN IP6 2001:db8::1
    a=sendonly
    m=video 0 RTP/AVP 97
    a=rtpmap:97 H264/90000

    """

    static let srtp = """
    v=0\r
    o=bob 1 1 IN IP4 203.0.113.9\r
    s=-\r
    c=IN IP4 203.0.113.9\r
    t=0 0\r
    m=audio 6000 RTP/SAVP 0 101\r
    a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\r
    a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32 UNENCRYPTED_SRTCP\r
    a=rtcp-mux\r
    a=inactive\r

    """
}

@Suite struct SDPParserTests {
    @Test func parsesAndRoundTripsCRLF() throws {
        let sdp = try SDPParser.parse(Samples.basic)
        #expect(sdp.media.count == 1)
        #expect(sdp.media[0].media == "audio")
        #expect(sdp.media[0].port == 49170)
        #expect(sdp.media[0].proto == "RTP/AVP")
        #expect(sdp.media[0].formats == ["0", "8", "101"])
        #expect(sdp.connectionAddress == "198.51.100.1")
        #expect(sdp.direction(of: 0) == .sendrecv)
        #expect(sdp.text == Samples.basic)
    }

    @Test func acceptsLFLineEndingsAndWritesCRLF() throws {
        let sdp = try SDPParser.parse(Samples.twoStreamsIPv6)
        #expect(sdp.text == Samples.twoStreamsIPv6.replacingLF())
    }

    @Test func mediaLevelConnectionAndAttributes() throws {
        let sdp = try SDPParser.parse(Samples.twoStreamsIPv6)
        #expect(sdp.media.count == 2)
        #expect(sdp.connectionAddress == nil)
        #expect(sdp.connectionAddress(of: 0) == "2001:db8::1")
        #expect(sdp.media[0].attributes("rtcp") == ["5005 IN IP6 2001:db8::1"])
        #expect(sdp.direction(of: 0) == .sendonly)
        #expect(sdp.media[1].port == 0)
        #expect(sdp.direction(of: 1) == .sendrecv)
    }

    @Test func readsCryptoAndMux() throws {
        let sdp = try SDPParser.parse(Samples.srtp)
        let cryptos = sdp.media[0].cryptos
        #expect(cryptos.count == 2)
        #expect(cryptos[0].suite == "AES_CM_128_HMAC_SHA1_80")
        #expect(cryptos[0].keySalt == "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR")
        #expect(cryptos[0].keyParameters == ["2^20", "1:32"])
        #expect(cryptos[1].sessionParameters == ["UNENCRYPTED_SRTCP"])
        #expect(sdp.media[0].hasAttribute("rtcp-mux"))
        #expect(sdp.media[0].isSecureProfile)
        #expect(sdp.direction(of: 0) == .inactive)
    }

    @Test func cryptoRoundTrips() throws {
        let value: Substring = "2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32 UNENCRYPTED_SRTCP"
        let crypto = try #require(SDPCrypto(attributeValue: value))
        #expect(crypto.attributeValue == String(value))
    }

    @Test(arguments: ["x AES_CM inline:a", "1 AES_CM key:a", "1 AES_CM", "1 AES_CM inline:"])
    func malformedCryptoIsIgnored(value: String) {
        #expect(SDPCrypto(attributeValue: Substring(value)) == nil)
    }

    @Test func rfc2543HoldIsSendonly() throws {
        let sdp = try SDPParser.parse("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")
        #expect(sdp.direction(of: 0) == .sendonly)
        #expect(sdp.direction(of: 0).isHold)
    }

    @Test func refusesNonSDP() {
        #expect(throws: SDPParseError.notSDP) { try SDPParser.parse("hello") }
        #expect(throws: SDPParseError.notSDP) { try SDPParser.parse("") }
        #expect(throws: SDPParseError.malformedLine(number: 2, text: "garbage")) {
            try SDPParser.parse("v=0\r\ngarbage\r\n")
        }
        #expect(throws: SDPParseError.malformedMediaLine(number: 3)) {
            try SDPParser.parse("v=0\r\ns=-\r\nm=audio x RTP/AVP 0\r\n")
        }
    }

    @Test func directionsReverse() {
        #expect(MediaDirection.sendonly.reversed == .recvonly)
        #expect(MediaDirection.recvonly.reversed == .sendonly)
        #expect(MediaDirection.inactive.reversed == .inactive)
        #expect(!MediaDirection.recvonly.isHold)
    }
}

extension String {
    func replacingLF() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
    }
}
