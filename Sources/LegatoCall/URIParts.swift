/// Small, allocation-light readers for the parts of a SIP URI Legato routes on.
public enum URIParts {
    /// `sip:user@host:port;params` → `user` (nil when there is no user part).
    public static func user(of uri: String) -> String? {
        let rest = afterScheme(uri)
        guard let at = rest.firstIndex(of: "@") else { return nil }
        let userinfo = rest[..<at]
        return String(userinfo.split(separator: ":", maxSplits: 1).first ?? userinfo)
    }

    /// `sip:user@host:port;params` → `host:port` (IPv6 kept in brackets).
    public static func hostPort(of uri: String) -> String? {
        var rest = afterScheme(uri)
        if let at = rest.firstIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        let end = rest.firstIndex { $0 == ";" || $0 == "?" || $0 == ">" } ?? rest.endIndex
        let hp = rest[..<end]
        return hp.isEmpty ? nil : String(hp)
    }

    /// The host of the URI (IPv6 in brackets).
    public static func host(of uri: String) -> String? {
        guard let hp = hostPort(of: uri) else { return nil }
        if hp.hasPrefix("["), let close = hp.firstIndex(of: "]") { return String(hp[...close]) }
        return String(hp.split(separator: ":", maxSplits: 1).first ?? Substring(hp))
    }

    /// The lowercased `transport=` parameter, if any.
    public static func transport(of uri: String) -> String? {
        for param in uri.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0].lowercased() == "transport" { return kv[1].lowercased() }
        }
        return nil
    }

    /// `uri` with its user part set to `user` (removed when `user` is empty).
    public static func replacingUser(in uri: String, with user: String) -> String {
        let scheme = uri.hasPrefix("sips:") ? "sips:" : "sip:"
        var rest = afterScheme(uri)
        if let at = rest.firstIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return user.isEmpty ? scheme + rest : scheme + user + "@" + rest
    }

    /// `uri` with `;transport=` set (or left alone when it already has one).
    public static func withTransport(_ uri: String, _ transport: String) -> String {
        if self.transport(of: uri) != nil || transport == "udp" { return uri }
        return uri + ";transport=" + transport
    }

    private static func afterScheme(_ uri: String) -> Substring {
        var s = Substring(uri)
        if s.hasPrefix("<") { s = s.dropFirst() }
        if let colon = s.firstIndex(of: ":") { return s[s.index(after: colon)...] }
        return s
    }
}
