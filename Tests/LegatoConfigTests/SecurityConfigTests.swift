import Testing
import LegatoConfig
import LegatoSecurity
import Foundation

@Suite("Security configuration")
struct SecurityConfigTests {
    @Test("ACLs, trunk sources, the security section and udp_buffer are read")
    func read() throws {
        let config = try ConfigLoader.parse("""
            listeners:
              - address: 0.0.0.0
                allow_from: [192.0.2.0/24, "2001:db8::/32"]
                deny_from: [192.0.2.66]
            signalling:
              udp_buffer: 4194304
            security:
              scanner_user_agents: ["^evil", "sipvicious"]
              scanner_action: "403"
              rate_limit:
                per_source_cps: 20
                block_seconds: 120
              trusted: [10.0.0.0/8]
            trunks:
              carrier:
                uri: sip:198.51.100.7:5060
                sources: [198.51.100.0/28]
            routes:
              - action: bridge
                trunk: carrier
            """, path: "test.conf")
        #expect(config.listeners[0].allowFrom == [CIDR("192.0.2.0/24")!, CIDR("2001:db8::/32")!])
        #expect(config.listeners[0].denyFrom == [CIDR("192.0.2.66")!])
        #expect(config.signalling.udpBuffer == 4_194_304)
        #expect(config.security.scannerUserAgents == ["^evil", "sipvicious"])
        #expect(config.security.scannerAction == .forbid)
        #expect(config.security.perSourceCPS == 20)
        #expect(config.security.blockSeconds == 120)
        #expect(config.security.trusted == [CIDR("10.0.0.0/8")!])
        #expect(config.trunks["carrier"]?.sources == [CIDR("198.51.100.0/28")!])
    }

