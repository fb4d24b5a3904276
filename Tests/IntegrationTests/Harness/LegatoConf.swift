/// A Legato configuration written for one test (YAML, as in conf/legato.conf).
struct LegatoConf {
    struct Trunk {
        var name: String
        var uri: String
        var transport: String = "udp"
        var allow: [String] = ["^X-"]
        var deny: [String] = []
        /// `srtp:` of the trunk (required/optional/off); nil keeps the default.
        var srtp: String? = nil
        /// `srtp_over_plaintext:`, written with an `srtp` other than off (the
        /// tests' trunks are UDP; false checks that keys stay off the wire).
        var srtpOverPlaintext = true
        /// `headers.from_trunk.deny` (nil: no `from_trunk` section).
        var fromTrunkDeny: [String]? = nil
        /// `custom_data_header:` of the trunk.
        var customDataHeader: String? = nil
    }

    enum Action {
        case bridge(trunk: String, user: String = "${user}")
        case reject(code: Int, reason: String?)
        case echo
        /// Any other action, as YAML lines at route level (e.g. `action: play`, `file: …`).
        case lines([String])
    }

    struct Route {
        var name: String
        var ruriUser: String?
        var fromUser: String?
        var headers: [String: String] = [:]
        var action: Action
        /// `blind_transfer: true` on a bridge route.
        var blindTransfer = false
        /// `transfer_targets:` written with `blind_transfer` (default: any target).
        var transferTargets = [".*"]
        /// `handle_tones: true` on a bridge route.
        var handleTones = false
        /// `digits_after_answer:` on a bridge route.
        var digitsAfterAnswer: String? = nil
        /// `direct_after_answer: true` on a (relay-mode) bridge route.
        var directAfterAnswer = false
        /// More route-level YAML lines (e.g. `record: true`, `ringback: US`).
        var extra: [String] = []
    }

    var address = "127.0.0.1"
    var port: Int
    var transports = ["udp", "tcp"]
    /// `srtp:` of the listener (required/optional/off); nil keeps the default.
    var listenerSRTP: String? = nil
    /// `custom_data_header:` of the listener.
    var listenerCustomDataHeader: String? = nil
    var noAnswerTimeout: Double = 15
    var shutdownGrace: Double = 5
    /// `signalling.early_media_timeout`; nil keeps the daemon's default (60 s).
    var earlyMediaTimeout: Double? = nil
    /// `signalling.session_timer` (RFC 4028 interval, s); nil keeps the daemon's default (1800 s).
    var sessionTimer: Int? = nil
    /// `signalling.overload_lag_ms`: 0 turns overload shedding off, nil keeps
    /// the daemon's default. Off by default here: the tests check call
    /// handling, and on a shared two-core machine a parallel build alone can
    /// make the debug daemon's loop lag past the threshold and shed a call.
    var overloadLagMilliseconds: Int? = 0
    /// `media:` lines after `mode: direct` is replaced (e.g. relay settings), as YAML.
    var mediaSection: [String]? = nil
    /// More listeners, as YAML list items (each starting with "  - address: …").
    var extraListeners: [String] = []
    var trunks: [Trunk] = []
    var routes: [Route] = []
    /// `cdr.path`; nil writes no CDRs.
    var cdrPath: String? = nil
    /// `admin.metrics` (host:port); nil: no metrics endpoint.
    var metrics: String? = nil
    /// `admin.control`; `LegatoProcess.start` sets a socket per test when nil.
    var controlSocket: String? = nil
    /// Lines added to the first listener (e.g. `    allow_from: [...]`).
    var listenerExtra: [String] = []
    /// Lines under `signalling:` added as given (e.g. `  udp_buffer: 1048576`).
    var signallingExtra: [String] = []
    /// Top-level sections appended as given (e.g. a `security:` section).
    var extraSections: [String] = []
    /// Lines added to each named trunk (e.g. `"local": ["    sources: [127.0.0.3/32]"]`).
    var trunkExtra: [String: [String]] = [:]
    /// Lines added to each named route (e.g. `"to-local": ["    deny: [\"^900\"]"]`).
    var routeExtra: [String: [String]] = [:]
    /// A conf written as given (a shipped example with its ports moved), plus
    /// the control socket; the fields above are then ignored, but `port`.
    var verbatim: String? = nil

    /// The conf of the brief: 127.0.0.1:`ports.legato` (UDP+TCP); `666` is
    /// rejected 403 "Forbidden Here"; numeric users are bridged to the trunk
    /// `local` (the callee at `ports.uas`), copying X- headers except X-Secret*.
    static func standard(_ ports: PortBlock, calleeTransport: String = "udp") -> LegatoConf {
        LegatoConf(
            port: ports.legato,
            trunks: [Trunk(name: "local", uri: "sip:127.0.0.1:\(ports.uas)", transport: calleeTransport,
                           allow: ["^X-"], deny: ["^X-Secret"])],
            routes: [
                Route(name: "rejected", ruriUser: "^666$", action: .reject(code: 403, reason: "Forbidden Here")),
                Route(name: "to-local", ruriUser: "^[0-9]+$", action: .bridge(trunk: "local")),
            ])
    }

