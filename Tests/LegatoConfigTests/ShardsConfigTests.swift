import Foundation
import Testing
import LegatoConfig

/// `signalling.shards`: read, checked against the listeners and media ports,
/// and each shard's share of limits, ports and admin endpoints.
@Suite struct ShardsConfigTests {
    static func conf(shards: String, listeners: String = "  - address: 127.0.0.1\n", extra: String = "") -> String {
        """
        listeners:
        \(listeners)signalling:
          shards: \(shards)
          max_calls: 1001
        trunks:
          local:
            uri: sip:127.0.0.1:5080
            max_calls: 10
            max_cps: 5
            username: u
            password: p
            register: true
        routes:
          - action: bridge
            trunk: local
        \(extra)
        """
    }

    @Test func defaultIsOneShard() throws {
        let config = try ConfigLoader.parse(Self.conf(shards: "1"), path: "test.conf")
        #expect(try ConfigLoader.parse(Self.conf(shards: "1").replacingOccurrences(of: "  shards: 1\n", with: ""),
                                       path: "test.conf").signalling.shards == 1)
        #expect(config.signalling.shards == 1)
        #expect(config.forShard(0, of: 1) == config)
    }

    @Test func readsShards() throws {
        let config = try ConfigLoader.parse(Self.conf(shards: "4"), path: "test.conf")
        #expect(config.signalling.shards == 4)
    }

    @Test(arguments: ["0", "65", "two"])
    func badShardsNamesLineAndKey(value: String) throws {
        let error = try #require(onlyError(Self.conf(shards: value)))
        #expect((error.file, error.line, error.key) == ("test.conf", 4, "signalling.shards"), "\(error)")
    }

    @Test func udpListenersSharingAPortAreRefused() throws {
        let listeners = "  - address: 127.0.0.1\n    port: 5070\n  - address: 127.0.0.2\n    port: 5070\n"
        let error = try #require(onlyError(Self.conf(shards: "2", listeners: listeners)))
        #expect(error.key == "signalling.shards")
        #expect(error.message.contains("own port"), "\(error.message)")
    }

    @Test func mediaSlicesMustHoldTwoPairs() throws {
        let error = try #require(onlyError(Self.conf(shards: "4", extra: "media:\n  port_min: 20000\n  port_max: 20011\n")))
        #expect(error.key == "signalling.shards")
        #expect(error.message.contains("at least 4"), "\(error.message)")
    }

    @Test func limitsAreSharedRoundedUp() throws {
        let config = try ConfigLoader.parse(Self.conf(shards: "3"), path: "test.conf")
        for index in 0..<3 {
            let shard = config.forShard(index, of: 3)
            #expect(shard.signalling.maxCalls == 334)
            #expect(shard.trunks["local"]?.maxCalls == 4)
            #expect(shard.trunks["local"]?.maxCPS == 2)
            #expect(shard.trunks["local"]?.register == (index == 0))
        }
        var unlimited = config
        unlimited.signalling.maxCalls = 0
        #expect(unlimited.forShard(1, of: 3).signalling.maxCalls == 0)
    }

    @Test func mediaPortsAreDisjointEvenSlices() throws {
        let config = try ConfigLoader.parse(Self.conf(shards: "3", extra: "media:\n  port_min: 20000\n  port_max: 20999\n"),
                                            path: "test.conf")
        let slices = (0..<3).map { config.forShard($0, of: 3).media.portRange }
        #expect(slices == [20000...20331, 20332...20663, 20664...20995])
        for slice in slices {
            #expect(slice.count % 2 == 0)
            #expect(slice.lowerBound % 2 == 0)
        }
    }

    @Test func adminEndpointsMoveForOtherShards() throws {
        let config = try ConfigLoader.parse(
            Self.conf(shards: "2", extra: "admin:\n  metrics: 127.0.0.1:9090\n  control: /run/legato/ctl.sock\n"),
            path: "test.conf")
        #expect(config.forShard(0, of: 2).admin.metricsPort == 9090)
        #expect(config.forShard(0, of: 2).admin.control == "/run/legato/ctl.sock")
        #expect(config.forShard(1, of: 2).admin.metricsPort == 9091)
        #expect(config.forShard(1, of: 2).admin.control == "/run/legato/ctl.sock.1")
    }
}
