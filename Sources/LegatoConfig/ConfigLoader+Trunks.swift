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
        trunk.checkKeys(["uri", "transport", "headers", "srtp", "custom_data_header", "sources",
                        "max_calls", "max_cps", "username", "password", "realm", "register",
                        "register_expires", "srtp_over_plaintext"])
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
        let customData = readCustomDataHeader(trunk)
        guard let uri else { return nil }
        var config = TrunkConfig(name: name, uri: uri, transport: transport ?? (secure ? .tls : .udp),
                                 headers: headers, srtp: srtp)
        config.customDataHeader = customData
        config.sources = readCIDRList(trunk, "sources") ?? []
        readCredentials(trunk, into: &config)
        config.srtpOverPlaintext = trunk.bool("srtp_over_plaintext") ?? false
        if srtp != .off, config.transport != .tls, !config.srtpOverPlaintext, let node = trunk.keyNode("srtp") {
            trunk.diagnostics.warn("SDES keys are sent only over TLS: towards this \(config.transport.rawValue) trunk, "
                                   + (srtp == .required ? "relayed calls are refused (488)" : "Legato offers plain RTP")
                                   + "; set srtp_over_plaintext: true to send them anyway",
                                   key: trunk.keyPath("srtp"), at: node)
        }
        if config.srtpOverPlaintext, let node = trunk.keyNode("srtp_over_plaintext") {
            trunk.diagnostics.warn("SDES keys will cross a transport other than TLS to this trunk in clear text "
                                   + "(anyone on the path can decrypt the media)",
                                   key: trunk.keyPath("srtp_over_plaintext"), at: node)
        }
        config.maxCalls = trunk.integer("max_calls", in: 0...10_000_000) ?? 0
        config.maxCPS = trunk.integer("max_cps", in: 0...1_000_000) ?? 0
        return config
    }

    /// `username` / `password` / `realm` (outbound digest) and `register` /
    /// `register_expires`: header-safe strings, given together.
    private static func readCredentials(_ trunk: MappingReader, into config: inout TrunkConfig) {
        config.username = trunk.string("username")
        config.password = trunk.string("password", allowEmpty: true)
        config.realm = trunk.string("realm")
        let values = [("username", config.username), ("password", config.password), ("realm", config.realm)]
        for (key, value) in values {
            if let value, value.contains(where: { $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                trunk.report("must not contain quotes or line breaks", key: key)
            }
        }
        if let password = config.password, password.contains(":") {
            // sofia's credential string is "scheme:realm:user:password" cut at colons.
            trunk.report("must not contain ':' (sofia-sip cannot send such a password)", key: "password")
        }
        if (config.username == nil) != (config.password == nil) {
            trunk.report("username and password go together", key: config.username == nil ? "password" : "username")
        }
        config.register = trunk.bool("register") ?? false
        config.registerExpires = trunk.integer("register_expires", in: 10...86_400) ?? 3600
        if config.register, config.username == nil {
            trunk.report("register: true needs username and password", key: "register")
        }
    }

    /// `custom_data_header:` — an X- header name (on a listener or a trunk).
    static func readCustomDataHeader(_ section: MappingReader) -> String? {
        guard let name = section.string("custom_data_header") else { return nil }
        guard name.lowercased().hasPrefix("x-"), SIPSyntax.isToken(name) else {
            section.report("'\(name)' is not an X- header name", key: "custom_data_header")
            return nil
        }
        return name
    }

    /// A `headers:` policy (on a trunk or a bridge route): `allow` and `deny`
    /// regex lists, and optionally `from_trunk` with its own for the other direction.
    static func readHeaderPolicy(_ section: MappingReader) -> HeaderPolicy? {
        section.checkKeys(["allow", "deny", "from_trunk"])
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
        if let reverse = section.mapping("from_trunk") {
            reverse.checkKeys(["allow", "deny"])
            var rules = HeaderRules()
            for key in ["allow", "deny"] {
                guard let node = reverse.value(key) else { continue }
                guard let patterns = diagnostics.regexList(node, key: reverse.keyPath(key)) else {
                    valid = false
                    continue
                }
                if key == "allow" { rules.allow = patterns } else { rules.deny = patterns }
            }
            policy.fromTrunk = rules
        }
        return valid ? policy : nil
    }
}
