import LegatoSecurity

extension ConfigLoader {
    /// `security:` — `scanner_user_agents`, `scanner_action`, `rate_limit` (`per_source_cps`,
    /// `block_seconds`) and `trusted`.
    static func readSecurity(_ section: MappingReader) -> SecurityConfig {
        section.checkKeys(["scanner_user_agents", "scanner_action", "rate_limit", "trusted", "realm",
                           "max_message_bytes", "max_body_bytes"])
        var security = SecurityConfig()
        if let node = section.value("scanner_user_agents") {
            if node.isNull {
                security.scannerUserAgents = []
            } else if let patterns = section.diagnostics.regexList(node, key: section.keyPath("scanner_user_agents")) {
                security.scannerUserAgents = patterns
            }
        }
        if let action = section.choice("scanner_action", of: AdmissionPolicy.ScannerAction.allCases) {
            security.scannerAction = action
        }
        if let limit = section.mapping("rate_limit") {
            limit.checkKeys(["per_source_cps", "block_seconds"])
            if let cps = limit.integer("per_source_cps", in: 0...1_000_000) { security.perSourceCPS = cps }
            if let block = limit.number("block_seconds", minimum: 0, inclusive: true) { security.blockSeconds = block }
        }
        if let trusted = readCIDRList(section, "trusted") { security.trusted = trusted }
        // Below 1500 bytes ordinary INVITEs would be lost; 65535 is the largest datagram.
        if let size = section.integer("max_message_bytes", in: 1_500...65_535) { security.maxMessageBytes = size }
        if let size = section.integer("max_body_bytes", in: 0...65_535) { security.maxBodyBytes = size }
        if let realm = section.string("realm") {
            if realm.contains("\"") || SIPSyntax.headerValueProblem(realm) != nil {
                section.report("must be a header-safe string without quotes", key: "realm")
            } else {
                security.realm = realm
            }
        }
        return security
    }

    /// A sequence of CIDR blocks (`10.0.0.0/8`, `2001:db8::/32`, or a bare address)
    /// under `key`; nil when absent or when any element is invalid (each reported).
    static func readCIDRList(_ section: MappingReader, _ key: String) -> [CIDR]? {
        guard let node = section.value(key) else { return nil }
        let diagnostics = section.diagnostics
        if node.isNull { return [] }
        guard let items = diagnostics.sequence(node, key: section.keyPath(key)) else { return nil }
        var blocks: [CIDR] = []
        var valid = true
        for (index, item) in items.enumerated() {
            let path = section.keyPath(key).appendingIndex(index)
            guard let text = diagnostics.string(item, key: path) else { valid = false; continue }
            guard let block = CIDR(text) else {
                diagnostics.report("'\(text)' is not an address or CIDR block (e.g. 192.0.2.0/24, 2001:db8::/32)",
                                   key: path, at: item)
                valid = false
                continue
            }
            blocks.append(block)
        }
        return valid ? blocks : nil
    }
}
