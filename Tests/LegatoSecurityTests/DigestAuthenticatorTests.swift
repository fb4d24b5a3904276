import Foundation
import Testing
@testable import LegatoSecurity

@Suite("Digest authentication")
struct DigestAuthenticatorTests {
    static let realm = "legato"
    var auth = DigestAuthenticator(realm: realm, users: [
        "alice": .password("wonderland"),
        "bob": .ha1(DigestAlgorithm.md5.hash("bob:legato:builder")),
    ], nonceLifetime: 30)

    /// The Authorization value a client computes for `challenge`.
    static func answer(_ challenge: String, user: String, password: String, uri: String = "sip:100@127.0.0.1",
                       nc: UInt32 = 1, method: String = "INVITE", response override: String? = nil) -> String {
        let params = DigestCredentials.parameters(Substring(challenge.dropFirst(7)))!
        let algorithm = DigestAlgorithm(rawValue: params["algorithm"]!)!
        let nonce = params["nonce"]!
        let ha1 = algorithm.hash("\(user):\(realm):\(password)")
        let ha2 = algorithm.hash("\(method):\(uri)")
        let ncText = String(format8: nc)
        let response = override ?? algorithm.hash("\(ha1):\(nonce):\(ncText):c0ffee:auth:\(ha2)")
        return "Digest username=\"\(user)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", "
            + "response=\"\(response)\", algorithm=\(algorithm.rawValue), cnonce=\"c0ffee\", qop=auth, nc=\(ncText)"
    }

    @Test("Known-answer: RFC 7616 §3.9.1 SHA-256 and MD5 responses")
    func knownAnswer() {
        // RFC 7616 §3.9.1 (HTTP, qop=auth): Mufasa / Circle of Life.
        let ha1 = DigestAlgorithm.sha256.hash("Mufasa:http-auth@example.org:Circle of Life")
        let ha2 = DigestAlgorithm.sha256.hash("GET:/dir/index.html")
        let response = DigestAlgorithm.sha256.hash(
            "\(ha1):7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v:00000001:f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ:auth:\(ha2)")
        #expect(response == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
        let md5 = DigestAlgorithm.md5.hash(
            "\(DigestAlgorithm.md5.hash("Mufasa:http-auth@example.org:Circle of Life")):7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v:00000001:f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ:auth:\(DigestAlgorithm.md5.hash("GET:/dir/index.html"))")
        #expect(md5 == "8ca523f5e9506fed4657c9700eebdbec")
    }

