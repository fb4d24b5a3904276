import Testing

extension Integration {
    /// Two real SIP clients (baresip) call each other through Legato; each
    /// sends a tone (caller 440 Hz, callee 1000 Hz) and what each one hears
    /// is checked by content: its recording must be dominated by the other's tone.
    @Suite("Baresip media")
    struct BaresipMedia {
        static let callerTone = 440.0
        static let calleeTone = 1000.0
        /// The tones looked for; anything but the expected one winning fails.
        static let candidates: [Double] = [300, 440, 700, 1000, 1500]

        @Test("relay mode, RTP↔RTP: each baresip hears the other's tone, and its RTP comes from Legato's relay ports")
        func relayRTP() async throws {
            let test = try TestContext()
            let call = try await Self.talk(test, conf: Self.conf(test, mode: "relay"))
            Self.expectHears(call.caller, Self.calleeTone)
            Self.expectHears(call.callee, Self.callerTone)
            Self.expectMediaFromRelay(call, test)
        }

        @Test("direct mode: each baresip hears the other's tone, endpoint to endpoint")
        func directRTP() async throws {
            let test = try TestContext()
            let call = try await Self.talk(test, conf: Self.conf(test, mode: "direct"))
            Self.expectHears(call.caller, Self.calleeTone)
            Self.expectHears(call.callee, Self.callerTone)
            // Legato passed the SDP through: each side's RTP comes straight from the other's RTP port.
            #expect(call.caller.rtpSources == ["127.0.0.1:\(call.callee.options.rtpPort)"], "log \(call.caller.logPath)")
            #expect(call.callee.rtpSources == ["127.0.0.1:\(call.caller.options.rtpPort)"], "log \(call.callee.logPath)")
        }

        @Test("relay mode, SRTP↔SRTP: RTP/SAVP with SDES on both legs, Legato's own keys per leg, tones both ways")
        func relaySRTPToSRTP() async throws {
            let test = try TestContext()
            var conf = Self.conf(test, mode: "relay")
            conf.listenerSRTP = "required"
            conf.trunks[0].srtp = "required"
            let call = try await Self.talk(test, conf: conf, callerEncryption: "srtp-mand", calleeEncryption: "srtp-mand")
            Self.expectHears(call.caller, Self.calleeTone)
            Self.expectHears(call.callee, Self.callerTone)
            Self.expectMediaFromRelay(call, test)
            for side in [call.caller, call.callee] {
                #expect(side.log.contains("SRTP is Enabled"), "\(side.options.name) did not use SRTP; log \(side.logPath)")
                #expect(side.log.contains("RTP/SAVP"), "no RTP/SAVP in \(side.options.name)'s SIP trace; log \(side.logPath)")
            }
            // Legato terminates SRTP per leg with its own keys: no SDES key of one leg's
            // trace (the client's and Legato's) appears on the other leg.
            let callerKeys = Self.cryptoKeys(in: call.caller.log), calleeKeys = Self.cryptoKeys(in: call.callee.log)
            #expect(!callerKeys.isEmpty && !calleeKeys.isEmpty, "no a=crypto keys in the SIP traces")
            #expect(Set(callerKeys).isDisjoint(with: calleeKeys), "a key crossed Legato: \(callerKeys) / \(calleeKeys)")
        }

        @Test("relay mode, SRTP caller ↔ RTP callee: Legato decrypts on one leg and sends plain RTP on the other")
        func relaySRTPToRTP() async throws {
            let test = try TestContext()
            var conf = Self.conf(test, mode: "relay")
            conf.listenerSRTP = "required"
            conf.trunks[0].srtp = "off"
            let call = try await Self.talk(test, conf: conf, callerEncryption: "srtp-mand", calleeEncryption: nil)
            Self.expectHears(call.caller, Self.calleeTone)
            Self.expectHears(call.callee, Self.callerTone)
            Self.expectMediaFromRelay(call, test)
            #expect(call.caller.log.contains("SRTP is Enabled"), "caller did not use SRTP; log \(call.caller.logPath)")
            #expect(!call.callee.log.contains("a=crypto:"), "the callee was offered SRTP; log \(call.callee.logPath)")
            #expect(!call.callee.log.contains("RTP/SAVP"), "the callee was offered RTP/SAVP; log \(call.callee.logPath)")
        }

        @Test("direct mode: after hold (re-INVITE sendonly) and resume, the callee hears the caller's tone again")
        func directHoldResume() async throws {
            let test = try TestContext()
            try await Self.holdAndResume(test, conf: Self.conf(test, mode: "direct"))
        }

        @Test("relay mode: after hold (re-INVITE sendonly) and resume, the callee hears the caller's tone again")
        func relayHoldResume() async throws {
            let test = try TestContext()
            try await Self.holdAndResume(test, conf: Self.conf(test, mode: "relay"))
        }

        // MARK: - the scenarios