    @Test("users (password or ha1), realm and trunk caps are read; bad ones are located")
    func usersAndCaps() throws {
        let config = try ConfigLoader.parse("""
            listeners:
              - address: 127.0.0.1
            security:
              realm: example.net
            users:
              alice:
                password: wonderland
              bob:
                ha1: 0123456789ABCDEF0123456789abcdef
            trunks:
              carrier:
                uri: sip:198.51.100.7:5060
                max_calls: 30
                max_cps: 5
            routes:
              - action: bridge
                trunk: carrier
            """, path: "test.conf")
        #expect(config.security.realm == "example.net")
        #expect(config.users == ["alice": .password("wonderland"), "bob": .ha1("0123456789abcdef0123456789abcdef")])
        #expect(config.trunks["carrier"]?.maxCalls == 30)
        #expect(config.trunks["carrier"]?.maxCPS == 5)
        let bad = errors("""
            listeners:
              - address: 127.0.0.1
            users:
              alice:
                ha1: nothex
              bob:
                password: a
                ha1: 0123456789abcdef0123456789abcdef
              carol: {}
            trunks:
              t:
                uri: sip:127.0.0.1:5080
                max_calls: -1
            routes:
              - action: reject
                code: 403
            """)
        #expect(Set(bad.map(\.key)) == ["users.alice.ha1", "users.bob.ha1", "users.carol.password", "trunks.t.max_calls"],
                "\(bad.map(\.description))")
    }

    @Test("transfer_targets are read; blind_transfer without them loads with a file:line warning")
    func transferTargets() throws {
        func conf(_ extra: String) -> String {
            """
            listeners:
              - address: 127.0.0.1
            trunks:
              t:
                uri: sip:127.0.0.1:5080
            routes:
              - action: bridge
                trunk: t
                blind_transfer: true
            \(extra)
            """
        }
        let allowed = try ConfigLoader.parse(conf("    transfer_targets: [\"^sip:c@127\\\\.0\\\\.0\\\\.1:5090$\"]"), path: "t.conf")
        guard case .bridge(let bridge) = allowed.routes[0].action else { Issue.record("not a bridge"); return }
        #expect(bridge.transferTargets == ["^sip:c@127\\.0\\.0\\.1:5090$"])
        #expect(allowed.warnings.isEmpty)
        let none = try ConfigLoader.parse(conf(""), path: "t.conf")
        #expect(none.warnings.map(\.key) == ["routes[0].blind_transfer"])
        #expect(none.warnings.first?.line == 9)
        let secure = try ConfigLoader.load(path: packageRoot + "/conf/examples/secure.conf")
        guard case .bridge(let office) = secure.routes[0].action else { Issue.record("not a bridge"); return }
        #expect(office.deny.count == 3)
        #expect(secure.warnings.isEmpty)
        let transferConf = try ConfigLoader.load(path: packageRoot + "/conf/examples/transfer.conf")
        #expect(transferConf.warnings.isEmpty)
    }

    @Test("overload_queue_bytes is read; 0 is off; above udp_buffer it loads with a file:line warning (capped)")
    func overloadQueueBytes() throws {
        func conf(_ lines: String) -> String {
            "listeners:\n  - address: 127.0.0.1\nsignalling:\n\(lines)routes:\n  - action: reject\n    code: 403\n"
        }
        let set = try ConfigLoader.parse(conf("  overload_queue_bytes: 65536\n"), path: "t.conf")
        #expect(set.signalling.overloadQueueBytes == 65_536)
        #expect(set.warnings.isEmpty)
        let off = try ConfigLoader.parse(conf("  overload_queue_bytes: 0\n"), path: "t.conf")
        #expect(off.signalling.overloadQueueBytes == 0)
        let capped = try ConfigLoader.parse(conf("  udp_buffer: 1048576\n  overload_queue_bytes: 2097152\n"), path: "t.conf")
        #expect(capped.signalling.overloadQueueBytes == 2_097_152)
        #expect(capped.warnings.map(\.key) == ["signalling.overload_queue_bytes"])
        #expect(capped.warnings.first?.line == 5)
        let secure = try ConfigLoader.load(path: packageRoot + "/conf/examples/secure.conf")
        #expect(secure.signalling.overloadQueueBytes == 4_194_304)
        let shipped = try ConfigLoader.load(path: packageRoot + "/conf/legato.conf")
        #expect(shipped.signalling.overloadQueueBytes == 4_194_304)
        #expect(!shipped.warnings.contains { $0.key == "signalling.overload_queue_bytes" })
    }

    @Test("Defaults: 8 MiB buffers, built-in scanner list dropped, no rate limit")
    func defaults() throws {
        let config = try ConfigLoader.parse("""
            listeners:
              - address: 127.0.0.1
            routes:
              - action: reject
                code: 403
            """, path: "test.conf")
        #expect(config.signalling.udpBuffer == 8_388_608)
        #expect(config.signalling.overloadQueueBytes == 4_194_304)
        #expect(config.security.scannerUserAgents == ScannerMatcher.defaultPatterns)
        #expect(config.security.scannerAction == .drop)
        #expect(config.security.perSourceCPS == 0)
    }

    @Test("Bad CIDRs, actions and limits are reported at their file:line:key", arguments: [
        ("listeners:\n  - address: 127.0.0.1\n    allow_from: [10.0.0.1/8]\n", "listeners[0].allow_from[0]", 3),
        ("listeners:\n  - address: 127.0.0.1\n    deny_from: [\"2001:db8::/200\"]\n", "listeners[0].deny_from[0]", 3),
        ("listeners:\n  - address: 127.0.0.1\nsecurity:\n  trusted: [nonsense]\n", "security.trusted[0]", 4),
        ("listeners:\n  - address: 127.0.0.1\nsecurity:\n  scanner_action: reject\n", "security.scanner_action", 4),
        ("listeners:\n  - address: 127.0.0.1\nsecurity:\n  scanner_user_agents: [\"(\"]\n",
         "security.scanner_user_agents[0]", 4),
        ("listeners:\n  - address: 127.0.0.1\nsecurity:\n  rate_limit:\n    per_source_cps: -1\n",
         "security.rate_limit.per_source_cps", 5),
        ("listeners:\n  - address: 127.0.0.1\nsecurity:\n  rate_limit:\n    block_secs: 3\n",
         "security.rate_limit.block_secs", 5),
        ("listeners:\n  - address: 127.0.0.1\nsignalling:\n  udp_buffer: lots\n", "signalling.udp_buffer", 4),
        ("listeners:\n  - address: 127.0.0.1\nsignalling:\n  overload_queue_bytes: -1\n", "signalling.overload_queue_bytes", 4),
        ("listeners:\n  - address: 127.0.0.1\nsignalling:\n  overload_queue_bytes: 4MB\n", "signalling.overload_queue_bytes", 4),
        ("listeners:\n  - address: 127.0.0.1\nsignalling:\n  overload_queue_bytes: 2147483648\n",
         "signalling.overload_queue_bytes", 4),
        ("listeners:\n  - address: 127.0.0.1\ntrunks:\n  t:\n    uri: sip:127.0.0.1:5080\n    sources: 10.0.0.0/8\n",
         "trunks.t.sources", 6),
    ])
    func errorsAreLocated(_ yaml: String, key: String, line: Int) {
        let all = errors(yaml + "routes:\n  - action: reject\n    code: 403\n")
        let error = all.first { $0.key == key }
        #expect(error != nil, "\(all.map(\.description))")
        #expect(error?.line == line, "\(all.map(\.description))")
    }
}