    @Test("Both algorithms verify, for password and HA1 users")
    mutating func success() {
        let challenges = auth.challenges(now: 0)
        #expect(challenges.count == 2)
        #expect(challenges[0].contains("algorithm=MD5") && challenges[1].contains("algorithm=SHA-256"))
        // Both challenges carry one nonce: each answer uses the next nonce count.
        for (index, challenge) in challenges.enumerated() {
            #expect(auth.verify(header: Self.answer(challenge, user: "alice", password: "wonderland", nc: UInt32(index + 1)),
                                method: "INVITE", now: 1) == .authenticated(user: "alice"))
        }
        let fresh = auth.challenges(now: 2)[0]
        #expect(auth.verify(header: Self.answer(fresh, user: "bob", password: "builder"), method: "INVITE",
                            now: 3) == .authenticated(user: "bob"))
    }

    @Test("No credentials: the same challenge shape for everyone; unknown user and wrong password: the same 403")
    mutating func noEnumerationOracle() {
        guard case .challenge(let first) = auth.verify(header: nil, method: "INVITE", now: 0),
              case .challenge(let second) = auth.verify(header: "Basic YWxpY2U6eA==", method: "INVITE", now: 0) else {
            Issue.record("expected challenges"); return
        }
        func shape(_ c: [String]) -> [String] { c.map { $0.replacing(/nonce="[^"]*"/, with: "nonce=N") } }
        #expect(shape(first) == shape(second))
        let wrongPassword = auth.verify(header: Self.answer(first[0], user: "alice", password: "guess"), method: "INVITE", now: 1)
        let unknownUser = auth.verify(header: Self.answer(first[0], user: "mallory", password: "guess"), method: "INVITE", now: 1)
        #expect(wrongPassword == .forbidden)
        #expect(unknownUser == wrongPassword)
    }

    @Test("A replayed response is refused; the next nonce count is accepted")
    mutating func replay() {
        let challenge = auth.challenges(now: 0)[0]
        let header = Self.answer(challenge, user: "alice", password: "wonderland")
        #expect(auth.verify(header: header, method: "INVITE", now: 1) == .authenticated(user: "alice"))
        #expect(auth.verify(header: header, method: "INVITE", now: 2) == .forbidden)
        #expect(auth.verify(header: Self.answer(challenge, user: "alice", password: "wonderland", nc: 2),
                            method: "INVITE", now: 3) == .authenticated(user: "alice"))
    }

    @Test("An expired nonce with good credentials gets a stale challenge; a forged nonce gets 403")
    mutating func staleAndForged() {
        let challenge = auth.challenges(now: 0)[0]
        guard case .stale(let fresh) = auth.verify(header: Self.answer(challenge, user: "alice", password: "wonderland"),
                                                   method: "INVITE", now: 31) else {
            Issue.record("expected stale"); return
        }
        #expect(fresh[0].contains("stale=true"))
        let forged = challenge.replacingOccurrences(of: "nonce=\"0", with: "nonce=\"1")
        #expect(auth.verify(header: Self.answer(forged, user: "alice", password: "wonderland"), method: "INVITE",
                            now: 1) == .forbidden)
        // Another process's (another secret's) nonce is forged too.
        var other = DigestAuthenticator(realm: Self.realm, users: ["alice": .password("wonderland")])
        let foreign = other.challenges(now: 0)[0]
        #expect(auth.verify(header: Self.answer(foreign, user: "alice", password: "wonderland"), method: "INVITE",
                            now: 1) == .forbidden)
    }

    @Test("Digest header parsing: quoting, escapes, order, and refusal of broken input")
    func parsing() throws {
        let parsed = try #require(DigestCredentials(header:
            #"Digest realm="legato",username = "a\"b", nonce="n", uri="sip:x", response="ABC", qop=auth, nc=0000000a, cnonce="c", algorithm=sha-256"#))
        #expect(parsed.username == "a\"b")
        #expect(parsed.response == "abc")
        #expect(parsed.nonceCount == 10)
        #expect(parsed.algorithm == "SHA-256")
        for broken in ["", "Digest", "Basic abc", #"Digest username="a"#, #"Digest username="a", realm"#,
                       #"Digest username="a" realm="r", nonce="n", uri="u", response="r""#,
                       #"Digest username="a", realm="r", nonce="n", uri="u", response="r", qop=auth"#,
                       #"Digest username="a", realm="r", nonce="n", uri="u", response="r", nc=zz"#] {
            #expect(DigestCredentials(header: broken) == nil, "\(broken)")
        }
    }

    @Test("Seeded mutations of digest headers never crash the parser or the verifier")
    mutating func fuzz() {
        var rng = SeededGenerator(seed: 0xD16E57)
        let seed = Array(Self.answer(auth.challenges(now: 0)[0], user: "alice", password: "wonderland"))
        let alphabet = Array("\"\\,= \t\r\nazAZ09:@;\u{0}\u{7f}é")
        var accepted = 0
        for _ in 0..<5_000 {
            var chars = seed
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let at = Int.random(in: 0..<chars.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: chars[at] = alphabet.randomElement(using: &rng)!
                case 1: if chars.count > 1 { chars.remove(at: at) }
                default: chars.insert(alphabet.randomElement(using: &rng)!, at: at)
                }
            }
            let text = String(chars)
            if DigestCredentials(header: text) != nil { accepted += 1 }
            if case .authenticated = auth.verify(header: text, method: "INVITE", now: 1) {
                // Only a mutation outside what the response covers may still verify, and only once.
                #expect(DigestCredentials(header: text)?.username == "alice")
            }
        }
        #expect(accepted > 100)
    }
}
