import Testing
@testable import LegatoSDP

/// Topology hiding in SDP: what the author says about itself does not cross.
@Suite struct SDPIdentityFilterTests {
    static let webrtcish = """
        v=0\r
        o=bob 4242 1 IN IP4 192.0.2.7\r
        s=Secret\r
        i=Bob's phone\r
        u=http://bob.example/\r
        e=bob@example.com\r
        p=+1 555 0100\r
        c=IN IP4 192.0.2.7\r
        b=AS:64\r
        b=X-YZ:128\r
        t=0 0\r
        a=tool:baresip 1.0.0\r
        a=group:BUNDLE 0\r
        a=msid-semantic: WMS stream\r
        a=ice-lite\r
        a=ice-options:trickle\r
        a=x-secret-session:1\r
        a=sendrecv\r
        m=audio 15064 RTP/AVP 0 8 101\r
        i=microphone\r
        b=TIAS:64000\r
        a=mid:0\r
        a=rtpmap:0 PCMU/8000\r
        a=rtpmap:8 PCMA/8000\r
        a=rtpmap:101 telephone-event/8000\r
        a=fmtp:101 0-16\r
        a=ptime:20\r
        a=maxptime:40\r
        a=rtcp-mux\r
        a=sendonly\r
        a=ice-ufrag:Bob1\r
        a=ice-pwd:bobbobbobbobbobbobbobbob\r
        a=ice-mismatch\r
        a=candidate:1 1 UDP 2130706431 192.0.2.7 15064 typ host\r
        a=candidate:2 1 UDP 1694498815 203.0.113.9 40000 typ srflx raddr 192.0.2.7 rport 15064\r
        a=end-of-candidates\r
        a=remote-candidates:1 192.0.2.1 4000\r
        a=ssrc:1234 cname:sip:b@127.0.0.1:15063\r
        a=ssrc-group:FID 1234 5678\r
        a=msid:stream track\r
        a=label:bob-audio\r
        """

    static func hidden() throws -> SessionDescription {
        try SDPParser.parse(webrtcish).rewrittenForRelay(
            addresses: [RelayAddress(address: "127.0.0.1", rtpPort: 30000, rtcpPort: nil, rtcpMux: true)],
            origin: "127.0.0.1", version: 3, sessionID: 777).withoutPeerIdentity()
    }

    @Test(arguments: ["tool", "group", "msid-semantic", "ice-lite", "ice-options", "x-secret-session", "mid", "ice-ufrag",
                      "ice-pwd", "ice-mismatch", "candidate", "end-of-candidates", "remote-candidates", "ssrc", "ssrc-group",
                      "msid", "label"])
    func dropsEachIdentityAttribute(name: String) throws {
        let text = try Self.hidden().text
        #expect(!text.contains("a=\(name):") && !text.contains("a=\(name)\r\n"), "a=\(name) crossed:\n\(text)")
    }

    @Test func dropsSessionIdentityLinesAndNamesLegato() throws {
        let out = try Self.hidden()
        #expect(out.sessionLines.map(\.text) == [
            "v=0", "o=legato 777 3 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "b=AS:64", "t=0 0", "a=sendrecv",
        ])
        for secret in ["bob", "Bob", "4242", "Secret", "192.0.2.7", "203.0.113.9", "15063", "1234", "555"] {
            #expect(!out.text.contains(secret), "\(secret) crossed:\n\(out.text)")
        }
    }

    @Test func keepsWhatDescribesTheMedia() throws {
        let media = try Self.hidden().media[0]
        #expect(media.lines.map(\.text) == [
            "m=audio 30000 RTP/AVP 0 8 101", "b=TIAS:64000", "c=IN IP4 127.0.0.1", "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=ptime:20",
            "a=maxptime:40", "a=rtcp-mux", "a=sendonly",
        ])
    }

    @Test func plainSDPIsUnchanged() throws {
        let plain = try SDPParser.parse("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
        #expect(plain.withoutPeerIdentity() == plain)
    }

    @Test func detectsICEOffers() throws {
        #expect(try SDPParser.parse(Self.webrtcish).offersICE)
        let sessionLevel = try SDPParser.parse("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\na=ice-ufrag:abcd\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0\r\n")
        #expect(sessionLevel.offersICE)
        #expect(try !Self.hidden().offersICE)
    }
}
