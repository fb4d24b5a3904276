import Testing

extension Integration {
    /// linphone's console client (linphonec) and baresip call each other
    /// through Legato in relay mode; each plays its own tone and what each
    /// one hears is checked by content, as in `BaresipMedia`.
    @Suite("Linphone interop")
    struct LinphoneInterop {
        static let baresipTone = 440.0
        static let linphoneTone = 1000.0
        static let candidates = BaresipMedia.candidates

        @Test("relay mode: baresip calls linphonec, each hears the other's tone, nothing is left afterwards")
        func baresipCallsLinphone() async throws {
            let test = try TestContext()
            try await Self.call(test, conf: Self.conf(test), seconds: 4)
        }

        @Test("relay mode, session_timer 90: a call held up for 100 s still has audio both ways at the end")
        func testRelayedCallSurvivesSessionRefresh() async throws {
            let test = try TestContext()
            var conf = Self.conf(test)
            conf.sessionTimer = 90
            try await Self.call(test, conf: conf, seconds: 4, holdFor: .seconds(100))
        }

        // MARK: - the scenarios

        /// The standard conf in relay mode, media on 127.0.0.1 at `relayRange`.
        static func conf(_ test: TestContext) -> LegatoConf {
            var conf = test.conf()
            let range = relayRange(test)
            conf.mediaSection = ["  mode: relay", "  address: 127.0.0.1",
                                 "  port_min: \(range.lowerBound)", "  port_max: \(range.upperBound)"]
            return conf
        }

        /// 20 relay ports of this test's own, base+10000…+10019: apart from
        /// `TestContext.relayLow` (+20000) and the load tests' (+30000).
        static func relayRange(_ test: TestContext) -> ClosedRange<Int> {
            (test.ports.base + 10_000)...(test.ports.base + 10_019)
        }

        static func tones(_ test: TestContext, seconds: Double) throws -> (baresip: String, linphone: String) {
            let baresip = test.artifacts.path("tone-440.wav"), linphone = test.artifacts.path("tone-1000.wav")
            try ToneAudio.writeTone(frequency: baresipTone, seconds: seconds, to: baresip)
            try ToneAudio.writeTone(frequency: linphoneTone, seconds: seconds, to: linphone)
            return (baresip, linphone)
        }

