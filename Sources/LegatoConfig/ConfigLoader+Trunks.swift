extension ConfigLoader {
    /// The `trunks:` section: the trunks that are valid, and every name defined (valid or
    /// not), so routes naming a trunk with errors do not also get "unknown trunk".
    struct TrunkTable {
        var valid: [String: TrunkConfig] = [:]
        var names: [String] = []
    }

    /// `trunks:` — a mapping of trunk name to trunk; may be absent or empty.
    static func readTrunks(_ document: MappingReader) -> TrunkTable {
        var table = TrunkTable()
        guard let section = document.mapping("trunks") else { return table }
        for (name, key, value) in section.pairs {
            table.names.append(name)
            let path = section.keyPath(name)
            guard !name.isEmpty else {
                section.diagnostics.report("trunk names must not be empty", key: path, at: key)
                continue
            }
            guard let reader = MappingReader(value, path: path, diagnostics: section.diagnostics),
                  let trunk = readTrunk(name, reader) else { continue }
            table.valid[name] = trunk
        }
        return table
    }

    /// One trunk: `uri` (required), `transport`, `headers`, `srtp`.
    private static func readTrunk(_ name: String, _ trunk: MappingReader) -> TrunkConfig? {
        trunk.checkKeys(["uri", "transport", "headers", "srtp"])
        var uri = trunk.requiredString("uri", "e.g. sip:127.0.0.1:5080")
        if let text = uri, let problem = SIPSyntax.uriProblem(text) {
            trunk.report(problem, key: "uri")
            uri = nil
        }
        let secure = uri?.lowercased().hasPrefix("sips:") ?? false
        let transport = trunk.choice("transport", of: SIPTransport.allCases)
        if secure, let transport, transport != .tls {
            trunk.report("a sips: URI needs transport tls, found \(transport.rawValue)", key: "transport")
        }
        let headers = trunk.mapping("headers").flatMap(readHeaderPolicy) ?? HeaderPolicy()
        let srtp = trunk.choice("srtp", of: SRTPPolicy.allCases) ?? .off
        guard let uri else { return nil }
        return TrunkConfig(name: name, uri: uri, transport: transport ?? (secure ? .tls : .udp), headers: headers,
                           srtp: srtp)
    }

    /// A `headers:` policy (on a trunk or a bridge route): `allow` and `deny` regex lists.
    static func readHeaderPolicy(_ section: MappingReader) -> HeaderPolicy? {
        section.checkKeys(["allow", "deny"])
        let diagnostics = section.diagnostics
        var policy = HeaderPolicy()
        var valid = true
        for key in ["allow", "deny"] {
            guard let node = section.value(key) else { continue }
            guard let patterns = diagnostics.regexList(node, key: section.keyPath(key)) else {
                valid = false
                continue
            }
            if key == "allow" { policy.allow = patterns } else { policy.deny = patterns }
        }
        return valid ? policy : nil
    }
}
