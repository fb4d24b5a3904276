import LegatoConfig
import LegatoSIP

/// The conf's ordered routes, compiled: finds the first route that matches a call.
public struct RouteTable: @unchecked Sendable {
    /// A route that matched, with what its templates need.
    public struct Match: Equatable {
        /// The route that matched.
        public let route: RouteConfig
        /// Capture groups of `ruri_user` (index 0 = whole match).
        public let captures: [String]
    }

    struct Compiled {
        let route: RouteConfig
        let requestUser: Regex<AnyRegexOutput>?
        let fromUser: Regex<AnyRegexOutput>?
        let headers: [(name: String, pattern: Regex<AnyRegexOutput>)]
    }

    private let routes: [Compiled]

    /// Compiles every route's patterns.
    public init(_ routes: [RouteConfig]) throws {
        self.routes = try routes.map { route in
            Compiled(route: route,
                     requestUser: try route.match.requestUser.map { try Regex($0) },
                     fromUser: try route.match.fromUser.map { try Regex($0) },
                     headers: try route.match.headers.sorted { $0.key < $1.key }
                        .map { (name: $0.key, pattern: try Regex($0.value)) })
        }
    }

    /// The first route whose conditions all hold, or nil; with `after`, the
    /// first one listed after the route of that name (`fallback: next`).
    public func match(requestUser: String, fromUser: String, headers: [SIPHeader], after: String? = nil) -> Match? {
        var candidates = routes[...]
        if let after, let index = routes.firstIndex(where: { $0.route.name == after }) {
            candidates = routes[(index + 1)...]
        }
        for compiled in candidates {
            var captures: [String] = [requestUser]
            if let pattern = compiled.requestUser {
                guard let m = requestUser.firstMatch(of: pattern) else { continue }
                captures = (0..<m.output.count).map { m.output[$0].substring.map(String.init) ?? "" }
            }
            if let pattern = compiled.fromUser, fromUser.firstMatch(of: pattern) == nil { continue }
            let headersMatch = compiled.headers.allSatisfy { condition in
                guard let value = headers.first(named: condition.name) else { return false }
                return value.firstMatch(of: condition.pattern) != nil
            }
            if !headersMatch { continue }
            return Match(route: compiled.route, captures: captures)
        }
        return nil
    }

    /// Expands a user template: `${user}` is the dialed user, `$1`…`$9` the
    /// captures (empty when absent). One pass over the template's bytes: this
    /// runs for every bridged call, and a template without `$` is returned as is.
    public static func expand(_ template: String, user: String, captures: [String]) -> String {
        let dollar = UInt8(ascii: "$")
        guard template.utf8.contains(dollar) else { return template }
        let bytes = Array(template.utf8)
        let userMarker = Array("${user}".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + user.utf8.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == dollar, i + 1 < bytes.count {
                let next = bytes[i + 1]
                if next >= UInt8(ascii: "1"), next <= UInt8(ascii: "9") {
                    let index = Int(next - UInt8(ascii: "0"))
                    if index < captures.count { out.append(contentsOf: captures[index].utf8) }
                    i += 2
                    continue
                }
                if bytes[i...].starts(with: userMarker) {
                    out.append(contentsOf: user.utf8)
                    i += userMarker.count
                    continue
                }
            }
            out.append(byte)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
