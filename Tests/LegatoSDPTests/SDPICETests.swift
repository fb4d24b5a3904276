import Testing
@testable import LegatoSDP

/// Legato's own ICE-lite lines (media.ice: lite).
@Suite struct SDPICETests {
    static let ice = SDPICE(ufrag: "LGTO", pwd: "0123456789abcdefghijklmn", candidates: [
        .init(component: 1, address: "127.0.0.1", port: 30000), .init(component: 2, address: "127.0.0.1", port: 30001),
    ])

    @Test func writesICELiteCredentialsAndHostCandidates() throws {
        let sdp = try SDPParser.parse("v=0\r\no=legato 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "a=sendrecv\r\nm=audio 30000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ice-ufrag:theirs\r\n")
        let out = sdp.addingICE(Self.ice)
        #expect(out.sessionLines.map(\.text) == [
            "v=0", "o=legato 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "a=ice-lite", "a=sendrecv",
        ])
        #expect(out.media[0].lines.map(\.text) == [
            "m=audio 30000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=ice-ufrag:LGTO", "a=ice-pwd:0123456789abcdefghijklmn",
            "a=candidate:1 1 UDP 2130706431 127.0.0.1 30000 typ host",
            "a=candidate:1 2 UDP 2130706430 127.0.0.1 30001 typ host",
        ])
        #expect(out.offersICE)
    }

    @Test func candidatePriorityFollowsRFC8445() {
        // (2^24)·126 + (2^8)·65535 + (256 − component)
        #expect(SDPICE.Candidate(component: 1, address: "::1", port: 1).priority == 2_113_929_216 + 16_776_960 + 255)
        #expect(SDPICE.Candidate(component: 2, address: "::1", port: 1).priority == 2_130_706_430)
    }
}
