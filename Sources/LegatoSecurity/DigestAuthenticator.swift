/// Inbound digest authentication (RFC 3261 §22, RFC 7616) as a value:
/// requests' credentials in, verdicts out, with the time passed in.
///
/// Nonces carry their issue time and an HMAC under a per-process secret, so
/// forged or expired ones are recognised without state; the highest nonce
/// count seen per nonce is kept so a replayed response is refused. Without
/// enumeration oracle: the challenge is the same for every user, and an
/// unknown user costs the same hashing as a known one and gets the same 403
/// as a wrong password.
public struct DigestAuthenticator: Sendable {
    /// One user's secret: a password, or an HA1 (hex MD5 or SHA-256 of `user:realm:password`).
    public enum Secret: Sendable, Equatable {
        /// The clear password.
        case password(String)
        /// A precomputed HA1 in hex (32 digits: MD5, 64: SHA-256).
        case ha1(String)
    }

    /// The verdict on one request.
    public enum Verdict: Equatable, Sendable {
        /// Credentials verified for `user`.
        case authenticated(user: String)
        /// No usable credentials: answer 401 with `challenges` (WWW-Authenticate values).
        case challenge([String])
        /// Correct credentials with an expired nonce: 401 with stale=true challenges.
        case stale([String])
        /// Wrong password, unknown user, forged or replayed nonce: 403.
        case forbidden
    }

    /// The realm in challenges and HA1s.
    public let realm: String
    /// Seconds a nonce stays valid.
    public let nonceLifetime: Double
    private let users: [String: Secret]
    private let key: [UInt8]
    private var counts: [String: (issued: Double, nc: UInt32)] = [:]
    private var nextNonce: UInt64 = 0

    /// An authenticator for `users` in `realm`; `secret` (32 random bytes by default) signs nonces.
    public init(realm: String, users: [String: Secret], nonceLifetime: Double = 60, secret: [UInt8]? = nil) {
        self.realm = realm
        self.users = users
        self.nonceLifetime = nonceLifetime
        var generator = SystemRandomNumberGenerator()
        key = secret ?? (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Fresh challenges (one per `DigestAlgorithm`, MD5 first), the same whoever asks.
    public mutating func challenges(now: Double, stale: Bool = false) -> [String] {
        let nonce = makeNonce(now: now)
        return DigestAlgorithm.allCases.map {
            "Digest realm=\"\(realm)\", nonce=\"\(nonce)\", algorithm=\($0.rawValue), qop=\"auth\""
                + (stale ? ", stale=true" : "")
        }
    }

    /// Checks the credentials in `header` (nil: none) for a request with `method` at `now`.
    public mutating func verify(header: String?, method: String, now: Double) -> Verdict {
        guard let header, let credentials = DigestCredentials(header: header),
              let algorithm = DigestAlgorithm(rawValue: credentials.algorithm) else {
            return .challenge(challenges(now: now))
        }
        guard credentials.realm == realm else { return .challenge(challenges(now: now)) }
        // Same work for known and unknown users: an unknown user is checked against a decoy.
        let known = users[credentials.username]
        let ha1 = Self.ha1(known ?? .password("\u{0}decoy"), user: credentials.username, realm: realm,
                           algorithm: algorithm) ?? algorithm.hash("\u{0}decoy")
        let ha2 = algorithm.hash("\(method):\(credentials.uri)")
        let expected: String
        if let qop = credentials.qop, let cnonce = credentials.cnonce, let nc = credentials.nonceCount {
            guard qop == "auth" else { return .forbidden }
            expected = algorithm.hash("\(ha1):\(credentials.nonce):\(String(format8: nc)):\(cnonce):\(qop):\(ha2)")
        } else {
            expected = algorithm.hash("\(ha1):\(credentials.nonce):\(ha2)")
        }
        let matches = constantTimeEqual(expected, credentials.response)
        guard let issued = nonceIssueTime(credentials.nonce) else { return .forbidden }
        guard matches, known != nil else { return .forbidden }
        if now - issued > nonceLifetime { return .stale(challenges(now: now, stale: true)) }
        // Replay: each nonce count (or, without qop, the nonce itself) is good once.
        let count = credentials.nonceCount ?? 1
        if let seen = counts[credentials.nonce], count <= seen.nc { return .forbidden }
        counts[credentials.nonce] = (issued, count)
        if counts.count > 50_000 { counts = counts.filter { now - $0.value.issued <= nonceLifetime } }
        return .authenticated(user: credentials.username)
    }

    /// HA1 for `secret`; nil when an `ha1` does not fit the algorithm.
    static func ha1(_ secret: Secret, user: String, realm: String, algorithm: DigestAlgorithm) -> String? {
        switch secret {
        case .password(let password): return algorithm.hash("\(user):\(realm):\(password)")
        case .ha1(let hex): return hex.count == algorithm.hexLength ? hex.lowercased() : nil
        }
    }

    // Nonce: hex(issue time in ms, 12 digits) + hex(counter, 16) + hex(HMAC-SHA256 of both, first 16 bytes).
    private mutating func makeNonce(now: Double) -> String {
        nextNonce &+= 1
        let body = String(UInt64(max(0, now) * 1000), radix: 16).leftPadded(12) + String(nextNonce, radix: 16).leftPadded(16)
        return body + signature(body)
    }

    private func signature(_ body: String) -> String {
        DigestHash.hmacSHA256(Array(body.utf8), key: key).prefix(16).hex
    }

    private func nonceIssueTime(_ nonce: String) -> Double? {
        guard nonce.utf8.count == 60 else { return nil }
        let body = String(nonce.prefix(28))
        guard constantTimeEqual(signature(body), String(nonce.dropFirst(28))),
              let ms = UInt64(body.prefix(12), radix: 16) else { return nil }
        return Double(ms) / 1000
    }
}

extension String {
    init(format8 value: UInt32) {
        self = String(value, radix: 16).leftPadded(8)
    }

    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