@Suite("Outbound auth, fallback, SRTP keys and size limits (issue #10)")
struct OutboundSecurityConfigTests {
    func conf(trunk: String, route: String = "", security: String = "") -> String {
        """
        listeners:
          - address: 127.0.0.1
        \(security)
        trunks:
          t:
            uri: sip:127.0.0.1:5080
        \(trunk)
        routes:
          - action: bridge
            trunk: t
        \(route)
        """
    }

    @Test("username/password/realm, register, register_expires, srtp_over_plaintext, fallback and size limits are read")
    func read() throws {
        let config = try ConfigLoader.parse(conf(trunk: """
                username: office
                password: "pa ss"
                realm: carrier
                register: true
                register_expires: 30
                srtp: optional
                srtp_over_plaintext: true
            """, route: "    fallback: next", security: "security:\n  max_message_bytes: 4000\n  max_body_bytes: 1000"),
            path: "t.conf")
        let trunk = try #require(config.trunks["t"])
        #expect(trunk.username == "office")
        #expect(trunk.password == "pa ss")
        #expect(trunk.realm == "carrier")
        #expect(trunk.register)
        #expect(trunk.registerExpires == 30)
        #expect(trunk.srtpOverPlaintext)
        guard case .bridge(let bridge) = config.routes[0].action else { Issue.record("not a bridge"); return }
        #expect(bridge.fallbackNext)
        #expect(config.security.maxMessageBytes == 4000)
        #expect(config.security.maxBodyBytes == 1000)
        // Sending keys in clear text is allowed, with a warning at the key.
        #expect(config.warnings.map(\.key) == ["trunks.t.srtp_over_plaintext"])
    }

    @Test("Defaults: no credentials, no registration, keys only over TLS, no fallback, 32 KiB / 16 KiB limits")
    func defaults() throws {
        let config = try ConfigLoader.parse(conf(trunk: ""), path: "t.conf")
        let trunk = try #require(config.trunks["t"])
        #expect(trunk.username == nil && !trunk.register && trunk.registerExpires == 3600 && !trunk.srtpOverPlaintext)
        guard case .bridge(let bridge) = config.routes[0].action else { Issue.record("not a bridge"); return }
        #expect(!bridge.fallbackNext)
        #expect(config.security.maxMessageBytes == 32_768)
        #expect(config.security.maxBodyBytes == 16_384)
    }

