import Foundation
import Testing

extension Integration {
    /// Media applications heard by a real client (baresip): a played file,
    /// a TTS prompt, US ringback before the callee answers, a stereo
    /// recording of a bridged call, and bad input that must not end the
    /// daemon (or, where the prompt is not the call's only purpose, the call).
    @Suite("Baresip media applications")
    struct BaresipMediaApps {
        static let candidates: [Double] = [300, 440, 480, 700, 1000, 1500]

        /// A relay conf whose first routes are `routes` (then the standard bridge to the callee).
        static func conf(_ test: TestContext, _ routes: [LegatoConf.Route], media: [String] = []) -> LegatoConf {
            var conf = test.relayConf(extraMedia: media)
            conf.routes.insert(contentsOf: routes, at: 0)
            return conf
        }

        /// The caller dials `user`; returns once the call is established.
        static func dial(_ caller: Baresip, _ user: String, _ legato: LegatoProcess) async throws {
            try await caller.dial("sip:\(user)@127.0.0.1:\(legato.port)")
            try #require(await caller.waitForEvent("CALL_ESTABLISHED", timeout: .seconds(15)),
                         "caller: no CALL_ESTABLISHED; logs \(caller.logPath) \(legato.logPath)")
        }

        /// The relay conf with `record: true` on the bridge route, recordings in `folder` (WAV unless `format` says).
        static func recordingConf(_ test: TestContext, folder: String, format: String? = "wav") -> LegatoConf {
            var conf = test.relayConf(extraMedia: ["  recordings: \(folder)"] + (format.map { ["  record_format: \($0)"] } ?? []))
            conf.routes = conf.routes.map { route in
                var route = route
                if case .bridge = route.action { route.extra = ["record: true"] }
                return route
            }
            return conf
        }

