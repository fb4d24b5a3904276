import Testing
@testable import LegatoSecurity

/// The ACK of the gate's stateless 503 is recognised by its To tag (RFC 3261
/// §17.1.1.3: the ACK of a non-2xx final response repeats the INVITE's
/// Call-ID, CSeq number, top Via and From, and the response's To).
@Suite("Stateless tag")
struct StatelessTagTests {
    static func request(_ method: String, cseq: String = "7", branch: String = "z9hG4bK-1", fromTag: String = "f1",
                        to: String = "<sip:100@127.0.0.1>") -> TransactionHeaders? {
        TransactionHeaders(Array(("\(method) sip:100@127.0.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.2:5062;branch=\(branch)\r\n"
            + "From: <sip:a@127.0.0.2>;tag=\(fromTag)\r\nTo: \(to)\r\n"
            + "Call-ID: call-1@127.0.0.2\r\nCSeq: \(cseq) \(method)\r\nContent-Length: 0\r\n\r\n").utf8))
    }

    /// The ACK a caller sends for the 503 the gate answered `invite` with.
    static func ack(for invite: TransactionHeaders, toHeader: String? = nil, branch: String = "z9hG4bK-1",
                    cseq: String = "7") throws -> TransactionHeaders {
        let response = try #require(StatelessResponse.make(
            status: 503, reason: "Service Unavailable", to: invite, toTag: StatelessTag.tag(for: invite),
            source: "127.0.0.2", sourcePort: 5062, headers: []))
        let to = String(try #require(String(decoding: response, as: UTF8.self).split(separator: "\r\n")
            .first { $0.hasPrefix("To: ") }).dropFirst(4))
        return try #require(request("ACK", cseq: cseq, branch: branch, to: toHeader ?? to))
    }

    @Test("The ACK of the gate's 503 is recognised; the tag is stable for retransmissions")
    func ackOfOwnResponse() throws {
        let invite = try #require(Self.request("INVITE"))
        #expect(StatelessTag.tag(for: invite) == StatelessTag.tag(for: try #require(Self.request("INVITE"))))
        #expect(StatelessTag.tag(for: invite).hasPrefix("sl"))
        #expect(StatelessTag.isAckOfStatelessResponse(try Self.ack(for: invite)))
    }

    @Test("Other ACKs pass: sofia's own To tag, a 2xx ACK (new branch), another CSeq, a forged sl tag, no tag")
    func otherAcksPass() throws {
        let invite = try #require(Self.request("INVITE"))
        #expect(!StatelessTag.isAckOfStatelessResponse(try Self.ack(for: invite, toHeader: "<sip:100@127.0.0.1>;tag=cvyNDFDKggSae")))
        #expect(!StatelessTag.isAckOfStatelessResponse(try Self.ack(for: invite, branch: "z9hG4bK-2")))
        #expect(!StatelessTag.isAckOfStatelessResponse(try Self.ack(for: invite, cseq: "8")))
        #expect(!StatelessTag.isAckOfStatelessResponse(try Self.ack(for: invite, toHeader: "<sip:100@127.0.0.1>;tag=sl123")))
        #expect(!StatelessTag.isAckOfStatelessResponse(try #require(Self.request("ACK"))))
        // Not an ACK: a BYE carrying the same tag is left to sofia.
        let ack = try Self.ack(for: invite)
        var bye = ack
        bye.cseqMethod = "BYE"
        #expect(!StatelessTag.isAckOfStatelessResponse(bye))
    }

    @Test("To tag reading: spaces around '=', upper-case name, a tag inside <…> is the URI's, empty tag")
    func toTagReading() throws {
        func tag(_ to: String) -> String? {
            Self.request("ACK", to: to)?.toTag.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(tag("<sip:100@h>;tag=abc") == "abc")
        #expect(tag("<sip:100@h> ; TAG = abc ;x=1") == "abc")
        #expect(tag("<sip:100@h;tag=uri>") == nil)
        #expect(tag("<sip:100@h;tag=uri>;tag=real") == "real")
        #expect(tag("<sip:100@h>;tag=") == nil)
        #expect(tag("<sip:100@h>;tagx=1") == nil)
        #expect(tag("sip:100@h;tag=bare") == "bare")
    }
}
