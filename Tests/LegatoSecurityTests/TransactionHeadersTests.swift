import Testing
@testable import LegatoSecurity

@Suite("Transaction headers")
struct TransactionHeadersTests {
    static let invite = "INVITE sip:100@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-1, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-0\r\n"
        + "v: SIP/2.0/TCP 10.0.0.9;branch=z9hG4bK-x\r\n"
        + "From: \"A, B\" <sip:a@127.0.0.2>;tag=f1\r\n"
        + "t: <sip:100@127.0.0.1>\r\n"
        + "i: call-1@127.0.0.2\r\n"
        + "CSeq:  7   INVITE\r\n"
        + "Max-Forwards: 70\r\n"
        + "Content-Length: 0\r\n\r\n"

    func read(_ text: String) -> TransactionHeaders? { TransactionHeaders(Array(text.utf8)) }
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("Full and compact names; Via values in order; CSeq number and method")
    func reads() throws {
        let headers = try #require(read(Self.invite))
        #expect(headers.vias.map(text) == [
            "SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-1, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-0",
            "SIP/2.0/TCP 10.0.0.9;branch=z9hG4bK-x",
        ])
        #expect(text(headers.topVia) == "SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-1")
        #expect(text(headers.from) == "\"A, B\" <sip:a@127.0.0.2>;tag=f1")
        #expect(text(headers.to) == "<sip:100@127.0.0.1>")
        #expect(!headers.toHasTag)
        #expect(text(headers.callID) == "call-1@127.0.0.2")
        #expect(text(headers.cseq) == "7   INVITE")
        #expect(headers.cseqNumber == 7)
        #expect(headers.cseqMethod == "INVITE")
    }

    @Test("A folded header line continues the previous header")
    func folding() throws {
        let folded = Self.invite.replacing("From: \"A, B\" <sip:a@127.0.0.2>;tag=f1\r\n",
                                                      with: "From: \"A, B\"\r\n   <sip:a@127.0.0.2>;tag=f1\r\n")
        let headers = try #require(read(folded))
        #expect(text(headers.from) == "\"A, B\" <sip:a@127.0.0.2>;tag=f1")
    }

    @Test("The key is equal for a retransmission and differs with Call-ID, CSeq or branch")
    func key() throws {
        let first = try #require(read(Self.invite)).transactionKey
        #expect(try #require(read(Self.invite)).transactionKey == first)
        let otherCallID = Self.invite.replacing("call-1@", with: "call-2@")
        let otherCSeq = Self.invite.replacing("7   INVITE", with: "8 INVITE")
        let otherBranch = Self.invite.replacing("z9hG4bK-1", with: "z9hG4bK-2")
        for variant in [otherCallID, otherCSeq, otherBranch] {
            #expect(try #require(read(variant)).transactionKey != first)
        }
    }

    @Test("Missing, repeated or malformed identifying headers, responses and bad bytes read as nil")
    func refusals() {
        let cases: [(String, String)] = [
            ("i: call-1@127.0.0.2\r\n", ""),                                        // no Call-ID
            ("t: <sip:100@127.0.0.1>\r\n", "t: <sip:100@127.0.0.1>\r\nTo: <sip:x@y>\r\n"), // two To
            ("CSeq:  7   INVITE\r\n", "CSeq: seven INVITE\r\n"),
            ("CSeq:  7   INVITE\r\n", "CSeq: 7\r\n"),
            ("CSeq:  7   INVITE\r\n", "CSeq: 99999999999 INVITE\r\n"),
            ("Max-Forwards: 70\r\n", "Max-Forwards: 7\u{0}0\r\n"),
            ("Max-Forwards: 70\r\n", "Max-Forwards: 7\n0\r\n"),
            ("Max-Forwards: 70\r\n", "Max-Forwards: 7\r0\r\n"),
            ("Max-Forwards: 70\r\n", "Max-Forwards: 7\u{1b}0\r\n"),
            ("Max-Forwards: 70\r\n", "Max-Forwards 70\r\n"),
            ("Via: SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-1, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-0\r\nv: SIP/2.0/TCP 10.0.0.9;branch=z9hG4bK-x\r\n", ""),
            ("\r\n\r\n", "\r\n"),                                                     // no end of the header block
        ]
        for (from, to) in cases {
            let mutated = Self.invite.replacing(from, with: to)
            #expect(mutated != Self.invite)
            #expect(read(mutated) == nil, "\(mutated.debugDescription)")
        }
        #expect(read("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\nFrom: a\r\nTo: b\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n") == nil)
        let huge = "INVITE sip:h SIP/2.0\r\n" + String(repeating: "X-Pad: 0123456789\r\n", count: 1_000)
            + "Via: SIP/2.0/UDP h\r\nFrom: a\r\nTo: b\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n"
        #expect(read(huge) == nil)
    }

    @Test("A To tag is seen outside the URI only")
    func toTag() throws {
        let tagged = Self.invite.replacing("t: <sip:100@127.0.0.1>", with: "t: <sip:100@127.0.0.1>;tag=x")
        #expect(try #require(read(tagged)).toHasTag)
        let inURI = Self.invite.replacing("t: <sip:100@127.0.0.1>", with: "t: <sip:100@127.0.0.1;tag=x>")
        #expect(try !#require(read(inURI)).toHasTag)
    }
}
