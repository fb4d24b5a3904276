/// The parameters of an `Authorization` / `Proxy-Authorization` header with
/// the Digest scheme (RFC 7616 §3.4), parsed leniently and safely: unknown
/// parameters are ignored, malformed input gives nil, never a crash.
public struct DigestCredentials: Equatable, Sendable {
    /// `username`.
    public var username: String
    /// `realm`.
    public var realm: String
    /// `nonce`.
    public var nonce: String
    /// `uri` (the digest-uri).
    public var uri: String
    /// `response`, lowercase hex.
    public var response: String
    /// `algorithm` (MD5 when absent), uppercase.
    public var algorithm: String
    /// `cnonce`, with qop.
    public var cnonce: String?
    /// `qop` (`auth`), nil for RFC 2069 style.
    public var qop: String?
    /// `nc` as a number, with qop.
    public var nonceCount: UInt32?
    /// `opaque`.
    public var opaque: String?

    /// Longest header value parsed.
    public static let maxLength = 4_096

    /// Parses a header value such as `Digest username="a", realm="r", …`.
    public init?(header value: String) {
        guard value.utf8.count <= Self.maxLength else { return nil }
        let trimmed = value.drop { $0 == " " || $0 == "\t" }
        guard trimmed.count > 7, trimmed.prefix(6).lowercased() == "digest", trimmed.dropFirst(6).first == " " else {
            return nil
        }
        guard let params = Self.parameters(trimmed.dropFirst(7)) else { return nil }
        guard let username = params["username"], let realm = params["realm"], let nonce = params["nonce"],
              let uri = params["uri"], let response = params["response"] else { return nil }
        self.username = username
        self.realm = realm
        self.nonce = nonce
        self.uri = uri
        self.response = response.lowercased()
        algorithm = (params["algorithm"] ?? "MD5").uppercased()
        cnonce = params["cnonce"]
        qop = params["qop"]?.lowercased()
        opaque = params["opaque"]
        if let nc = params["nc"] {
            guard nc.count == 8, let count = UInt32(nc, radix: 16) else { return nil }
            nonceCount = count
        }
        if qop != nil && (cnonce == nil || nonceCount == nil) { return nil }
    }

    /// `name=value` pairs separated by commas; values are tokens or quoted
    /// strings (with `\` escapes). Names are lowercased. Nil on a syntax error.
    static func parameters(_ text: Substring) -> [String: String]? {
        var result: [String: String] = [:]
        var chars = Array(text)
        chars.append(",")
        var index = 0
        func skipSpace() { while index < chars.count, chars[index] == " " || chars[index] == "\t" { index += 1 } }
        while index < chars.count {
            skipSpace()
            if index < chars.count, chars[index] == "," { index += 1; continue }
            guard index < chars.count else { break }
            var name = ""
            while index < chars.count, chars[index] != "=", chars[index] != ",", chars[index] != " " {
                name.append(chars[index]); index += 1
            }
            skipSpace()
            guard index < chars.count, chars[index] == "=", !name.isEmpty else { return nil }
            index += 1
            skipSpace()
            var value = ""
            if index < chars.count, chars[index] == "\"" {
                index += 1
                var closed = false
                while index < chars.count {
                    let c = chars[index]
                    if c == "\\" && index + 1 < chars.count { value.append(chars[index + 1]); index += 2; continue }
                    if c == "\"" { closed = true; index += 1; break }
                    value.append(c); index += 1
                }
                guard closed else { return nil }
            } else {
                while index < chars.count, chars[index] != ",", chars[index] != " ", chars[index] != "\t" {
                    value.append(chars[index]); index += 1
                }
            }
            skipSpace()
            guard index < chars.count, chars[index] == "," else { return nil }
            guard !value.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 }) else { return nil }
            result[name.lowercased()] = value
        }
        return result
    }
}
