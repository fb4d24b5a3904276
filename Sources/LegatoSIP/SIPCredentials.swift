/// Credentials Legato answers a trunk's 401/407 digest challenge with (once).
public struct SIPCredentials: Sendable, Equatable {
    /// User name.
    public var username: String
    /// Password.
    public var password: String
    /// Realm to answer; nil answers the realm of the challenge.
    public var realm: String?

    /// Credentials with the given fields.
    public init(username: String, password: String, realm: String? = nil) {
        self.username = username
        self.password = password
        self.realm = realm
    }
}
