import Testing
@testable import LegatoSecurity

@Suite("Stateless response")
struct StatelessResponseTests {
    func make(_ request: String, source: String = "127.0.0.2", port: Int = 5062, tag: String = "sl1",
              headers: [(name: String, value: String)] = [("Retry-After", "5")]) -> String? {
        guard let parsed = TransactionHeaders(Array(request.utf8)) else { return nil }
        return StatelessResponse.make(status: 503, reason: "Service Unavailable", to: parsed, toTag: tag, source: source,
                                      sourcePort: port, headers: headers).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("503 copies Via (in order), From, Call-ID and CSeq, adds a To tag, Retry-After and Content-Length: 0")
    func fields() throws {
        let response = try #require(make(TransactionHeadersTests.invite))
        #expect(response == "SIP/2.0 503 Service Unavailable\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK-1, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-0\r\n"
            + "Via: SIP/2.0/TCP 10.0.0.9;branch=z9hG4bK-x\r\n"
            + "From: \"A, B\" <sip:a@127.0.0.2>;tag=f1\r\n"
            + "To: <sip:100@127.0.0.1>;tag=sl1\r\n"
            + "Call-ID: call-1@127.0.0.2\r\n"
            + "CSeq: 7   INVITE\r\n"
            + "Retry-After: 5\r\n"
            + "Content-Length: 0\r\n\r\n")
    }

    @Test("The top Via gets received when the sent-by host differs, and rport filled in when asked for")
    func receivedAndRport() throws {
        func request(_ via: String) -> String {
            "INVITE sip:1@h SIP/2.0\r\nVia: \(via)\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:1@h>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\r\n"
        }
        func topVia(_ via: String, source: String = "127.0.0.2") throws -> String {
            let response = try #require(make(request(via), source: source, port: 40000))
            return String(try #require(response.split(separator: "\r\n").first { $0.hasPrefix("Via: ") }).dropFirst(5))
        }
        #expect(try topVia("SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK1") == "SIP/2.0/UDP 127.0.0.2:5062;branch=z9hG4bK1")
        #expect(try topVia("SIP/2.0/UDP pc.example.net;branch=z9hG4bK1")
                == "SIP/2.0/UDP pc.example.net;branch=z9hG4bK1;received=127.0.0.2")
        #expect(try topVia("SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bK1")
                == "SIP/2.0/UDP 10.0.0.1:5060;rport=40000;branch=z9hG4bK1;received=127.0.0.2")
        #expect(try topVia("SIP/2.0/UDP 10.0.0.1;received=10.9.9.9;branch=z9hG4bK1")
                == "SIP/2.0/UDP 10.0.0.1;received=10.9.9.9;branch=z9hG4bK1")
        #expect(try topVia("SIP / 2.0 / UDP [2001:DB8::5]:5060;branch=z9hG4bK1", source: "2001:db8::5")
                == "SIP / 2.0 / UDP [2001:DB8::5]:5060;branch=z9hG4bK1")
        #expect(try topVia("SIP/2.0/UDP 127.0.0.2;branch=z9hG4bK1, SIP/2.0/UDP 10.0.0.1;rport")
                == "SIP/2.0/UDP 127.0.0.2;branch=z9hG4bK1, SIP/2.0/UDP 10.0.0.1;rport", "only the top Via is stamped")
    }

    @Test("A To that already has a tag keeps it")
    func existingTag() throws {
        let tagged = TransactionHeadersTests.invite.replacing("t: <sip:100@127.0.0.1>",
                                                                        with: "t: <sip:100@127.0.0.1>;tag=abc")
        let response = try #require(make(tagged))
        #expect(response.contains("\r\nTo: <sip:100@127.0.0.1>;tag=abc\r\n"))
    }

    @Test("Reason, tag, source and headers that would break the response are refused")
    func refusals() throws {
        let parsed = try #require(TransactionHeaders(Array(TransactionHeadersTests.invite.utf8)))
        func build(status: Int = 503, reason: String = "Service Unavailable", tag: String = "sl1",
                   source: String = "127.0.0.2", headers: [(name: String, value: String)] = []) -> [UInt8]? {
            StatelessResponse.make(status: status, reason: reason, to: parsed, toTag: tag, source: source,
                                   sourcePort: 5060, headers: headers)
        }
        #expect(build() != nil)
        #expect(build(status: 99) == nil)
        #expect(build(status: 700) == nil)
        #expect(build(reason: "Busy\r\nX-Evil: 1") == nil)
        #expect(build(tag: "a;b") == nil)
        #expect(build(tag: "") == nil)
        #expect(build(source: "1.2.3.4\r\nX: y") == nil)
        #expect(build(headers: [("Retry-After", "5\r\nX-Evil: 1")]) == nil)
        #expect(build(headers: [("Retry After", "5")]) == nil)
        #expect(build(headers: [("Retry-After:", "5")]) == nil)
    }

    @Test("Seeded mutations of requests never crash and never give a response with an injected line")
    func fuzz() {
        var rng = SeededGenerator(seed: 0x503_5EED)
        let seed = Array(TransactionHeadersTests.invite.utf8)
        let alphabet: [UInt8] = [0, 9, 10, 13, 32, 34, 44, 58, 59, 60, 62, 0x7f, 0xff, 0xc3, 65, 61]
        var built = 0
        for _ in 0..<20_000 {
            var data = seed
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let at = Int.random(in: 0..<data.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: data[at] = alphabet.randomElement(using: &rng)!
                case 1: data.remove(at: at)
                case 2: data.insert(alphabet.randomElement(using: &rng)!, at: at)
                default: data.insert(contentsOf: [13, 10], at: at)
                }
                if data.isEmpty { data = [0] }
            }
            guard let headers = TransactionHeaders(data),
                  let response = StatelessResponse.make(status: 503, reason: "Service Unavailable", to: headers,
                                                        toTag: "sl1", source: "127.0.0.2", sourcePort: 5062,
                                                        headers: [("Retry-After", "5")]) else { continue }
            built += 1
            Self.expectWellFormed(response, headers: headers)
        }
        #expect(built > 1_000, "the fuzz reached the builder \(built) times")
    }

    /// Every line ends in CRLF, no bare CR/LF/NUL, exactly the expected header
    /// lines (one per Via value line, then From, To, Call-ID, CSeq,
    /// Retry-After, Content-Length) and nothing after the blank line.
    static func expectWellFormed(_ response: [UInt8], headers: TransactionHeaders) {
        #expect(!response.contains(0))
        for (index, byte) in response.enumerated() {
            if byte == 13 { #expect(index + 1 < response.count && response[index + 1] == 10) }
            if byte == 10 { #expect(index > 0 && response[index - 1] == 13) }
        }
        let text = String(decoding: response, as: UTF8.self)
        #expect(text.hasSuffix("\r\nContent-Length: 0\r\n\r\n"))
        let lines = String(decoding: response.dropLast(4), as: UTF8.self)
            .split(separator: "\r\n", omittingEmptySubsequences: false)
        let names = lines.dropFirst().map { $0.prefix { $0 != ":" } }
        let expected = Array(repeating: "Via", count: headers.vias.count)
            + ["From", "To", "Call-ID", "CSeq", "Retry-After", "Content-Length"]
        #expect(names.map(String.init) == expected, "\(text.debugDescription)")
        #expect(lines.first == "SIP/2.0 503 Service Unavailable")
    }
}
