import Testing
import LegatoConfig

/// `cdr:` and `admin:`: read, defaulted, and each bad value named by file, line and key.
@Suite struct OperationsConfigTests {
    static func conf(_ extra: String) -> String {
        """
        listeners:
          - address: 127.0.0.1
        trunks:
          local:
            uri: sip:127.0.0.1:5080
        routes:
          - action: bridge
            trunk: local
        \(extra)
        """
    }

    @Test func absentMeansNoCDRsNoEndpoints() throws {
        let config = try ConfigLoader.parse(Self.conf(""), path: "test.conf")
        #expect(config.cdr.path == nil)
        #expect(config.admin.metricsHost == nil)
        #expect(config.admin.control == nil)
    }

    @Test func readsEveryKey() throws {
        let config = try ConfigLoader.parse(Self.conf("""
            cdr:
              path: /var/log/legato/cdr.jsonl
              queue_size: 500
            admin:
              metrics: 127.0.0.1:9090
              control: /run/legato/ctl.sock
            """), path: "test.conf")
        #expect(config.cdr == CDRConfig(path: "/var/log/legato/cdr.jsonl", queueSize: 500))
        #expect(config.admin.metricsHost == "127.0.0.1")
        #expect(config.admin.metricsPort == 9090)
        #expect(config.admin.control == "/run/legato/ctl.sock")
    }

    @Test func ipv6MetricsAddress() throws {
        let config = try ConfigLoader.parse(Self.conf("admin:\n  metrics: \"[::1]:9100\""), path: "test.conf")
        #expect(config.admin.metricsHost == "::1")
        #expect(config.admin.metricsPort == 9100)
    }

    @Test(arguments: ["localhost:9090", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "[::1]9090"])
    func badMetricsAddressNamesLineAndKey(value: String) throws {
        let error = try #require(onlyError(Self.conf("admin:\n  metrics: \"\(value)\"")))
        #expect((error.file, error.line, error.key) == ("test.conf", 10, "admin.metrics"))
        #expect(error.message.contains("HOST:PORT"), "\(error.message)")
    }

    @Test func unknownKeysAndBadValues() throws {
        let all = errors(Self.conf("""
            cdr:
              path: /tmp/cdr/
              queue_size: 0
              rotate: daily
            admin:
              contrl: /tmp/x.sock
            """))
        let keys = all.map(\.key)
        #expect(keys.contains("cdr.path"), "\(all)")
        #expect(keys.contains("cdr.queue_size"), "\(all)")
        #expect(keys.contains("cdr.rotate"), "\(all)")
        #expect(keys.contains("admin.contrl"), "\(all)")
    }

    @Test func shippedDefaultConfKeepsThemCommentedOrValid() throws {
        let config = try ConfigLoader.load(path: packageRoot + "/conf/legato.conf")
        #expect(config.cdr.queueSize > 0)
    }
}
