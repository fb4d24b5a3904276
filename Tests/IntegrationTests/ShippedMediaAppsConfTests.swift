import Foundation
import Testing

extension Integration {
    /// `conf/examples/media-apps.conf` as shipped — only its ports, the
    /// prompt's install path (the repository's `conf/sounds/closed.wav`) and
    /// the recordings folder moved — with real clients (baresip): the
    /// announcement route plays the shipped prompt, the TTS route speaks,
    /// and the recorded trunk route records a bridged call.
    @Suite("Shipped media-apps conf")
    struct ShippedMediaAppsConf {
        static let prompt = Paths.packageRoot.appendingPathComponent("conf/sounds/closed.wav").path

        /// The shipped conf on this test's ports, recordings into `recordings`.
        static func conf(_ test: TestContext, recordings: String) throws -> LegatoConf {
            let shipped = try String(contentsOf: Paths.packageRoot.appendingPathComponent("conf/examples/media-apps.conf"),
                                     encoding: .utf8)
            let moves = [
                "port: 21060": "port: \(test.ports.legato)",
                "uri: sip:127.0.0.1:21080": "uri: sip:127.0.0.1:\(test.ports.uas)",
                "port_min: 41000": "port_min: \(test.relayLow)",
                "port_max: 41999": "port_max: \(test.relayLow + 19)",
                "/usr/share/legato/sounds/closed.wav": prompt,
                "recordings: /var/lib/legato/recordings": "recordings: \(recordings)",
            ]
            var yaml = shipped
            for (from, to) in moves {
                guard yaml.contains(from) else { throw HarnessError("media-apps.conf no longer has '\(from)'") }
                yaml = yaml.replacingOccurrences(of: from, with: to)
            }
            // As in every generated conf: no overload shedding on a shared two-core machine.
            yaml += "\nsignalling:\n  overload_lag_ms: 0\n"
            var conf = test.conf()
            conf.verbatim = yaml
            return conf
        }

        @Test("route announcement: the caller hears the shipped prompt (its length, its loudness envelope), then Legato hangs up; route tts: speech, then hang-up")
        func shippedPrompts() async throws {
            let test = try TestContext()
            let recordings = test.artifacts.path("recordings")
            try FileManager.default.createDirectory(atPath: recordings, withIntermediateDirectories: true)
            let callerTone = test.artifacts.path("tone-440.wav")
            try ToneAudio.writeTone(frequency: 440, seconds: 60, to: callerTone)
            let file = try #require(try SoundFileAudio.read(Self.prompt).channels.first, "the shipped prompt has no audio")
            #expect(file.seconds >= 1 && file.seconds <= 10, "the shipped prompt lasts \(file.seconds) s")
            try await withLegato(try Self.conf(test, recordings: recordings), artifacts: test.artifacts) { legato in
                let heard = try await withBaresip(.caller(test.ports, tone: callerTone), artifacts: test.artifacts) { caller in
                    try await BaresipMediaApps.dial(caller, "announce", legato)
                    #expect(await caller.waitForEvent("CALL_CLOSED", timeout: .seconds(15)),
                            "Legato did not hang up after the prompt; logs \(caller.logPath) \(legato.logPath)")
                    return try caller.recording()
                }
                // The whole prompt, and not much more (Legato hangs up once it has played).
                #expect(heard.seconds >= file.seconds - 0.5 && heard.seconds <= file.seconds + 1.5,
                        "heard \(heard.seconds) s of a \(file.seconds) s prompt")
                let loud = ToneAudio.nonSilentFraction(of: heard), fileLoud = ToneAudio.nonSilentFraction(of: file)
                #expect(loud > 0.3 && loud >= 0.7 * fileLoud, "heard \(loud) non-silent, the file \(fileLoud)")
                // The prompt itself: its loudness envelope (20 ms frames) matches what the caller heard.
                let match = Self.envelopeCorrelation(file, heard)
                #expect(match > 0.8, "the caller's audio follows the prompt's envelope only \(match)")
                let dominant = ToneAudio.dominant(of: BaresipMediaApps.candidates, in: heard)
                #expect(!(dominant?.frequency == 440 && (dominant?.ratio ?? 0) > 10), "the caller heard its own tone")

                let spoken = try await withBaresip(.caller(test.ports, tone: callerTone), artifacts: test.artifacts) { caller in
                    try await BaresipMediaApps.dial(caller, "tts", legato)
                    #expect(await caller.waitForEvent("CALL_CLOSED", timeout: .seconds(15)),
                            "Legato did not hang up after the TTS prompt; logs \(caller.logPath) \(legato.logPath)")
                    return try caller.recording()
                }
                #expect(spoken.seconds >= 1 && spoken.seconds <= 6, "heard \(spoken.seconds) s of TTS")
                #expect(ToneAudio.nonSilentFraction(of: spoken) > 0.3, "the TTS prompt is (mostly) silent")
                #expect(!legato.log.contains("call.playback-failed"), "a playback failed; log \(legato.logPath)")
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("route recorded-trunk: the call is bridged both ways and recorded as a stereo WAV named by the call id")
        func shippedRecordedTrunk() async throws {
            let test = try TestContext()
            let recordings = test.artifacts.path("recordings")
            try FileManager.default.createDirectory(atPath: recordings, withIntermediateDirectories: true)
            let call = try await BaresipMedia.talk(test, conf: try Self.conf(test, recordings: recordings), seconds: 4)
            BaresipMedia.expectHears(call.caller, BaresipMedia.calleeTone)
            BaresipMedia.expectHears(call.callee, BaresipMedia.callerTone)
            let path = try RecordFormats.recordedFile(test, folder: recordings, extension: "wav")
            RecordFormats.expectCallerLeftCalleeRight(try SoundFileAudio.read(path), path: path)
        }

        /// The best Pearson correlation of the two recordings' RMS envelopes
        /// (20 ms frames), `heard` shifted by 0…1 s against `file` (the
        /// prompt starts a little after the answer). Both at any rate.
        static func envelopeCorrelation(_ file: ToneAudio.Recording, _ heard: ToneAudio.Recording) -> Double {
            func envelope(_ recording: ToneAudio.Recording) -> [Double] {
                let frame = max(1, recording.sampleRate / 50)
                return stride(from: 0, to: recording.samples.count - frame + 1, by: frame).map { start in
                    (recording.samples[start..<start + frame].reduce(0) { $0 + $1 * $1 } / Double(frame)).squareRoot()
                }
            }
            let a = envelope(file), b = envelope(heard)
            var best = -1.0
            for lag in 0...50 where lag < b.count {
                let n = min(a.count, b.count - lag)
                guard n > 25 else { break }
                let x = Array(a[0..<n]), y = Array(b[lag..<lag + n])
                let mx = x.reduce(0, +) / Double(n), my = y.reduce(0, +) / Double(n)
                var sxy = 0.0, sxx = 0.0, syy = 0.0
                for i in 0..<n {
                    sxy += (x[i] - mx) * (y[i] - my)
                    sxx += (x[i] - mx) * (x[i] - mx)
                    syy += (y[i] - my) * (y[i] - my)
                }
                if sxx > 0, syy > 0 { best = max(best, sxy / (sxx * syy).squareRoot()) }
            }
            return best
        }
    }
}
