/// Legato's ICE credentials on one relay leg (RFC 8445 §5.3): what it
/// advertises as `a=ice-ufrag` / `a=ice-pwd` when it acts as an ICE-lite
/// agent towards that leg's remote. Random per leg, from the ICE character
/// set (RFC 8839 §5.4: ALPHA / DIGIT / "+" / "/").
public struct ICECredentials: Sendable, Hashable {
    /// The `a=ice-ufrag` value.
    public var ufrag: String
    /// The `a=ice-pwd` value (the short-term key of STUN MESSAGE-INTEGRITY).
    public var pwd: String

    /// Credentials as given (no check of length or character set).
    public init(ufrag: String, pwd: String) {
        self.ufrag = ufrag
        self.pwd = pwd
    }

    static let characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    /// RFC 8839 asks for at least 4 (ufrag) and 22 (pwd) characters, 24 and
    /// 128 bits of randomness; these give 48 and 144 bits.
    static let ufragLength = 8
    static let pwdLength = 24

    /// Fresh credentials from the system CSPRNG (`getrandom(2)` on Linux).
    public static func random() -> ICECredentials {
        var generator = SystemRandomNumberGenerator()
        func text(_ count: Int) -> String {
            String((0..<count).map { _ in characters[Int.random(in: 0..<characters.count, using: &generator)] })
        }
        return ICECredentials(ufrag: text(ufragLength), pwd: text(pwdLength))
    }
}