        /// baresip dials 1000 through Legato to linphonec (auto-answer); the
        /// call stays up for `holdFor` (it must not end by itself), then both
        /// talk until each has heard `seconds` more, baresip hangs up; the
        /// audio checked is what each heard in those last seconds.
        static func call(_ test: TestContext, conf: LegatoConf, seconds: Double,
                         holdFor: Duration = .zero) async throws {
            let callLength = Double(holdFor.components.seconds) + seconds + 30
            let tones = try tones(test, seconds: callLength)
            var baresipOptions = Baresip.Options.caller(test.ports, tone: tones.baresip)
            var linphoneOptions = Linphone.Options.callee(test.ports, tone: tones.linphone)
            baresipOptions.timeLimit = .seconds(Int64(callLength) + 60)
            linphoneOptions.timeLimit = .seconds(Int64(callLength) + 60)
            let range = relayRange(test)
            let (baresip, linphone, marks, leftBound) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let sides = try await withLinphone(linphoneOptions, artifacts: test.artifacts) { linphone in
                    try await withBaresip(baresipOptions, artifacts: test.artifacts) { baresip in
                        try await baresip.dial("sip:1000@127.0.0.1:\(legato.port)")
                        try #require(await baresip.waitForEvent("CALL_ESTABLISHED", timeout: .seconds(15)),
                                     "baresip: no CALL_ESTABLISHED; logs \(baresip.logPath) \(linphone.logPath) \(legato.logPath)")
                        try #require(await linphone.waitForConnected(), "linphonec not connected; \(linphone.consolePath)")
                        if holdFor > .zero {
                            // Bounded wait for what must not happen: the call ending on either side.
                            let ended = await waitUntil(timeout: holdFor, interval: .milliseconds(500)) {
                                baresip.control.pump()
                                return baresip.control.events.contains { $0.type == "CALL_CLOSED" }
                                    || linphone.console.contains(" ended (")
                            }
                            try #require(!ended, """
                                the call ended before \(holdFor); logs \(baresip.logPath) \(linphone.consolePath) \(legato.logPath)
                                """)
                        }
                        let marks = (baresip.recordedSeconds(), linphone.recordedSeconds)
                        try await talk(baresip, linphone, seconds: seconds, after: marks, legato: legato)
                        try await baresip.control.command("hangup")
                        #expect(await baresip.waitForEvent("CALL_CLOSED", timeout: .seconds(5)), "log \(baresip.logPath)")
                        #expect(await linphone.waitForEnded(), "console \(linphone.consolePath)")
                        return (baresip, linphone, marks)
                    }
                }
                let bound = await legato.boundUDPPorts(in: range)
                try await legato.expectNoCallsLeft()
                return (sides.0, sides.1, sides.2, bound)
            }
            #expect(leftBound.isEmpty, "relay ports still bound after the call: \(leftBound)")
            expectHears(baresip, linphone, after: marks)
        }

        /// Waits until each side has recorded `seconds` more than at `after` (at most `seconds` + 10 s).
        static func talk(_ baresip: Baresip, _ linphone: Linphone, seconds: Double,
                         after marks: (Double, Double) = (0, 0), legato: LegatoProcess) async throws {
            let heard = await waitUntil(timeout: .seconds(seconds + 10), interval: .milliseconds(100)) {
                baresip.recordedSeconds() >= marks.0 + seconds && linphone.recordedSeconds >= marks.1 + seconds
            }
            #expect(heard, """
                not \(seconds) s of audio both ways: baresip heard \(baresip.recordedSeconds() - marks.0) s, \
                linphonec \(linphone.recordedSeconds - marks.1) s; logs \(baresip.logPath) \(linphone.logPath) \(legato.logPath)
                """)
        }

        // MARK: - checks

        /// baresip heard linphonec's tone and linphonec baresip's, from `marks` (seconds into each recording) on.
        static func expectHears(_ baresip: Baresip, _ linphone: Linphone, after marks: (Double, Double) = (0, 0),
                                sourceLocation: SourceLocation = #_sourceLocation) {
            let baresipHeard = (try? baresip.recording())?.dropFirst(seconds: marks.0 + 0.5)
            expectTone(baresipHeard, linphoneTone, who: "baresip", where: "\(baresip.recordingPath() ?? "?"), log \(baresip.logPath)",
                       sourceLocation: sourceLocation)
            let linphoneHeard = (try? linphone.recording())?.dropFirst(seconds: marks.1 + 0.5)
            expectTone(linphoneHeard, baresipTone, who: "linphonec", where: "\(linphone.recordingPath), log \(linphone.logPath)",
                       sourceLocation: sourceLocation)
        }

        /// `recording` is at least 3 s, dominated by `tone`, mostly not silent.
        static func expectTone(_ recording: ToneAudio.Recording?, _ tone: Double, who: String, where place: String,
                               sourceLocation: SourceLocation) {
            guard let recording else {
                Issue.record("\(who) recorded nothing; \(place)", sourceLocation: sourceLocation)
                return
            }
            let dominant = ToneAudio.dominant(of: candidates, in: recording)
            let loud = ToneAudio.nonSilentFraction(of: recording)
            #expect(recording.seconds >= 3, "\(who) heard only \(recording.seconds) s; \(place)", sourceLocation: sourceLocation)
            #expect(dominant?.frequency == tone && (dominant?.ratio ?? 0) > 10,
                    "\(who) heard \(dominant.map(String.init(describing:)) ?? "nothing"), not \(Int(tone)) Hz; \(place)",
                    sourceLocation: sourceLocation)
            #expect(loud > 0.8, "\(who)'s recording is \(Int((1 - loud) * 100)) % silence; \(place)",
                    sourceLocation: sourceLocation)
        }
    }
}
