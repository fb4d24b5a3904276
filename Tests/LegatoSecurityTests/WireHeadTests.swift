import Testing
@testable import LegatoSecurity

@Suite("Wire head")
struct WireHeadTests {
    func head(_ text: String) -> WireHead { WireHead(Array(text.utf8)) }

    @Test("Method, To tag and User-Agent of a request")
    func request() {
        let invite = head("INVITE sip:1@h SIP/2.0\r\nVia: SIP/2.0/UDP x\r\nTo: <sip:1@h>\r\nUser-Agent:  friendly-scanner \r\n\r\nv=0")
        #expect(invite.method == "INVITE")
        #expect(!invite.hasToTag)
        #expect(invite.userAgent == "friendly-scanner")
        #expect(invite.malformation == nil)
        let bye = head("BYE sip:1@h SIP/2.0\r\nt: \"A;tag=no\" <sip:1@h;tag=uri>;tag=abc\r\n\r\n")
        #expect(bye.hasToTag)
        let uriParam = head("INVITE sip:1@h SIP/2.0\r\nTo: <sip:1@h;tag=uri>\r\n\r\n")
        #expect(!uriParam.hasToTag, "a tag inside the URI is not the To tag")
        #expect(head("SIP/2.0 200 OK\r\nTo: <sip:1@h>;tag=1\r\n\r\n").method == nil)
    }

    @Test("Body size and the max_message_bytes / max_body_bytes verdicts")
    func sizeLimits() {
        let text = "OPTIONS sip:h SIP/2.0\r\nTo: <sip:h>\r\nContent-Length: 10\r\n\r\n0123456789"
        let options = head(text)
        #expect(options.bodyBytes == 10)
        #expect(head("OPTIONS sip:h SIP/2.0\r\nTo: <sip:h>\r\n\r\n").bodyBytes == 0)
        #expect(options.sizeProblem(size: text.utf8.count, maxMessageBytes: 0, maxBodyBytes: 0) == nil)
        #expect(options.sizeProblem(size: text.utf8.count, maxMessageBytes: text.utf8.count, maxBodyBytes: 10) == nil)
        #expect(options.sizeProblem(size: text.utf8.count, maxMessageBytes: 0, maxBodyBytes: 9) == "body too large (10 bytes)")
        #expect(options.sizeProblem(size: text.utf8.count, maxMessageBytes: 20, maxBodyBytes: 0)
                == "message too large (\(text.utf8.count) bytes)")
    }

    @Test("NUL, bare CR and bare LF in the header block are malformed")
    func hygiene() {
        #expect(head("INVITE sip:1@h SIP/2.0\r\nX-A: a\u{0}b\r\n\r\n").malformation != nil)
        #expect(head("INVITE sip:1@h SIP/2.0\r\nX-A: a\rb\r\n\r\n").malformation != nil)
        #expect(head("INVITE sip:1@h SIP/2.0\r\nX-A: a\nX-B: b\r\n\r\n").malformation != nil)
        #expect(head("INVITE sip:1@h SIP/2.0\r\n\r\nbody\u{0}with\nnul").malformation == nil, "bodies may hold anything")
        let big = "INVITE sip:1@h SIP/2.0\r\n" + String(repeating: "X-Pad: 0123456789\r\n", count: 1_000) + "\r\n"
        #expect(head(big).malformation == "header block too large")
    }

    @Test("Seeded mutations of real requests never crash the reader")
    func fuzz() {
        var rng = SeededGenerator(seed: 0x11EAD)
        let seed = Array("INVITE sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bK1\r\nTo: <sip:100@h>;tag=x\r\nUser-Agent: sipvicious\r\nContent-Length: 0\r\n\r\n".utf8)
        let bytes: [UInt8] = [0, 9, 10, 13, 32, 58, 59, 60, 62, 0xff, 0xc3, 65]
        for _ in 0..<20_000 {
            let data = rng.mutated(seed, edits: Int.random(in: 1...8, using: &rng), alphabet: bytes, filler: 0)
            let parsed = WireHead(data)
            if parsed.malformation == nil, let method = parsed.method { #expect(!method.isEmpty) }
        }
    }
}

/// The reader as it was written first, on Strings: the byte-level reader
/// must agree with it on every input (differential fuzz below).
private struct StringWireHead {
    var method: String?
    var hasToTag = false
    var userAgent: String?

    init(_ bytes: [UInt8]) {
        var lines: [Substring] = []
        var start = 0
        var index = 0
        var lineNumber = 0
        scan: while index < bytes.count {
            let byte = bytes[index]
            if byte == 0 { break }
            if byte == 13 || byte == 10 {
                if byte == 10 || index + 1 >= bytes.count || bytes[index + 1] != 10 { break scan }
                if index == start { break }
                let first = bytes[start] | 0x20
                if lineNumber == 0 || first == UInt8(ascii: "t") || first == UInt8(ascii: "u") {
                    lines.append(Substring(String(decoding: bytes[start..<index], as: UTF8.self)))
                }
                lineNumber += 1
                index += 2
                start = index
                if start > WireHead.maxHeaderBytes { break }
                continue
            }
            index += 1
        }
        guard let first = lines.first else { return }
        if !first.hasPrefix("SIP/") {
            method = first.split(separator: " ", maxSplits: 1).first.map { String($0).uppercased() }
        }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = Self.trim(line[..<colon]).lowercased()
            let value = Self.trim(line[line.index(after: colon)...])
            switch name {
            case "to", "t":
                let afterURI = value.lastIndex(of: ">").map { value[$0...] } ?? value
                hasToTag = afterURI.lowercased().split(separator: ";").dropFirst().contains { Self.trim($0[...]).hasPrefix("tag=") }
            case "user-agent": userAgent = String(value)
            default: break
            }
        }
    }

    static func trim(_ text: Substring) -> Substring {
        var s = text
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}

extension WireHeadTests {
    @Test("The byte-level reader agrees with the String reader on seeded mutations of To, User-Agent and request lines")
    func differential() {
        var rng = SeededGenerator(seed: 0xD1FF)
        let seeds = [
            "INVITE sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bK1\r\nTo: \"A;tag=x\" <sip:100@h;tag=u>;Tag=x\r\nUser-Agent:  sipvicious 0.3 \r\nContent-Length: 0\r\n\r\n",
            "bye sip:1@h SIP/2.0\r\nt:sip:1@h ; tag=abc\r\nu: x\r\nUSER-AGENT:\tbaresip\t\r\n\r\n",
            "SIP/2.0 200 OK\r\nTo: <sip:1@h>;tag=1\r\nUser-Agent: y\r\n\r\n",
        ].map { Array($0.utf8) }
        let bytes: [UInt8] = [9, 32, 58, 59, 60, 62, 61, 0xff, 0xc3, 65, 97, 116, 84, 103, 71]
        var agreed = 0
        for round in 0..<30_000 {
            let data = rng.mutated(seeds[round % seeds.count], edits: Int.random(in: 0...6, using: &rng), alphabet: bytes, filler: 65)
            let fast = WireHead(data)
            let reference = StringWireHead(data)
            #expect(fast.method == reference.method, "\(String(decoding: data, as: UTF8.self).debugDescription)")
            #expect(fast.hasToTag == reference.hasToTag, "\(String(decoding: data, as: UTF8.self).debugDescription)")
            #expect(fast.userAgent == reference.userAgent, "\(String(decoding: data, as: UTF8.self).debugDescription)")
            if fast.method == reference.method && fast.hasToTag == reference.hasToTag && fast.userAgent == reference.userAgent {
                agreed += 1
            }
        }
        #expect(agreed == 30_000)
    }
}
