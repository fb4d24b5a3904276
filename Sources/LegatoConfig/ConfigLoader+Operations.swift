extension ConfigLoader {
    /// `cdr:` — `path` (file to append JSON lines to) and `queue_size`.
    static func readCDR(_ section: MappingReader) -> CDRConfig {
        section.checkKeys(["path", "queue_size"])
        var cdr = CDRConfig()
        if let path = section.string("path") {
            if path.utf8.contains(0) || path.hasSuffix("/") {
                section.report("'\(path)' is not a file path", key: "path")
            } else {
                cdr.path = path
            }
        }
        if let size = section.integer("queue_size", in: 1...10_000_000) { cdr.queueSize = size }
        return cdr
    }

    /// `admin:` — `metrics` (`host:port` of the Prometheus endpoint) and `control` (Unix socket path).
    static func readAdmin(_ section: MappingReader) -> AdminConfig {
        section.checkKeys(["metrics", "control"])
        var admin = AdminConfig()
        if let metrics = section.string("metrics") {
            if let (host, port) = hostPort(metrics) {
                admin.metricsHost = host
                admin.metricsPort = port
            } else {
                section.report("'\(metrics)' is not HOST:PORT (an IP address and a port 1-65535, e.g. 127.0.0.1:9090)",
                               key: "metrics")
            }
        }
        if let control = section.string("control") {
            if control.utf8.count > 107 || control.hasSuffix("/") {
                section.report("'\(control)' is not a usable Unix socket path (at most 107 bytes)", key: "control")
            } else {
                admin.control = control
            }
        }
        return admin
    }

    /// `127.0.0.1:9090`, `[::1]:9090` → host and port.
    static func hostPort(_ text: String) -> (String, Int)? {
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
            guard IPAddressLiteral.isIPv6(String(host)) else { return nil }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard IPAddressLiteral.isIPv4(String(host)) else { return nil }
        }
        guard let port = Int(portText), (1...65535).contains(port) else { return nil }
        return (String(host), port)
    }
}