    @Test("SRTP towards a UDP trunk without srtp_over_plaintext: a warning that keys are not sent")
    func srtpWithoutTLSWarns() throws {
        let config = try ConfigLoader.parse(conf(trunk: "    srtp: required"), path: "t.conf")
        #expect(config.warnings.map(\.key) == ["trunks.t.srtp"])
        #expect(config.warnings.first?.line == 7)
    }

    @Test("Bad values are reported at their file:line:key", arguments: [
        ("    username: u\n", "", "", "trunks.t.username"),
        ("    password: p\n", "", "", "trunks.t.password"),
        ("    username: u\n    password: \"a:b\"\n", "", "", "trunks.t.password"),
        ("    username: \"u\\\"x\"\n    password: p\n", "", "", "trunks.t.username"),
        ("    register: true\n", "", "", "trunks.t.register"),
        ("    register_expires: 5\n", "", "", "trunks.t.register_expires"),
        ("    srtp_over_plaintext: maybe\n", "", "", "trunks.t.srtp_over_plaintext"),
        ("", "    fallback: later\n", "", "routes[0].fallback"),
        ("", "", "security:\n  max_message_bytes: 100\n", "security.max_message_bytes"),
        ("", "", "security:\n  max_body_bytes: -1\n", "security.max_body_bytes"),
    ])
    func errorsAreLocated(_ trunk: String, _ route: String, _ security: String, key: String) {
        let all = errors(conf(trunk: trunk, route: route, security: security))
        let error = all.first { $0.key == key }
        #expect(error != nil, "\(all.map(\.description))")
        #expect((error?.line ?? 0) > 0)
    }
}

@Suite("Shipped security files")
struct ShippedSecurityFilesTests {
    @Test("conf/examples/secure.conf loads with its ACL, trunk sources and rate limit")
    func secureExampleLoads() throws {
        let config = try ConfigLoader.load(path: packageRoot + "/conf/examples/secure.conf")
        #expect(!config.listeners[0].allowFrom.isEmpty)
        #expect(config.trunks["carrier"]?.sources == [CIDR("198.51.100.0/28")!])
        #expect(config.security.perSourceCPS == 20)
        #expect(config.trunks["carrier"]?.register == true)
        #expect(config.trunks["carrier"]?.username == "legato-office")
        #expect(config.security.maxMessageBytes == 16_384)
        guard case .bridge(let office) = config.routes[0].action else { Issue.record("not a bridge"); return }
        #expect(office.fallbackNext)
    }

    @Test("The fail2ban filter matches the refusal line for IPv4 and IPv6 sources and not other lines")
    func fail2banFilterMatchesTheLogLine() throws {
        let filter = try String(contentsOfFile: packageRoot + "/conf/fail2ban/legato.conf", encoding: .utf8)
        let line = try #require(filter.split(separator: "\n").first { $0.hasPrefix("failregex") })
        let pattern = String(line.split(separator: "=", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: "<HOST>", with: "(?<host>[0-9A-Fa-f:.]+)")
        let regex = try Regex(pattern)
        // The format AdmissionGate logs through swift-log's stream handler.
        let v4 = "2026-12-01T04:04:23+0000 notice legato: [Legato] security.refused src=203.0.113.5 reason=scanner"
        let v6 = "2026-12-01T04:04:23+0000 notice legato: security.repeated=4 [Legato] security.refused src=2001:db8:0:0:0:0:0:7 reason=rate_limit"
        #expect(try regex.firstMatch(in: v4)?.output["host"]?.substring == "203.0.113.5")
        #expect(try regex.firstMatch(in: v6)?.output["host"]?.substring == "2001:db8:0:0:0:0:0:7")
        #expect(try regex.firstMatch(in: "2026-12-01 info legato: [Legato] legato.ready") == nil)
        #expect(try regex.firstMatch(in: "security.refused src=192.0.2.1 reason=overload") == nil,
                "overload is Legato's own state, not the source's fault")
    }
}
