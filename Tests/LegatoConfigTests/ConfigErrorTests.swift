import Testing
import LegatoConfig

@Suite struct ConfigErrorTests {
    @Test func descriptionFormat() {
        let error = ConfigError(file: "conf/legato.conf", line: 14, column: 11, key: "listeners[0].port",
                                message: "expected an integer, found 'abc'")
        #expect(error.description == "conf/legato.conf:14:11: listeners[0].port: expected an integer, found 'abc'")
        #expect(ConfigError(file: "a.conf", line: 3, column: 1, key: "", message: "m").description == "a.conf:3:1: m")
    }

    @Test func missingListeners() throws {
        let error = try #require(onlyError("""
            # no listeners
            routes:
              - action: reject
                code: 503
            """))
        #expect((error.file, error.line, error.column, error.key) == ("test.conf", 2, 1, "listeners"))
        #expect(error.message.contains("missing required key 'listeners'"))
    }

    @Test func emptyFile() {
        let all = errors("# nothing here\n")
        #expect(all.map(\.key) == ["listeners", "routes"])
        #expect(all.allSatisfy { $0.line == 1 && $0.column == 1 })
    }
}

@Suite struct ListenerErrors {
    @Test func badAddress() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
              - address: 10.0.0.256
            routes:
              - action: reject
                code: 503
            """))
        #expect((error.line, error.column, error.key) == (3, 14, "listeners[1].address"))
        #expect(error.message == "'10.0.0.256' is not a literal IPv4 or IPv6 address")
    }

    @Test func bracketedIPv6AddressGetsAHint() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: "[::1]"
            routes:
              - action: reject
                code: 503
            """))
        #expect((error.line, error.key) == (2, "listeners[0].address"))
        #expect(error.message.contains("without brackets"))
    }

    @Test func badPortType() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
                port: abc
            routes:
              - action: reject
                code: 503
            """))
        #expect(error.description == "test.conf:3:11: listeners[0].port: expected an integer, found 'abc'")
    }

    @Test func portOutOfRange() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
                port: 70000
            routes:
              - action: reject
                code: 503
            """))
        #expect((error.line, error.key) == (3, "listeners[0].port"))
        #expect(error.message == "must be between 1 and 65535, found 70000")
    }

    @Test func tlsWithoutCertificate() {
        let all = errors("""
            listeners:
              - address: 127.0.0.1
                transports: [udp, tls]
            routes:
              - action: reject
                code: 503
            """)
        #expect(all.map(\.key) == ["listeners[0].tls_certificate", "listeners[0].tls_key"])
        #expect(all.allSatisfy { $0.line == 2 && $0.message.contains("needed because transports lists tls") })
    }

    @Test func tlsKeysWithoutTLS() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
                tls_certificate: cert.pem
            routes:
              - action: reject
                code: 503
            """))
        #expect((error.line, error.column, error.key) == (3, 5, "listeners[0].tls_certificate"))
    }

    @Test func unknownAndDuplicateTransport() {
        let all = errors("""
            listeners:
              - address: 127.0.0.1
                transports: [udp, sctp, udp]
            routes:
              - action: reject
                code: 503
            """)
        #expect(all.map(\.key) == ["listeners[0].transports[1]", "listeners[0].transports[2]"])
        #expect(all.map(\.message) == ["expected one of udp, tcp, tls, found 'sctp'", "'udp' is listed twice"])
    }

    @Test func sameSocketTwice() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: ::1
              - address: 0:0:0:0:0:0:0:1
                port: 5060
                transports: [tcp]
            routes:
              - action: reject
                code: 503
            """))
        #expect((error.line, error.key) == (4, "listeners[1].port"))
        #expect(error.message == "[0:0:0:0:0:0:0:1]:5060 over TCP is already used by tcp in listeners[0]")
    }
}

@Suite struct KeyErrors {
    @Test func unknownTopLevelKey() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
            signaling:
              no_answer_timeout: 30
            routes:
              - action: reject
                code: 503
            """))
        #expect((error.line, error.column, error.key) == (3, 1, "signaling"))
        #expect(error.message == "unknown key 'signaling' (did you mean 'signalling'?)")
    }

    @Test func unknownNestedKey() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
            trunks:
              local:
                uri: sip:127.0.0.1:5080
                transprt: tcp
            routes:
              - action: bridge
                trunk: local
            """))
        #expect((error.line, error.column, error.key) == (6, 5, "trunks.local.transprt"))
        #expect(error.message == "unknown key 'transprt' (did you mean 'transport'?)")
    }

    @Test func unknownKeyWithoutSuggestion() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
            media:
              codecs: [pcmu]
            routes:
              - action: reject
                code: 503
            """))
        #expect(error.key == "media.codecs")
        #expect(error.message == "unknown key 'codecs' (expected one of: mode, address, port_min, port_max, workers, rtp_timeout, rtp_hangup_timeout, allow_relatch, ice, recordings, record_format)")
    }

    @Test func duplicateKeyIsReportedAtTheRepeat() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
                port: 5060
                # again
                port: 5070
            routes:
              - action: reject
                code: 503
            """))
        #expect((error.line, error.column, error.key) == (5, 5, ""))
        #expect(error.message == "duplicate key 'port' (first on line 3)")
    }

    @Test func yamlSyntaxErrorHasItsLine() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
                transports: [udp, tcp
            routes:
              - action: reject
                code: 503
            """))
        #expect(error.file == "test.conf")
        #expect(error.key == "")
        #expect(error.line == 4)
        #expect(error.message.hasPrefix("YAML syntax error: "))
    }

    @Test func badIndentationIsASyntaxError() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
                port: 5060
               transports: [udp]
            """))
        #expect(error.line == 4)
        #expect(error.description.hasPrefix("test.conf:4:"))
    }

    @Test func tabIndentationGetsAHint() throws {
        let error = try #require(onlyError("listeners:\n\t- address: 127.0.0.1\n"))
        #expect((error.line, error.column) == (2, 1))
        #expect(error.message.hasSuffix("; indent with spaces, not tabs"))
    }

    @Test func secondDocumentIsASyntaxError() throws {
        let error = try #require(onlyError("listeners: []\n---\nroutes: []\n"))
        #expect(error.description
            == "test.conf:2:1: YAML syntax error: expected a single document in the stream but found another document")
    }

    @Test func wrongShapes() {
        let all = errors("""
            listeners:
              address: 127.0.0.1
            signalling: 30
            routes: []
            """)
        #expect(all.map(\.key) == ["listeners", "signalling", "routes"])
        #expect(all.map(\.message) == ["expected a sequence, found a mapping", "expected a mapping, found '30'",
                                       "must list at least one route"])
    }

    @Test func numbersAreChecked() {
        let all = errors("""
            listeners:
              - address: 127.0.0.1
            signalling:
              no_answer_timeout: 0
              shutdown_grace: -1
              user_agent: "Legato\\r\\nX-Evil: 1"
            routes:
              - action: reject
                code: 503
            """)
        #expect(all.map(\.line) == [4, 5, 6])
        #expect(all.map(\.message) == ["must be greater than 0, found 0", "must be at least 0, found -1",
                                       "must not contain a carriage return (CR)"])
    }

    @Test func allErrorsAreReportedInFileOrder() {
        let all = errors("""
            listeners:
              - address: localhost
                port: "5060"
            routes:
              - action: bridge
                trunk: nowhere
              - action: forward
            """)
        #expect(all.map(\.line) == [2, 3, 6, 7])
        #expect(all.map(\.key) == ["listeners[0].address", "listeners[0].port", "routes[0].trunk", "routes[1].action"])
    }
}

@Suite struct TrunkAndRouteErrors {
    @Test func unknownTrunkInRoute() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
            trunks:
              local:
                uri: sip:127.0.0.1:5080
            routes:
              - name: first
                action: reject
                code: 403
              - name: second
                action: bridge
                trunk: locl
            """))
        #expect((error.line, error.column, error.key) == (12, 12, "routes[1].trunk"))
        #expect(error.message == "unknown trunk 'locl' (did you mean 'local'?)")
    }

    @Test func bridgeWithoutTrunksSection() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
            routes:
              - action: bridge
                trunk: local
            """))
        #expect((error.line, error.key) == (5, "routes[0].trunk"))
        #expect(error.message == "unknown trunk 'local' (no trunks are defined)")
    }

    @Test func badRegex() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
            routes:
              - match:
                  ruri_user: "^(00"
                action: reject
                code: 404
            """))
        #expect((error.line, error.column, error.key) == (5, 18, "routes[0].match.ruri_user"))
        #expect(error.message == "invalid regular expression '^(00': expected ')'")
    }

    @Test func badHeaderPolicyRegex() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
            trunks:
              local:
                uri: sip:127.0.0.1:5080
                headers:
                  allow: ["^X-", "*"]
            routes:
              - action: bridge
                trunk: local
            """))
        #expect((error.line, error.key) == (7, "trunks.local.headers.allow[1]"))
        #expect(error.message.hasPrefix("invalid regular expression '*': "))
    }

    @Test func rejectCodeOutOfRange() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
            routes:
              - action: reject
                code: 200
            """))
        #expect(error.description == "test.conf:5:11: routes[0].code: must be between 300 and 699, found 200")
    }

    @Test func missingAction() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
            routes:
              - name: nothing
            """))
        #expect((error.line, error.column, error.key) == (4, 5, "routes[0].action"))
        #expect(error.message == "missing required key 'action' (bridge, reject, echo, play or say)")
    }

    @Test func keysOfTheOtherAction() {
        let all = errors("""
            listeners:
              - address: 127.0.0.1
            trunks:
              local:
                uri: sip:127.0.0.1:5080
            routes:
              - action: reject
                code: 486
                trunk: local
              - action: bridge
                trunk: local
                reason: Busy
            """)
        #expect(all.map(\.key) == ["routes[0].trunk", "routes[1].reason"])
        #expect(all.map(\.message) == [
            "'trunk' only applies to action: bridge (this route's action is reject)",
            "'reason' only applies to action: reject (this route's action is bridge)",
        ])
    }

    @Test func badTrunkURIs() {
        let all = errors("""
            listeners:
              - address: 127.0.0.1
            trunks:
              a:
                uri: http://example.com
              b:
                uri: "sip:"
              c:
                uri: sip:host:99999
              d:
                uri: sips:secure.example.com
                transport: udp
            routes:
              - action: reject
                code: 503
            """)
        #expect(all.map(\.key) == ["trunks.a.uri", "trunks.b.uri", "trunks.c.uri", "trunks.d.transport"])
        #expect(all.map(\.message) == [
            "'http://example.com' is not a SIP URI: it must start with sip: or sips:",
            "'sip:' has no host",
            "'sip:host:99999': port '99999' is not between 1 and 65535",
            "a sips: URI needs transport tls, found udp",
        ])
    }

    @Test func userTemplates() {
        let all = errors("""
            listeners:
              - address: 127.0.0.1
            trunks:
              local:
                uri: sip:127.0.0.1:5080
            routes:
              - action: bridge
                trunk: local
                user: "$1"
              - action: bridge
                trunk: local
                user: "${dialed}"
            """)
        #expect(all.map(\.key) == ["routes[0].user", "routes[1].user"])
        #expect(all.map(\.message) == [
            "'$1' uses $1, but the route has no match.ruri_user to capture from",
            "unknown substitution '${dialed}' in '${dialed}' (use ${user} or $1…$9)",
        ])
    }

    @Test func duplicateRouteNames() throws {
        let error = try #require(onlyError("""
            listeners:
              - address: 127.0.0.1
            routes:
              - name: busy
                action: reject
                code: 486
              - name: busy
                action: reject
                code: 600
            """))
        #expect((error.line, error.key) == (7, "routes[1].name"))
        #expect(error.message == "route name 'busy' is already used by routes[0]")
    }
}