        /// The caller holds (re-INVITE), waits 1.5 s and resumes; both offers answered.
        static func holdAndResume(_ caller: Baresip, _ legato: LegatoProcess) async throws {
            try await caller.control.command("hold")
            try #require(await caller.waitForEvent("CALL_REMOTE_SDP", count: 2),
                         "the hold was not answered; logs \(caller.logPath) \(legato.logPath)")
            try await Task.sleep(for: .seconds(1.5))
            try await caller.control.command("resume")
            try #require(await caller.waitForEvent("CALL_REMOTE_SDP", count: 3),
                         "the resume was not answered; logs \(caller.logPath) \(legato.logPath)")
        }

        /// The caller's codecs: G.711, Opus (libopus; baresip's opus module) and
        /// G.722 only (the 16 kHz path: the 8 kHz file resampled, then G.722-encoded;
        /// baresip names it by its audio rate, `G722/16000/1`, plain `G722` is not found).
        @Test("action: play — the caller hears the file (a 1000 Hz tone) in its codec, then Legato hangs up",
              arguments: ["PCMU", "opus/48000/2", "G722/16000/1"])
        func playFile(codecs: String) async throws {
            let test = try TestContext()
            let prompt = test.artifacts.path("prompt-1000.wav")
            try ToneAudio.writeTone(frequency: 1000, seconds: 3, to: prompt)
            let callerTone = test.artifacts.path("tone-440.wav")
            try ToneAudio.writeTone(frequency: 440, seconds: 60, to: callerTone)
            let conf = Self.conf(test, [.init(name: "announce", ruriUser: "^announce$",
                                              action: .lines(["action: play", "file: \"\(prompt)\"", "then: hangup"]))])
            var options = Baresip.Options.caller(test.ports, tone: callerTone)
            options.audioCodecs = codecs
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                try await withBaresip(options, artifacts: test.artifacts) { caller in
                    try await Self.dial(caller, "announce", legato)
                    #expect(await caller.waitForEvent("CALL_CLOSED", timeout: .seconds(10)),
                            "Legato did not hang up after the prompt; logs \(caller.logPath) \(legato.logPath)")
                    // Legato's answer names the caller's codec (for Opus, it encodes with libopus).
                    let answer = caller.log.components(separatedBy: "SIP/2.0 200 OK").dropFirst().first ?? ""
                    let rtpmaps = ["PCMU": "PCMU/8000", "opus/48000/2": "opus/48000", "G722/16000/1": "G722/8000"]
                    #expect(answer.contains(rtpmaps[codecs] ?? codecs), "Legato's answer names no \(codecs); log \(caller.logPath)")
                    let heard = try caller.recording()
                    #expect(heard.seconds >= 2.5 && heard.seconds <= 5, "heard \(heard.seconds) s; log \(caller.logPath)")
                    let dominant = ToneAudio.dominant(of: Self.candidates, in: heard)
                    #expect(dominant?.frequency == 1000 && (dominant?.ratio ?? 0) > 10,
                            "the caller heard \(String(describing: dominant)); log \(caller.logPath)")
                    #expect(ToneAudio.nonSilentFraction(of: heard.slice(from: 0.3, to: 2.7)) > 0.9)
                    // A clean tone: no noise or distortion from decoding, resampling and encoding.
                    let clean = ToneAudio.toneFraction(at: 1000, in: heard.slice(from: 0.3, to: 2.7))
                    #expect(clean > 0.7, "only \(clean) of what the caller heard is the 1000 Hz tone; log \(caller.logPath)")
                }
                let started = legato.log.split(whereSeparator: \.isNewline).first { $0.contains("call.playback-started") }
                #expect(started?.contains("codec=\(codecs.split(separator: "/")[0]) ") == true,
                        "playback not started in the caller's codec: \(started ?? "none"); log \(legato.logPath)")
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("hold and resume during a playback: the prompt goes on after the resume, then Legato hangs up")
        func holdDuringPlayback() async throws {
            let test = try TestContext()
            let prompt = test.artifacts.path("prompt-1000.wav")
            try ToneAudio.writeTone(frequency: 1000, seconds: 9, to: prompt)
            let callerTone = test.artifacts.path("tone-440.wav")
            try ToneAudio.writeTone(frequency: 440, seconds: 60, to: callerTone)
            let conf = Self.conf(test, [.init(name: "announce", ruriUser: "^announce$",
                                              action: .lines(["action: play", "file: \"\(prompt)\"", "then: hangup"]))])
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                try await withBaresip(.caller(test.ports, tone: callerTone), artifacts: test.artifacts) { caller in
                    try await Self.dial(caller, "announce", legato)
                    _ = await waitUntil(timeout: .seconds(5), interval: .milliseconds(100)) { caller.recordedSeconds() >= 1.5 }
                    try await Self.holdAndResume(caller, legato)
                    // baresip drops its decode recorder at a hold: echo what it hears into its encode recording.
                    try await caller.startEcho(device: "echo")
                    let from = caller.recordedSeconds(heard: false)
                    _ = await waitUntil(timeout: .seconds(6), interval: .milliseconds(100)) {
                        caller.recordedSeconds(heard: false) >= from + 2
                    }
                    let echoed = try caller.recording(heard: false).dropFirst(seconds: from + 0.3)
                    let dominant = ToneAudio.dominant(of: Self.candidates, in: echoed)
                    #expect(echoed.seconds >= 1 && dominant?.frequency == 1000,
                            "after the resume the caller heard \(String(describing: dominant)) for \(echoed.seconds) s; log \(caller.logPath)")
                    #expect(await caller.waitForEvent("CALL_CLOSED", timeout: .seconds(12)),
                            "Legato did not hang up after the prompt; logs \(caller.logPath) \(legato.logPath)")
                }
                #expect(!legato.log.contains("call.playback-failed"))
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("action: play, then: bridge — the caller hears the prompt in early media, then talks with the callee")
        func playThenBridge() async throws {
            let test = try TestContext()
            let prompt = test.artifacts.path("prompt-1500.wav")
            try ToneAudio.writeTone(frequency: 1500, seconds: 2, to: prompt)
            let tones = try BaresipMedia.tones(test)
            let conf = Self.conf(test, [.init(name: "welcome", ruriUser: "^welcome$",
                                              action: .lines(["action: play", "file: \"\(prompt)\"", "then: bridge",
                                                              "trunk: local", "user: \"1000\""]))])
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                try await withBaresip(.callee(test.ports, tone: tones.callee), artifacts: test.artifacts) { callee in
                    try await withBaresip(.caller(test.ports, tone: tones.caller), artifacts: test.artifacts) { caller in
                        try await Self.dial(caller, "welcome", legato)
                        try #require(await callee.waitForEvent("CALL_ESTABLISHED", timeout: .seconds(5)),
                                     "the callee was not bridged after the prompt; logs \(callee.logPath) \(legato.logPath)")
                        _ = await waitUntil(timeout: .seconds(8), interval: .milliseconds(100)) {
                            caller.recordedSeconds() >= 3 && callee.recordedSeconds() >= 3
                        }
                        try await BaresipMedia.hangUp(caller, callee)
                        // baresip starts a new recording when the 200's SDP re-points its stream: the first
                        // one holds the early media (the prompt), the last one the conversation.
                        let files = try FileManager.default.contentsOfDirectory(atPath: caller.recordingDirectory.path)
                            .filter { $0.hasSuffix("-dec.wav") }.sorted()
                        try #require(files.count >= 1, "no recordings; log \(caller.logPath)")
                        let early = try ToneAudio.readWAV(caller.recordingDirectory.appendingPathComponent(files[0]).path)
                        #expect(early.seconds >= 1.5, "early media: \(early.seconds) s")
                        #expect(ToneAudio.dominant(of: Self.candidates, in: early.slice(from: 0.2, to: 1.5))?.frequency == 1500,
                                "the caller did not hear the prompt first; log \(caller.logPath)")
                        let heard = try caller.recording()
                        #expect(ToneAudio.dominant(of: Self.candidates, in: heard.suffix(seconds: 2))?.frequency == 1000,
                                "the caller did not hear the callee after the prompt; log \(caller.logPath)")
                        BaresipMedia.expectHears(callee, BaresipMedia.callerTone, atLeast: 2.5)
                    }
                }
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("action: say — the caller hears speech (non-silent, 1–6 s) from espeak-ng, then Legato hangs up")
        func sayText() async throws {
            let test = try TestContext()
            let callerTone = test.artifacts.path("tone-440.wav")
            try ToneAudio.writeTone(frequency: 440, seconds: 60, to: callerTone)
            let conf = Self.conf(test, [.init(name: "speak", ruriUser: "^tts$",
                                              action: .lines(["action: say", "text: \"The office is closed.\"",
                                                              "voice: en", "then: hangup"]))])
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                try await withBaresip(.caller(test.ports, tone: callerTone), artifacts: test.artifacts) { caller in
                    try await Self.dial(caller, "tts", legato)
                    #expect(await caller.waitForEvent("CALL_CLOSED", timeout: .seconds(15)),
                            "Legato did not hang up after the prompt; logs \(caller.logPath) \(legato.logPath)")
                    let heard = try caller.recording()
                    #expect(heard.seconds >= 1 && heard.seconds <= 6, "heard \(heard.seconds) s; log \(caller.logPath)")
                    #expect(ToneAudio.nonSilentFraction(of: heard) > 0.3, "the prompt is (mostly) silent")
                    // Speech, not the caller's own tone coming back.
                    let dominant = ToneAudio.dominant(of: Self.candidates, in: heard)
                    #expect(!(dominant?.frequency == 440 && (dominant?.ratio ?? 0) > 10), "the caller heard its own tone")
                }
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("bad prompts: a missing file, a corrupt file, an unsupported format — answered, error logged, hung up; the daemon goes on")
        func badFiles() async throws {
            let test = try TestContext()
            let corrupt = test.artifacts.path("corrupt.wav")
            try Data("RIFF\u{0}\u{0}\u{0}\u{0}WAVEjunkjunkjunk".utf8).write(to: URL(fileURLWithPath: corrupt))
            let text = test.artifacts.path("prompt.txt")
            try Data("not audio at all\n".utf8).write(to: URL(fileURLWithPath: text))
            let callerTone = test.artifacts.path("tone-440.wav")
            try ToneAudio.writeTone(frequency: 440, seconds: 60, to: callerTone)
            let files = ["missing": test.artifacts.path("nowhere.wav"), "corrupt": corrupt, "unsupported": text]
            let conf = Self.conf(test, files.sorted(by: { $0.key < $1.key }).map { name, path in
                .init(name: name, ruriUser: "^\(name)$", action: .lines(["action: play", "file: \"\(path)\"", "then: hangup"]))
            })
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                for name in files.keys.sorted() {
                    try await withBaresip(.caller(test.ports, tone: callerTone), artifacts: test.artifacts) { caller in
                        try await Self.dial(caller, name, legato)
                        #expect(await caller.waitForEvent("CALL_CLOSED", timeout: .seconds(10)),
                                "\(name): not hung up after the failed prompt; logs \(caller.logPath) \(legato.logPath)")
                    }
                }
                let failures = legato.log.components(separatedBy: "call.playback-failed").count - 1
                #expect(failures == 3, "\(failures) playback failures logged; log \(legato.logPath)")
                #expect(legato.log.contains("cannot read"), "no 'cannot read' for the missing file")
                #expect(legato.log.contains("unsupported or corrupt"), "no 'unsupported or corrupt' error")
                #expect(legato.isRunning)
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("ringback: US — the caller hears 440+480 Hz while the callee rings without early media, then the callee's tone")
        func ringbackUS() async throws {
            let test = try TestContext()
            let tones = try BaresipMedia.tones(test)
            var conf = test.relayConf()
            conf.routes = conf.routes.map { route in
                var route = route
                if case .bridge = route.action { route.extra = ["ringback: US"] }
                return route
            }
            var calleeOptions = Baresip.Options.callee(test.ports, tone: tones.callee)
            calleeOptions.autoAnswer = false
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                try await withBaresip(calleeOptions, artifacts: test.artifacts) { callee in
                    try await withBaresip(.caller(test.ports, tone: tones.caller), artifacts: test.artifacts) { caller in
                        try await caller.dial("sip:1000@127.0.0.1:\(legato.port)")
                        try #require(await callee.waitForEvent("CALL_INCOMING", timeout: .seconds(10)),
                                     "the callee was not called; log \(callee.logPath) \(legato.logPath)")
                        // The ringback cadence is 2 s on, 4 s off: listen 3 s (a full tone burst).
                        _ = await waitUntil(timeout: .seconds(8), interval: .milliseconds(100)) { caller.recordedSeconds() >= 3 }
                        try await callee.control.command("accept")
                        try #require(await caller.waitForEvent("CALL_ESTABLISHED", timeout: .seconds(10)),
                                     "caller: no CALL_ESTABLISHED; logs \(caller.logPath) \(legato.logPath)")
                        let from = caller.recordedSeconds()
                        _ = await waitUntil(timeout: .seconds(10), interval: .milliseconds(100)) { caller.recordedSeconds() >= from + 3 }
                        try await BaresipMedia.hangUp(caller, callee)
                        let heard = try caller.recording()
                        let ringing = heard.slice(from: 0.2, to: 1.8)
                        let p440 = ToneAudio.power(at: 440, in: ringing), p480 = ToneAudio.power(at: 480, in: ringing)
                        let others = [300.0, 700, 1000, 1500].map { ToneAudio.power(at: $0, in: ringing) }.max() ?? 0
                        #expect(p440 > 20 * others && p480 > 20 * others,
                                "before the answer the caller heard 440: \(p440), 480: \(p480), others \(others); log \(caller.logPath)")
                        #expect(ToneAudio.nonSilentFraction(of: ringing) > 0.9, "no ringback tone in the first 2 s")
                        // The cadence: silence after the 2 s burst.
                        let gap = heard.slice(from: 2.3, to: min(3, from))
                        #expect(gap.samples.isEmpty || ToneAudio.nonSilentFraction(of: gap) < 0.2,
                                "no silence after the first ringback burst")
                        let talk = heard.dropFirst(seconds: from + 0.5)
                        #expect(ToneAudio.dominant(of: Self.candidates, in: talk)?.frequency == 1000,
                                "after the answer the caller did not hear the callee; log \(caller.logPath)")
                    }
                }
                #expect(legato.log.contains("relay.ringback"))
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("record: true — a stereo WAV named by the call id, caller's 440 Hz left, callee's 1000 Hz right")
        func recordStereo() async throws {
            let test = try TestContext()
            let folder = test.artifacts.path("recordings")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let conf = Self.recordingConf(test, folder: folder)
            _ = try await BaresipMedia.talk(test, conf: conf, seconds: 4)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".wav") }
            try #require(files.count == 1, "recordings: \(files)")
            let (left, right) = try Self.stereo(folder + "/" + files[0])
            #expect(left.seconds >= 3, "only \(left.seconds) s recorded")
            #expect(ToneAudio.dominant(of: Self.candidates, in: left)?.frequency == 440, "left is not the caller's 440 Hz")
            #expect(ToneAudio.dominant(of: Self.candidates, in: right)?.frequency == 1000, "right is not the callee's 1000 Hz")
            #expect(ToneAudio.nonSilentFraction(of: left.dropFirst(seconds: 0.5)) > 0.8)
            #expect(ToneAudio.nonSilentFraction(of: right.dropFirst(seconds: 0.5)) > 0.8)
        }

        @Test("record: true into an unwritable folder — the error is logged, the call goes on both ways")
        func recordUnwritable() async throws {
            let test = try TestContext()
            let conf = Self.recordingConf(test, folder: "/proc/legato-no-such-folder", format: nil)
            let call = try await BaresipMedia.talk(test, conf: conf, seconds: 4)
            BaresipMedia.expectHears(call.caller, BaresipMedia.calleeTone)
            BaresipMedia.expectHears(call.callee, BaresipMedia.callerTone)
            let log = Artifacts.read(test.artifacts.path("legato.log"))
            #expect(log.contains("call.record-failed"), "no call.record-failed in the log")
        }

        @Test("hold and resume during a recording: the WAV stays valid and carries both sides after the resume")
        func holdDuringRecording() async throws {
            let test = try TestContext()
            let folder = test.artifacts.path("recordings")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let conf = Self.recordingConf(test, folder: folder)
            let tones = try BaresipMedia.tones(test)
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                try await withBaresip(.callee(test.ports, tone: tones.callee), artifacts: test.artifacts) { callee in
                    try await withBaresip(.caller(test.ports, tone: tones.caller), artifacts: test.artifacts) { caller in
                        try await Self.dial(caller, "1000", legato)
                        _ = await waitUntil(timeout: .seconds(5), interval: .milliseconds(100)) { caller.recordedSeconds() >= 1.5 }
                        try await Self.holdAndResume(caller, legato)
                        try await Task.sleep(for: .seconds(3))
                        try await BaresipMedia.hangUp(caller, callee)
                    }
                }
                _ = await waitUntil(timeout: .seconds(5)) { legato.log.contains("call.record-stopped") }
                #expect(legato.log.contains("call.record-stopped"), "no call.record-stopped; log \(legato.logPath)")
                #expect(!legato.log.contains("call.record-failed"))
                try await legato.expectNoCallsLeft()
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".wav") }
            try #require(files.count == 1, "recordings: \(files)")
            let path = folder + "/" + files[0]
            // Valid: the RIFF and data sizes written at the close match the file.
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
            #expect(u32(4) == bytes.count - 8, "RIFF size \(u32(4)), file \(bytes.count) bytes")
            if let data = bytes.indices.dropLast(8).first(where: { Array(bytes[$0..<($0 + 4)]) == Array("data".utf8) }) {
                #expect(u32(data + 4) == bytes.count - data - 8, "data size \(u32(data + 4)) of \(bytes.count - data - 8) bytes")
            } else {
                Issue.record("no data chunk in \(path)")
            }
            let (left, right) = try Self.stereo(path)
            #expect(left.seconds >= 5, "only \(left.seconds) s recorded")
            // After the resume (the last 2 s): the caller's 440 Hz left, the callee's 1000 Hz right.
            let leftTail = left.suffix(seconds: 2), rightTail = right.suffix(seconds: 2)
            #expect(ToneAudio.dominant(of: Self.candidates, in: leftTail)?.frequency == 440, "left after the resume")
            #expect(ToneAudio.dominant(of: Self.candidates, in: rightTail)?.frequency == 1000, "right after the resume")
            #expect(ToneAudio.nonSilentFraction(of: leftTail) > 0.8 && ToneAudio.nonSilentFraction(of: rightTail) > 0.8,
                    "silence after the resume in \(path)")
        }

        /// A 16-bit stereo WAV (libsndfile's canonical header) split into its channels.
        static func stereo(_ path: String) throws -> (ToneAudio.Recording, ToneAudio.Recording) {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            guard let range = bytes.indices.dropLast(8).first(where: { Array(bytes[$0..<($0 + 4)]) == Array("data".utf8) }) else {
                throw HarnessError("no data chunk in \(path)")
            }
            let start = range + 8
            var left: [Double] = [], right: [Double] = []
            var i = start
            while i + 3 < bytes.count {
                left.append(Double(Int16(bitPattern: UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8)) / 32768)
                right.append(Double(Int16(bitPattern: UInt16(bytes[i + 2]) | UInt16(bytes[i + 3]) << 8)) / 32768)
                i += 4
            }
            return (ToneAudio.Recording(sampleRate: 8000, samples: left), ToneAudio.Recording(sampleRate: 8000, samples: right))
        }
    }
}
