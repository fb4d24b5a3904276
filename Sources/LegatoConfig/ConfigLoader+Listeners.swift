extension ConfigLoader {
    /// `listeners:` — a non-empty sequence of listeners; no two may bind the same socket.
    static func readListeners(_ document: MappingReader) -> [ListenerConfig] {
        let diagnostics = document.diagnostics
        guard let node = document.value("listeners") else {
            document.reportMissing("listeners", "at least one listener with an address")
            return []
        }
        guard let items = node.isNull ? [] : diagnostics.sequence(node, key: "listeners") else { return [] }
        if items.isEmpty {
            diagnostics.report("must list at least one listener", key: "listeners", at: node)
        }
        var listeners: [ListenerConfig] = []
        var sockets = SocketTable()
        for (index, item) in items.enumerated() {
            guard let reader = MappingReader(item, path: "listeners".appendingIndex(index), diagnostics: diagnostics),
                  let listener = readListener(reader) else { continue }
            sockets.add(listener, index: index, from: reader)
            listeners.append(listener)
        }
        return listeners
    }

    /// One listener: `address` (required), `port`, `transports`, `srtp`, and the TLS keys.
    private static func readListener(_ listener: MappingReader) -> ListenerConfig? {
        let tlsKeys = ["tls_certificate", "tls_key", "tls_port"]
        listener.checkKeys(["address", "port", "transports", "srtp", "custom_data_header", "allow_from", "deny_from"]
                           + tlsKeys)

        var address = listener.requiredString("address", "a literal IPv4 or IPv6 address")
        if let text = address, IPAddressLiteral.bytes(text) == nil {
            listener.report("'\(text)' is not a literal IPv4 or IPv6 address" + addressHint(text), key: "address")
            address = nil
        }
        let transports = readTransports(listener) ?? [.udp, .tcp]
        let tls = transports.contains(.tls)
        let tlsOnly = transports == [.tls]

        var certificate: String?, key: String?
        if tls {
            certificate = listener.requiredString("tls_certificate", "needed because transports lists tls")
            key = listener.requiredString("tls_key", "needed because transports lists tls")
        } else {
            for name in tlsKeys {
                guard let keyNode = listener.keyNode(name) else { continue }
                listener.diagnostics.report("only used when transports lists tls", key: listener.keyPath(name),
                                            at: keyNode)
            }
        }
        let tlsPort = listener.integer("tls_port", in: 1...65535) ?? 5061
        if tlsOnly, let portKey = listener.keyNode("port") {
            listener.diagnostics.report("a listener with only tls listens on tls_port; port would be ignored",
                                        key: listener.keyPath("port"), at: portKey)
        }
        let port = listener.integer("port", in: 1...65535) ?? (tlsOnly ? tlsPort : 5060)
        let srtp = listener.choice("srtp", of: SRTPPolicy.allCases) ?? .optional
        let customData = readCustomDataHeader(listener)
        guard let address else { return nil }
        var config = ListenerConfig(address: address, port: port, transports: transports,
                                    tlsCertificate: certificate, tlsKey: key, tlsPort: tlsPort, srtp: srtp)
        config.customDataHeader = customData
        config.allowFrom = readCIDRList(listener, "allow_from") ?? []
        config.denyFrom = readCIDRList(listener, "deny_from") ?? []
        return config
    }

    /// `transports:` — a non-empty sequence of udp/tcp/tls without repeats; nil if absent or invalid.
    private static func readTransports(_ listener: MappingReader) -> [SIPTransport]? {
        guard let node = listener.value("transports") else { return nil }
        let path = listener.keyPath("transports")
        let diagnostics = listener.diagnostics
        guard let items = diagnostics.sequence(node, key: path) else { return nil }
        guard !items.isEmpty else {
            diagnostics.report("must list at least one of udp, tcp, tls", key: path, at: node)
            return nil
        }
        var transports: [SIPTransport] = []
        for (index, item) in items.enumerated() {
            guard let transport = diagnostics.choice(item, key: path.appendingIndex(index), of: SIPTransport.allCases) else {
                continue
            }
            if transports.contains(transport) {
                diagnostics.report("'\(transport.rawValue)' is listed twice", key: path.appendingIndex(index), at: item)
            } else {
                transports.append(transport)
            }
        }
        return transports
    }

    /// Why an address that is not an IP literal might have been written that way.
    private static func addressHint(_ text: String) -> String {
        if text.hasPrefix("[") { return " (write IPv6 addresses without brackets, e.g. ::1)" }
        if text.contains("%") { return " (zone indices are not supported)" }
        if SIPSyntax.isHostName(text) { return " (host names are not accepted here)" }
        return ""
    }
}

/// The sockets bound so far, to report two listeners (or a listener's tcp and tls) that
/// would bind the same address, protocol and port.
private struct SocketTable {
    private var bound: [Socket: String] = [:]

    private struct Socket: Hashable {
        var address: [UInt8]
        var overTCP: Bool
        var port: Int
    }

    /// Records the sockets of `listener` (read from `reader`, the `index`th listener),
    /// reporting each that is already taken.
    mutating func add(_ listener: ListenerConfig, index: Int, from reader: MappingReader) {
        guard let address = IPAddressLiteral.bytes(listener.address) else { return }
        for transport in listener.transports {
            let key = transport == .tls ? "tls_port" : "port"
            let port = transport == .tls ? listener.tlsPort : listener.port
            let socket = Socket(address: address, overTCP: transport != .udp, port: port)
            let owner = "\(transport.rawValue) in " + reader.path
            if let other = bound[socket] {
                let host = listener.isIPv6 ? "[\(listener.address)]" : listener.address
                let message = "\(host):\(port) over \(socket.overTCP ? "TCP" : "UDP") is already used by \(other)"
                reader.report(message, key: key)
            } else {
                bound[socket] = owner
            }
        }
    }
}
