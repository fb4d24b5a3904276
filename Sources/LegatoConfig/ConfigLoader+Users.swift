import LegatoSecurity

extension ConfigLoader {
    /// `users:` — digest users: name → `password` or `ha1` (exactly one; `ha1` is
    /// hex MD5 (32 digits) or SHA-256 (64) of `name:realm:password`).
    static func readUsers(_ document: MappingReader) -> [String: DigestAuthenticator.Secret] {
        guard let section = document.mapping("users") else { return [:] }
        var users: [String: DigestAuthenticator.Secret] = [:]
        for (name, key, value) in section.pairs {
            let path = section.keyPath(name)
            guard !name.isEmpty, !name.contains(where: { $0 == "\"" || $0 == ":" || $0.isWhitespace }) else {
                section.diagnostics.report("user names must be non-empty, without quotes, colons or spaces",
                                           key: path, at: key)
                continue
            }
            guard let user = MappingReader(value, path: path, diagnostics: section.diagnostics) else { continue }
            user.checkKeys(["password", "ha1"])
            let password = user.string("password")
            let ha1 = user.string("ha1")
            switch (password, ha1) {
            case let (password?, nil):
                users[name] = .password(password)
            case let (nil, ha1?):
                if (ha1.count == 32 || ha1.count == 64), ha1.allSatisfy(\.isHexDigit) {
                    users[name] = .ha1(ha1.lowercased())
                } else {
                    user.report("must be 32 (MD5) or 64 (SHA-256) hex digits", key: "ha1")
                }
            case (nil, nil):
                user.reportMissing("password", "or ha1")
            default:
                user.report("give password or ha1, not both", key: "ha1")
            }
        }
        return users
    }
}
