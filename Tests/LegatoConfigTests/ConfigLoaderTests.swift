import Testing
import LegatoConfig

/// A valid file's trunks and routes, appended to listener variations.
private let trunkAndRoute = """
    trunks:
      local:
        uri: sip:127.0.0.1:5080
    routes:
      - action: bridge
        trunk: local
    """

@Suite struct ShippedConfigs {
    @Test func defaultConfLoads() throws {
        let path = packageRoot + "/conf/legato.conf"
        let config = try ConfigLoader.load(path: path)
        #expect(config.sourcePath == path)
        #expect(config.listeners == [ListenerConfig(address: "127.0.0.1", port: 5060, transports: [.udp, .tcp],
                                                    srtp: .optional)])
        #expect(config.signalling == SignallingConfig(noAnswerTimeout: 60, shutdownGrace: 30, userAgent: "Legato"))
        #expect(config.media == MediaConfig(mode: .relay, address: "127.0.0.1", portRange: 30000...30999, workers: 0,
                                            rtpTimeout: 7, rtpHangupTimeout: 60, allowRelatch: false))
        #expect(config.trunks == ["local": TrunkConfig(name: "local", uri: "sip:127.0.0.1:5080", transport: .udp,
                                                       headers: HeaderPolicy(allow: ["^X-"], deny: []))])
        #expect(config.routes == [RouteConfig(
            name: "everything-to-local",
            match: RouteMatch(requestUser: ".*"),
            action: .bridge(.init(trunk: "local", mode: .relay, user: "${user}")))])
    }

    @Test func transferExampleLoads() throws {
        let config = try ConfigLoader.load(path: packageRoot + "/conf/examples/transfer.conf")
        #expect(config.media == MediaConfig(mode: .relay, address: "127.0.0.1", portRange: 30000...30999, workers: 0))
        // The allowed target c@127.0.0.1:5090 is dialled through its own route and trunk.
        #expect(config.routes.first?.action == .bridge(.init(trunk: "transfers", mode: .relay)))
        #expect(config.trunks["transfers"]?.uri == "sip:127.0.0.1:5090")
        #expect(config.routes.last?.action == .bridge(.init(trunk: "local", mode: .relay, blindTransfer: true,
                                                            transferTargets: ["^sip:c@127\\.0\\.0\\.1:5090$"])))
        let relay = try ConfigLoader.load(path: packageRoot + "/conf/examples/relay.conf")
        #expect(relay.routes.first?.action == .bridge(.init(trunk: "local", mode: .relay, blindTransfer: false)))
    }

    @Test func headerPolicyFromTrunkAndCustomDataHeaders() throws {
        let config = try ConfigLoader.parse("""
            listeners:
              - address: 127.0.0.1
                custom_data_header: X-Account
            trunks:
              local:
                uri: sip:127.0.0.1:5080
                custom_data_header: X-Customer-Data
                headers:
                  allow: ["^X-"]
                  deny: ["^X-Secret"]
                  from_trunk:
                    deny: ["^X-Internal"]
            routes:
              - action: bridge
                trunk: local
            """, path: "test.conf")
        #expect(config.listeners.first?.customDataHeader == "X-Account")
        let trunk = try #require(config.trunks["local"])
        #expect(trunk.customDataHeader == "X-Customer-Data")
        #expect(trunk.headers == HeaderPolicy(allow: ["^X-"], deny: ["^X-Secret"],
                                              fromTrunk: HeaderRules(allow: ["^X-"], deny: ["^X-Internal"])))
        let error = #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse("""
                listeners:
                  - address: 127.0.0.1
                    custom_data_header: Subject
                trunks:
                  local:
                    uri: sip:127.0.0.1:5080
                routes:
                  - action: bridge
                    trunk: local
                """, path: "bad.conf")
        }
        #expect(error?.first.key == "listeners[0].custom_data_header")
        #expect(error?.first.line == 3)
    }

    @Test func sessionTimerSettings() throws {
        let config = try ConfigLoader.parse("""
            listeners:
              - address: 127.0.0.1
            signalling:
              session_timer: 600
              session_min_se: 120
            trunks:
              local:
                uri: sip:127.0.0.1:5080
            routes:
              - action: bridge
                trunk: local
            """, path: "test.conf")
        #expect(config.signalling.sessionTimer == 600)
        #expect(config.signalling.sessionMinSE == 120)
        let error = #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse("""
                listeners:
                  - address: 127.0.0.1
                signalling:
                  session_timer: 30
                trunks:
                  local:
                    uri: sip:127.0.0.1:5080
                routes:
                  - action: bridge
                    trunk: local
                """, path: "bad.conf")
        }
        #expect(error?.first.key == "signalling.session_timer")
        #expect(error?.first.message.contains("at least 90") == true)
    }

    @Test func digitsAfterAnswerAreDTMFDigits() throws {
        func conf(_ digits: String) -> String {
            """
            listeners:
              - address: 127.0.0.1
            trunks:
              local:
                uri: sip:127.0.0.1:5080
            routes:
              - action: bridge
                trunk: local
                digits_after_answer: "\(digits)"
            """
        }
        let config = try ConfigLoader.parse(conf("12p#"), path: "test.conf")
        #expect(config.routes.first?.action == .bridge(.init(trunk: "local", mode: .direct, digitsAfterAnswer: "12p#")))
        let error = #expect(throws: ConfigErrors.self) { try ConfigLoader.parse(conf("12x"), path: "bad.conf") }
        #expect(error?.first.key == "routes[0].digits_after_answer")
        #expect(error?.first.message.hasPrefix("'x' at position 3") == true)
    }

    @Test func directAfterAnswerNeedsRelayMode() throws {
        func conf(_ mode: String, _ value: String = "true") -> String {
            """
            listeners:
              - address: 127.0.0.1
            trunks:
              local:
                uri: sip:127.0.0.1:5080
            routes:
              - action: bridge
                trunk: local
                mode: \(mode)
                direct_after_answer: \(value)
            """
        }
        let config = try ConfigLoader.parse(conf("relay"), path: "test.conf")
        #expect(config.routes.first?.action == .bridge(.init(trunk: "local", mode: .relay, directAfterAnswer: true)))
        let direct = #expect(throws: ConfigErrors.self) { try ConfigLoader.parse(conf("direct"), path: "bad.conf") }
        #expect(direct?.first.key == "routes[0].direct_after_answer")
        #expect(direct?.first.message.contains("needs mode: relay") == true)
        #expect(direct?.first.line == 10)
        let notBool = #expect(throws: ConfigErrors.self) { try ConfigLoader.parse(conf("relay", "soon"), path: "bad.conf") }
        #expect(notBool?.first.key == "routes[0].direct_after_answer")
    }

    @Test func allowRelatchIsRead() throws {
        let config = try ConfigLoader.parse("""
            listeners:
              - address: 127.0.0.1
            media:
              mode: relay
              allow_relatch: true
            trunks:
              local:
                uri: sip:127.0.0.1:5080
            routes:
              - action: bridge
                trunk: local
            """, path: "test.conf")
        #expect(config.media.allowRelatch)
    }

    @Test func blindTransferMustBeABoolean() {
        let error = #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse("""
                listeners:
                  - address: 127.0.0.1
                trunks:
                  local:
                    uri: sip:127.0.0.1:5080
                routes:
                  - action: bridge
                    trunk: local
                    blind_transfer: yes
                """, path: "bad.conf")
        }
        #expect(error?.first.line == 9)
        #expect(error?.first.key == "routes[0].blind_transfer")
        #expect(error?.first.message == "expected true or false, found 'yes'")
    }

    @Test func srtpExampleLoads() throws {
        let config = try ConfigLoader.load(path: packageRoot + "/conf/examples/srtp.conf")
        #expect(config.listeners.map(\.srtp) == [.required])
        #expect(config.trunks["local"]?.srtp == .off)
        #expect(config.media.mode == .relay)
        #expect(config.media.portRange == 30000...30999)
        #expect(config.routes.first?.action == .bridge(.init(trunk: "local", mode: .relay)))
    }

    @Test func srtpPolicyDefaultsAndErrors() throws {
        let config = try ConfigLoader.parse("""
            listeners:
              - address: 127.0.0.1
              - address: ::1
                srtp: off
            trunks:
              plain:
                uri: sip:127.0.0.1:5080
              secure:
                uri: sip:127.0.0.1:5090
                srtp: required
            routes:
              - action: bridge
                trunk: plain
            """, path: "test.conf")
        #expect(config.listeners.map(\.srtp) == [.optional, .off])
        #expect(config.trunks["plain"]?.srtp == .off)
        #expect(config.trunks["secure"]?.srtp == .required)
        let error = #expect(throws: ConfigErrors.self) {
            try ConfigLoader.parse("""
                listeners:
                  - address: 127.0.0.1
                    srtp: mandatory
                trunks:
                  local:
                    uri: sip:127.0.0.1:5080
                routes:
                  - action: bridge
                    trunk: local
                """, path: "bad.conf")
        }
        #expect(error?.first.line == 3)
        #expect(error?.first.key == "listeners[0].srtp")
        #expect(error?.description.contains("required, optional, off") == true)
    }

    @Test func directExampleLoads() throws {
        let config = try ConfigLoader.load(path: packageRoot + "/conf/examples/direct.conf")
        #expect(config.listeners.map(\.address) == ["127.0.0.1"])
        #expect(config.trunks["local"]?.uri == "sip:127.0.0.1:5080")
        #expect(config.routes.count == 1)
        #expect(config.routes.first?.action == .bridge(.init(trunk: "local", mode: .direct)))
    }

    @Test func relayExampleLoads() throws {
        let config = try ConfigLoader.load(path: packageRoot + "/conf/examples/relay.conf")
        #expect(config.media == MediaConfig(mode: .relay, address: "127.0.0.1", portRange: 30000...30999, workers: 0))
        #expect(config.routes.first?.action == .bridge(.init(trunk: "local", mode: .relay)))
    }

    @Test func unreadableFileIsAFileLevelError() {
        let error = #expect(throws: ConfigErrors.self) { try ConfigLoader.load(path: "/nonexistent/legato.conf") }
        #expect(error?.errors.count == 1)
        #expect(error?.first.line == 0)
        #expect(error?.description == "/nonexistent/legato.conf: cannot open: No such file or directory")
    }
}

@Suite struct Defaults {
    @Test func routeAndListenerDefaults() throws {
        let config = try ConfigLoader.parse("""
            listeners:
              - address: 0.0.0.0
            media:
              mode: relay
            \(trunkAndRoute)
              - action: reject
                code: 404
            """, path: "test.conf")
        #expect(config.listeners == [ListenerConfig(address: "0.0.0.0", port: 5060, transports: [.udp, .tcp],
                                                    tlsPort: 5061)])
        #expect(config.signalling == SignallingConfig())
        #expect(config.trunks["local"] == TrunkConfig(name: "local", uri: "sip:127.0.0.1:5080", transport: .udp,
                                                      headers: HeaderPolicy(allow: ["^X-"], deny: [])))
        #expect(config.routes == [
            RouteConfig(name: "route-1", match: RouteMatch(),
                        action: .bridge(.init(trunk: "local", mode: .relay, user: "${user}", headers: nil,
                                              noAnswerTimeout: nil))),
            RouteConfig(name: "route-2", match: RouteMatch(), action: .reject(code: 404, reason: nil)),
        ])
    }

    @Test func ipv6ListenerLoads() throws {
        let config = try ConfigLoader.parse("""
            listeners:
              - address: ::1
                port: 5070
              - address: "2001:db8::10"
                transports: [udp]
            \(trunkAndRoute)
            """, path: "test.conf")
        #expect(config.listeners.map(\.address) == ["::1", "2001:db8::10"])
        #expect(config.listeners.allSatisfy { $0.isIPv6 })
        #expect(config.listeners[0].port == 5070)
        #expect(config.listeners[1].transports == [.udp])
    }

    @Test func headerPolicies() throws {
        let config = try ConfigLoader.parse("""
            listeners:
              - address: 127.0.0.1
            trunks:
              carrier:
                uri: sips:carrier.example.com;lr
                headers:
                  allow: ["^X-Acme-", "^X-Call-ID$"]
                  deny: ["^X-Acme-Secret"]
            routes:
              - name: inbound
                match:
                  ruri_user: "^00(\\\\d+)$"
                  from_user: "^\\\\+49"
                  headers:
                    X-Tenant: "^blue$"
                action: bridge
                trunk: carrier
                user: "+$1"
                no_answer_timeout: 12.5
                headers:
                  deny: [".*"]
            """, path: "test.conf")
        let trunk = try #require(config.trunks["carrier"])
        #expect(trunk.transport == .tls)
        #expect(trunk.headers == HeaderPolicy(allow: ["^X-Acme-", "^X-Call-ID$"], deny: ["^X-Acme-Secret"]))
        let route = try #require(config.routes.first)
        #expect(route.match == RouteMatch(requestUser: "^00(\\d+)$", fromUser: "^\\+49", headers: ["X-Tenant": "^blue$"]))
        #expect(route.action == .bridge(.init(trunk: "carrier", mode: .direct, user: "+$1",
                                              headers: HeaderPolicy(allow: ["^X-"], deny: [".*"]),
                                              noAnswerTimeout: 12.5)))
    }

    @Test func tlsListener() throws {
        let config = try ConfigLoader.parse("""
            listeners:
              - address: 127.0.0.1
                transports: [udp, tcp, tls]
                tls_certificate: /etc/legato/cert.pem
                tls_key: /etc/legato/key.pem
              - address: 127.0.0.2
                transports: [tls]
                tls_certificate: cert.pem
                tls_key: key.pem
                tls_port: 5071
            \(trunkAndRoute)
            """, path: "test.conf")
        #expect(config.listeners[0] == ListenerConfig(address: "127.0.0.1", port: 5060, transports: [.udp, .tcp, .tls],
                                                      tlsCertificate: "/etc/legato/cert.pem",
                                                      tlsKey: "/etc/legato/key.pem", tlsPort: 5061))
        #expect(config.listeners[1].port == 5071)
        #expect(config.listeners[1].tlsPort == 5071)
    }
}

@Suite struct MediaSectionTests {
    static let base = """
    listeners:
      - address: 127.0.0.1
    trunks:
      t: { uri: "sip:127.0.0.1:5080" }
    routes:
      - action: bridge
        trunk: t
    """

    @Test func mediaRelaySettingsParse() throws {
        let text = Self.base + "\nmedia:\n  mode: relay\n  address: \"::1\"\n  port_min: 31000\n  port_max: 31999\n  workers: 2\n"
        let config = try ConfigLoader.parse(text, path: "m.conf")
        #expect(config.media == MediaConfig(mode: .relay, address: "::1", portRange: 31000...31999, workers: 2))
    }

    @Test func mediaDefaults() throws {
        let config = try ConfigLoader.parse(Self.base, path: "m.conf")
        #expect(config.media == MediaConfig())
    }

    @Test func badMediaAddressAndRangeAreReportedWithTheirKeys() {
        let text = Self.base + "\nmedia:\n  address: example.invalid\n  port_min: 32000\n  port_max: 32001\n"
        do {
            _ = try ConfigLoader.parse(text, path: "m.conf")
            Issue.record("expected errors")
        } catch {
            #expect(error.errors.map(\.key) == ["media.address", "media.port_max"])
            #expect(error.errors.first?.line == 9)
        }
    }
}
