/// Syntax checks for SIP-related strings in the configuration. Each returns nil when the
/// text is acceptable, or a message saying what is wrong.
enum SIPSyntax {
    /// Checks a trunk URI: `sip:` or `sips:`, optional `user@`, a host (name, IPv4, or
    /// bracketed IPv6), optional `:port` (1–65535), then optional `;params` / `?headers`.
    static func uriProblem(_ uri: String) -> String? {
        let lower = uri.lowercased()
        guard lower.hasPrefix("sip:") || lower.hasPrefix("sips:") else {
            return "'\(uri)' is not a SIP URI: it must start with sip: or sips:"
        }
        if let bad = uri.unicodeScalars.first(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return "'\(uri)' must not contain \(bad.value == 0x20 ? "spaces" : "whitespace or control characters")"
        }
        var rest = Substring(uri.drop(while: { $0 != ":" }).dropFirst())
        if let at = rest.firstIndex(of: "@") {
            rest = rest[rest.index(after: at)...]
        }
        let hostPort = rest.prefix { $0 != ";" && $0 != "?" }
        guard !hostPort.isEmpty else { return "'\(uri)' has no host" }

        let host: Substring
        let port: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return "'\(uri)' has an unclosed '['" }
            let inside = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            guard IPAddressLiteral.isIPv6(String(inside)) else {
                return "'\(uri)': '\(inside)' is not an IPv6 address"
            }
            let after = hostPort[hostPort.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { return "'\(uri)' has text after ']'" }
            host = hostPort[...close]
            port = after.isEmpty ? nil : after.dropFirst()
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            port = hostPort[hostPort.index(after: colon)...]
        } else {
            host = hostPort
            port = nil
        }
        guard !host.isEmpty else { return "'\(uri)' has no host" }
        if !host.hasPrefix("["), !isHostName(host), !IPAddressLiteral.isIPv4(String(host)) {
            return "'\(uri)': '\(host)' is not a valid host name or IPv4 address (IPv6 needs brackets)"
        }
        if let port {
            guard port.allSatisfy(\.isASCII), port.allSatisfy(\.isNumber), let value = Int(port), (1...65535).contains(value) else {
                return "'\(uri)': port '\(port)' is not between 1 and 65535"
            }
        }
        return nil
    }

    /// RFC 3261 `hostname`: dot-separated labels of letters, digits and inner hyphens,
    /// the last starting with a letter; an optional trailing dot.
    static func isHostName<S: StringProtocol>(_ host: S) -> Bool {
        var labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count > 1, labels.last?.isEmpty == true { labels.removeLast() }
        guard let last = labels.last, last.first?.isLetter == true else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// RFC 3261 `token`, as used for header names.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || "-.!%*_+`'~".unicodeScalars.contains(scalar))
        }
    }

    /// Text that goes into a header value (User-Agent, reason phrase): no CR, LF or other
    /// control characters (tab is allowed).
    static func headerValueProblem(_ text: String) -> String? {
        guard let bad = text.unicodeScalars.first(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) else {
            return nil
        }
        switch bad {
        case "\r": return "must not contain a carriage return (CR)"
        case "\n": return "must not contain a line break (LF)"
        default: return "must not contain control characters"
        }
    }

    /// Checks a bridge `user` template: literal text plus `${user}` and `$1`…`$9`.
    /// Returns the highest capture group referenced (0 if none), or a problem.
    static func userTemplate(_ template: String) -> Result<Int, TemplateProblem> {
        if let bad = template.unicodeScalars.first(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F || $0 == "@" }) {
            return .failure(TemplateProblem(message: bad == "@"
                ? "must not contain '@' (it is only the user part; the host comes from the trunk)"
                : "must not contain whitespace or control characters"))
        }
        var highestGroup = 0
        var rest = Substring(template)
        while let dollar = rest.firstIndex(of: "$") {
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("{user}") {
                rest = after.dropFirst("{user}".count)
            } else if let digit = after.first, let group = digit.wholeNumberValue, digit.isASCII, group >= 1 {
                highestGroup = max(highestGroup, group)
                rest = after.dropFirst()
            } else {
                let shown = after.hasPrefix("{") ? String(after.prefix { $0 != "}" }) + "}" : String(after.prefix(1))
                return .failure(TemplateProblem(message: "unknown substitution '$\(shown)' in '\(template)' (use ${user} or $1…$9)"))
            }
        }
        return .success(highestGroup)
    }

    /// Why a user template is invalid.
    struct TemplateProblem: Error {
        var message: String
    }
}