        /// The standard conf (numbers to the callee at `ports.uas`), in `mode`; relay ports base+20000…+19.
        static func conf(_ test: TestContext, mode: String) -> LegatoConf {
            let conf = mode == "relay" ? test.relayConf() : test.conf()
            return conf
        }

        struct Call {
            let caller: Baresip
            let callee: Baresip
        }

        /// Both tones, 60 s each (longer than any call: aufile hangs up at the end of its file).
        static func tones(_ test: TestContext) throws -> (caller: String, callee: String) {
            let caller = test.artifacts.path("tone-440.wav"), callee = test.artifacts.path("tone-1000.wav")
            try ToneAudio.writeTone(frequency: callerTone, seconds: 60, to: caller)
            try ToneAudio.writeTone(frequency: calleeTone, seconds: 60, to: callee)
            return (caller, callee)
        }

        /// Caller dials 1000 through Legato, both talk until each has heard
        /// `seconds` of audio (at most `seconds` + 10 s), the caller hangs up;
        /// both baresips and Legato are stopped when this returns. `codecs`:
        /// both clients' `audio_codecs` (nil keeps the default, PCMU).
        static func talk(_ test: TestContext, conf: LegatoConf, seconds: Double = 4,
                         callerEncryption: String? = nil, calleeEncryption: String? = nil,
                         codecs: String? = nil) async throws -> Call {
            let tones = try tones(test)
            var callerOptions = Baresip.Options.caller(test.ports, tone: tones.caller)
            callerOptions.mediaEncryption = callerEncryption
            var calleeOptions = Baresip.Options.callee(test.ports, tone: tones.callee)
            calleeOptions.mediaEncryption = calleeEncryption
            if let codecs {
                callerOptions.audioCodecs = codecs
                calleeOptions.audioCodecs = codecs
            }
            return try await withLegato(conf, artifacts: test.artifacts) { legato in
                let call = try await withBaresip(calleeOptions, artifacts: test.artifacts) { callee in
                    try await withBaresip(callerOptions, artifacts: test.artifacts) { caller in
                        try await establish(caller, callee, legato)
                        let heard = await waitUntil(timeout: .seconds(seconds + 10), interval: .milliseconds(100)) {
                            caller.recordedSeconds() >= seconds && callee.recordedSeconds() >= seconds
                        }
                        #expect(heard, """
                            not \(seconds) s of audio both ways: caller heard \(caller.recordedSeconds()) s, \
                            callee \(callee.recordedSeconds()) s; logs \(caller.logPath) \(callee.logPath) \(legato.logPath)
                            """)
                        try await hangUp(caller, callee)
                        return Call(caller: caller, callee: callee)
                    }
                }
                try await legato.expectNoCallsLeft()
                return call
            }
        }

        /// Hold and resume by the caller; the callee must hear 440 Hz again afterwards.
        ///
        /// baresip 1.0 drops its decode recorder at the hold, so after the
        /// resume the callee becomes an echo (`Baresip.startEcho`) and its
        /// encode recording — what it plays, i.e. what it hears — is checked.
        static func holdAndResume(_ test: TestContext, conf: LegatoConf) async throws {
            let tones = try tones(test)
            let callerOptions = Baresip.Options.caller(test.ports, tone: tones.caller)
            let calleeOptions = Baresip.Options.callee(test.ports, tone: tones.callee)
            let (caller, callee, echoFrom) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await withBaresip(calleeOptions, artifacts: test.artifacts) { callee in
                    try await withBaresip(callerOptions, artifacts: test.artifacts) { caller in
                        try await establish(caller, callee, legato)
                        let talked = await waitUntil(timeout: .seconds(12), interval: .milliseconds(100)) {
                            caller.recordedSeconds() >= 2 && callee.recordedSeconds() >= 2
                        }
                        #expect(talked, "no audio before the hold; logs \(caller.logPath) \(callee.logPath)")
                        // Each accepted offer/answer gives the caller one CALL_REMOTE_SDP: the call, the hold, the resume.
                        try await caller.control.command("hold")
                        try #require(await caller.waitForEvent("CALL_REMOTE_SDP", count: 2),
                                     "the hold re-INVITE was not answered (\(caller.failureResponses)); logs \(caller.logPath) \(legato.logPath)")
                        #expect(caller.log.contains("a=sendonly") && callee.log.contains("a=sendonly"),
                                "the callee was not offered sendonly; log \(callee.logPath)")
                        try await Task.sleep(for: .seconds(2))
                        try await caller.control.command("resume")
                        try #require(await caller.waitForEvent("CALL_REMOTE_SDP", count: 3),
                                     "the resume re-INVITE was not answered (\(caller.failureResponses)); logs \(caller.logPath) \(legato.logPath)")
                        try await callee.startEcho(device: "echo")
                        let echoFrom = callee.recordedSeconds(heard: false)
                        let echoed = await waitUntil(timeout: .seconds(10), interval: .milliseconds(100)) {
                            callee.recordedSeconds(heard: false) >= echoFrom + 3
                        }
                        #expect(echoed, "the callee's echo did not run; log \(callee.logPath)")
                        try await hangUp(caller, callee)
                        return (caller, callee, echoFrom)
                    }
                }
                try await legato.expectNoCallsLeft()
                return result
            }
            // Before the hold, both heard each other.
            expectHears(caller, calleeTone, atLeast: 2)
            expectHears(callee, callerTone, atLeast: 2)
            // After the resume: what the callee played (skipping the switch to the echo).
            let played = try callee.recording(heard: false).dropFirst(seconds: echoFrom + 0.5)
            let dominant = ToneAudio.dominant(of: candidates, in: played)
            #expect(played.seconds >= 2, "only \(played.seconds) s recorded after the resume")
            #expect(dominant?.frequency == callerTone && (dominant?.ratio ?? 0) > 10,
                    "after the resume the callee heard \(dominant.map(String.init(describing:)) ?? "nothing"); log \(callee.logPath)")
            let loud = ToneAudio.nonSilentFraction(of: played)
            #expect(loud > 0.8, "after the resume the callee heard silence \(Int((1 - loud) * 100)) % of the time")
        }

        /// Dials 1000 at Legato and waits until both sides report the call established.
        static func establish(_ caller: Baresip, _ callee: Baresip, _ legato: LegatoProcess) async throws {
            try await caller.dial("sip:1000@127.0.0.1:\(legato.port)")
            try #require(await caller.waitForEvent("CALL_ESTABLISHED", timeout: .seconds(15)),
                         "caller: no CALL_ESTABLISHED; logs \(caller.logPath) \(callee.logPath) \(legato.logPath)")
            try #require(await callee.waitForEvent("CALL_ESTABLISHED", timeout: .seconds(5)),
                         "callee: no CALL_ESTABLISHED; log \(callee.logPath)")
        }

        /// The caller hangs up; both must see the call closed.
        static func hangUp(_ caller: Baresip, _ callee: Baresip) async throws {
            try await caller.control.command("hangup")
            #expect(await caller.waitForEvent("CALL_CLOSED", timeout: .seconds(5)), "log \(caller.logPath)")
            #expect(await callee.waitForEvent("CALL_CLOSED", timeout: .seconds(5)), "log \(callee.logPath)")
        }

        // MARK: - checks

        /// `side` heard `tone`: at least `seconds` of it, dominated by it, mostly not silent.
        static func expectHears(_ side: Baresip, _ tone: Double, atLeast seconds: Double = 3.5,
                                sourceLocation: SourceLocation = #_sourceLocation) {
            guard let recording = try? side.recording() else {
                Issue.record("\(side.options.name) recorded nothing; log \(side.logPath)", sourceLocation: sourceLocation)
                return
            }
            let dominant = ToneAudio.dominant(of: candidates, in: recording)
            let loud = ToneAudio.nonSilentFraction(of: recording)
            let where_ = "\(side.recordingPath() ?? "?"), log \(side.logPath)"
            #expect(recording.seconds >= seconds, "\(side.options.name) heard only \(recording.seconds) s; \(where_)",
                    sourceLocation: sourceLocation)
            #expect(dominant?.frequency == tone && (dominant?.ratio ?? 0) > 10,
                    "\(side.options.name) heard \(dominant.map(String.init(describing:)) ?? "nothing"), not \(Int(tone)) Hz; \(where_)",
                    sourceLocation: sourceLocation)
            #expect(loud > 0.8, "\(side.options.name)'s recording is \(Int((1 - loud) * 100)) % silence; \(where_)",
                    sourceLocation: sourceLocation)
        }

        /// Relay mode: both sides' RTP came from Legato's relay range, and not from the same port.
        static func expectMediaFromRelay(_ call: Call, _ test: TestContext,
                                         sourceLocation: SourceLocation = #_sourceLocation) {
            let relay = (test.ports.base + 20_000)...(test.ports.base + 20_019)
            for side in [call.caller, call.callee] {
                let ports = side.rtpSources.compactMap { $0.split(separator: ":").last.flatMap { Int($0) } }
                #expect(!ports.isEmpty && ports.allSatisfy(relay.contains),
                        "\(side.options.name) got RTP from \(side.rtpSources), not from Legato's \(relay); log \(side.logPath)",
                        sourceLocation: sourceLocation)
            }
            #expect(Set(call.caller.rtpSources).isDisjoint(with: call.callee.rtpSources),
                    "both legs got RTP from the same relay port", sourceLocation: sourceLocation)
        }

        /// SDES inline keys (`a=crypto:… inline:KEY`) in a SIP trace.
        static func cryptoKeys(in log: String) -> [String] {
            log.components(separatedBy: "inline:").dropFirst().compactMap {
                $0.split(whereSeparator: { $0 == "|" || $0 == "\r" || $0 == "\n" || $0 == " " }).first.map(String.init)
            }
        }
    }
}