    /// Blind transfers are dialled through the routing table: a trunk
    /// `transfer-target` at 127.0.0.1:`port` and, first, a route that sends
    /// `user` there (the Refer-To `sip:user@127.0.0.1:port` then reaches it).
    mutating func routeTransferTarget(user: String, port: Int) {
        trunks.append(Trunk(name: "transfer-target", uri: "sip:127.0.0.1:\(port)"))
        routes.insert(Route(name: "transfer-target", ruriUser: "^\(user)$", action: .bridge(trunk: "transfer-target")),
                      at: 0)
    }

    var yaml: String {
        if let verbatim {
            return verbatim + (controlSocket.map { "\nadmin:\n  control: \(Self.quoted($0))\n" } ?? "")
        }
        var lines = [
            "# generated by the Legato integration tests",
            "listeners:",
            "  - address: \(address)",
            "    port: \(port)",
            "    transports: [\(transports.joined(separator: ", "))]",
        ] + (listenerSRTP.map { ["    srtp: \($0)"] } ?? [])
            + (listenerCustomDataHeader.map { ["    custom_data_header: \($0)"] } ?? []) + listenerExtra + extraListeners + [
            "signalling:",
            "  no_answer_timeout: \(Self.number(noAnswerTimeout))",
            "  shutdown_grace: \(Self.number(shutdownGrace))",
        ]
        if let overloadLagMilliseconds { lines.append("  overload_lag_ms: \(overloadLagMilliseconds)") }
        lines += signallingExtra
        if let earlyMediaTimeout { lines.append("  early_media_timeout: \(Self.number(earlyMediaTimeout))") }
        if let sessionTimer { lines.append("  session_timer: \(sessionTimer)") }
        lines += [
            "media:",
        ] + (mediaSection ?? ["  mode: direct"]) + [
            "trunks:",
        ]
        for trunk in trunks {
            lines += [
                "  \(trunk.name):",
                "    uri: \(Self.quoted(trunk.uri))",
                "    transport: \(trunk.transport)",
            ] + (trunkExtra[trunk.name] ?? []) + (trunk.srtp.map { ["    srtp: \($0)"] } ?? [])
              + (trunk.srtp.map { $0 == "off" ? [] : ["    srtp_over_plaintext: \(trunk.srtpOverPlaintext)"] } ?? [])
              + (trunk.customDataHeader.map { ["    custom_data_header: \($0)"] } ?? []) + [
                "    headers:",
                "      allow: [\(trunk.allow.map(Self.quoted).joined(separator: ", "))]",
                "      deny: [\(trunk.deny.map(Self.quoted).joined(separator: ", "))]",
            ] + (trunk.fromTrunkDeny.map {
                ["      from_trunk:", "        deny: [\($0.map(Self.quoted).joined(separator: ", "))]"]
            } ?? [])
        }
        lines.append("routes:")
        for route in routes {
            lines.append("  - name: \(route.name)")
            lines.append("    match:")
            if let ruriUser = route.ruriUser { lines.append("      ruri_user: \(Self.quoted(ruriUser))") }
            if let fromUser = route.fromUser { lines.append("      from_user: \(Self.quoted(fromUser))") }
            if !route.headers.isEmpty {
                lines.append("      headers:")
                for (name, pattern) in route.headers.sorted(by: { $0.key < $1.key }) {
                    lines.append("        \(name): \(Self.quoted(pattern))")
                }
            }
            lines += routeExtra[route.name] ?? []
            switch route.action {
            case let .bridge(trunk, user):
                lines += ["    action: bridge", "    trunk: \(trunk)", "    user: \(Self.quoted(user))"]
                if route.blindTransfer {
                    lines.append("    blind_transfer: true")
                    lines.append("    transfer_targets: [\(route.transferTargets.map(Self.quoted).joined(separator: ", "))]")
                }
                if route.handleTones { lines.append("    handle_tones: true") }
                if let digits = route.digitsAfterAnswer { lines.append("    digits_after_answer: \(Self.quoted(digits))") }
                if route.directAfterAnswer { lines.append("    direct_after_answer: true") }
            case let .reject(code, reason):
                lines += ["    action: reject", "    code: \(code)"]
                if let reason { lines.append("    reason: \(Self.quoted(reason))") }
            case .echo:
                lines.append("    action: echo")
            case .lines(let yaml):
                lines += yaml.map { "    " + $0 }
            }
            lines += route.extra.map { "    " + $0 }
        }
        if let cdrPath { lines += ["cdr:", "  path: \(Self.quoted(cdrPath))"] }
        if metrics != nil || controlSocket != nil {
            lines.append("admin:")
            if let metrics { lines.append("  metrics: \(Self.quoted(metrics))") }
            if let controlSocket { lines.append("  control: \(Self.quoted(controlSocket))") }
        }
        return (lines + extraSections).joined(separator: "\n") + "\n"
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// A YAML double-quoted scalar.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
