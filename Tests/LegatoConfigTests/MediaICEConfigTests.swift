import Testing
import LegatoConfig

/// `media.ice`: remove (default) or lite; anything else is an error naming file, line and key.
@Suite struct MediaICEConfigTests {
    static func conf(ice: String?) -> String {
        """
        listeners:
          - address: 127.0.0.1
        media:
          mode: relay
        \(ice.map { "  ice: \($0)" } ?? "  workers: 1")
        trunks:
          local:
            uri: sip:127.0.0.1:5080
        routes:
          - action: bridge
            trunk: local
        """
    }

    @Test func defaultsToRemove() throws {
        #expect(try ConfigLoader.parse(Self.conf(ice: nil), path: "test.conf").media.ice == .remove)
        #expect(MediaConfig().ice == .remove)
    }

    @Test(arguments: [("remove", ICEMode.remove), ("lite", ICEMode.lite)])
    func readsEachMode(text: String, mode: ICEMode) throws {
        #expect(try ConfigLoader.parse(Self.conf(ice: text), path: "test.conf").media.ice == mode)
    }

    @Test func otherValuesNameFileLineAndKey() throws {
        let error = try #require(onlyError(Self.conf(ice: "full")))
        #expect((error.file, error.line, error.column, error.key) == ("test.conf", 5, 8, "media.ice"))
        #expect(error.message == "expected one of remove, lite, found 'full'")
        #expect(error.description.hasPrefix("test.conf:5:8: media.ice: "), "\(error.description)")
    }

    @Test func shippedConfsLeaveItAtTheDefault() throws {
        for name in ["conf/legato.conf", "conf/examples/relay.conf"] {
            let config = try ConfigLoader.load(path: packageRoot + "/" + name)
            #expect(config.media.ice == .remove, "\(name)")
        }
    }
}
