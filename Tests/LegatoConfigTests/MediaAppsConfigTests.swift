import LegatoConfig
import Testing

@Suite("Media applications in the conf")
struct MediaAppsConfigTests {
    static func conf(media: String = "  mode: relay", routes: String) -> String {
        """
        listeners:
          - address: 127.0.0.1
        media:
        \(media)
        trunks:
          local:
            uri: sip:127.0.0.1:5080
        routes:
        \(routes)
        """
    }

    @Test("conf/examples/media-apps.conf: play, say, record and ringback as the issue spells them")
    func example() throws {
        let config = try ConfigLoader.load(path: packageRoot + "/conf/examples/media-apps.conf")
        #expect(config.media.recordings == "/var/lib/legato/recordings")
        #expect(config.media.recordFormat == .wav)
        #expect(config.routes.map(\.name) == ["announcement", "speak", "recorded-trunk"])
        #expect(config.routes[0].action == .announce(.init(content: .file("/usr/share/legato/sounds/closed.wav"), then: .hangup)))
        #expect(config.routes[1].action == .announce(.init(content: .speech(text: "The office is closed.", voice: "en"),
                                                           then: .hangup)))
        guard case .bridge(let bridge) = config.routes[2].action else {
            Issue.record("not a bridge")
            return
        }
        #expect(bridge.record && bridge.ringback == "US")
    }

    @Test("then: bridge takes the bridge keys and is relayed")
    func thenBridge() throws {
        let config = try ConfigLoader.parse(Self.conf(media: "  mode: direct", routes: """
              - action: say
                text: hello
                then: bridge
                trunk: local
                user: "100"
            """), path: "test.conf")
        guard case .announce(let announcement) = config.routes[0].action, case .bridge(let bridge) = announcement.then else {
            Issue.record("\(config.routes[0].action)")
            return
        }
        #expect(bridge.trunk == "local" && bridge.user == "100" && bridge.mode == .relay)
        #expect(announcement.content == .speech(text: "hello", voice: "en"))
    }

    @Test("errors name file, line and key: missing file, relative file, long text, bad then, bad format, relative folder")
    func errors() {
        let missing = onlyError(Self.conf(routes: "  - action: play"))
        #expect(missing?.key == "routes[0].file")
        let relative = onlyError(Self.conf(routes: "  - action: play\n    file: sounds/x.wav"))
        #expect(relative?.key == "routes[0].file")
        #expect(relative?.line == 10)
        let long = onlyError(Self.conf(routes: "  - action: say\n    text: \(String(repeating: "a", count: 1501))"))
        #expect(long?.key == "routes[0].text")
        #expect(long?.message.contains("1500") == true)
        let then = onlyError(Self.conf(routes: "  - action: play\n    file: /x.wav\n    then: transfer"))
        #expect(then?.key == "routes[0].then")
        let trunkWithoutBridge = onlyError(Self.conf(routes: "  - action: play\n    file: /x.wav\n    trunk: local"))
        #expect(trunkWithoutBridge?.key == "routes[0].trunk")
        let format = onlyError(Self.conf(media: "  mode: relay\n  record_format: ogg", routes: "  - action: echo"))
        #expect(format?.key == "media.record_format")
        let folder = onlyError(Self.conf(media: "  mode: relay\n  recordings: rec", routes: "  - action: echo"))
        #expect(folder?.key == "media.recordings")
        let misplaced = onlyError(Self.conf(routes: "  - action: echo\n    file: /x.wav"))
        #expect(misplaced?.key == "routes[0].file")
    }

    @Test("record and ringback need relay mode; ringback needs a known country")
    func bridgeOptions() {
        let record = onlyError(Self.conf(routes: "  - action: bridge\n    trunk: local\n    mode: direct\n    record: true"))
        #expect(record?.key == "routes[0].record")
        let ringback = onlyError(Self.conf(routes: "  - action: bridge\n    trunk: local\n    mode: direct\n    ringback: US"))
        #expect(ringback?.key == "routes[0].ringback")
        let country = onlyError(Self.conf(routes: "  - action: bridge\n    trunk: local\n    ringback: XX"))
        #expect(country?.key == "routes[0].ringback")
        #expect(country?.message.contains("US, RU, GB, DE, FR") == true)
    }
}
