import Foundation
import Testing

extension Integration {
    /// `action: play` with prompts other than WAV: FLAC, Ogg/Vorbis and MP3
    /// (written by the test with libsndfile), named by `file://` URLs; the
    /// caller (baresip, PCMU) must hear the file's 1000 Hz tone.
    @Suite("Prompt formats")
    struct PromptFormats {
        @Test("action: play of a file:// URL to a FLAC / Ogg Vorbis / MP3 prompt: the caller hears its 1000 Hz tone, then Legato hangs up",
              arguments: ["flac", "ogg", "mp3"])
        func playFormat(format: String) async throws {
            let test = try TestContext()
            let prompt = test.artifacts.path("prompt-1000.\(format)")
            try SoundFileAudio.writeTone(frequency: 1000, seconds: 3, to: prompt, format: format)
            let callerTone = test.artifacts.path("tone-440.wav")
            try ToneAudio.writeTone(frequency: 440, seconds: 60, to: callerTone)
            let conf = BaresipMediaApps.conf(test, [.init(name: "announce", ruriUser: "^announce$",
                                                          action: .lines(["action: play", "file: \"file://\(prompt)\"",
                                                                          "then: hangup"]))])
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                try await withBaresip(.caller(test.ports, tone: callerTone), artifacts: test.artifacts) { caller in
                    try await BaresipMediaApps.dial(caller, "announce", legato)
                    #expect(await caller.waitForEvent("CALL_CLOSED", timeout: .seconds(10)),
                            "Legato did not hang up after the prompt; logs \(caller.logPath) \(legato.logPath)")
                    let heard = try caller.recording()
                    #expect(heard.seconds >= 2.5 && heard.seconds <= 5, "heard \(heard.seconds) s; log \(caller.logPath)")
                    let body = heard.slice(from: 0.3, to: 2.7)
                    let dominant = ToneAudio.dominant(of: BaresipMediaApps.candidates, in: body)
                    #expect(dominant?.frequency == 1000 && (dominant?.ratio ?? 0) > 10,
                            "the caller heard \(String(describing: dominant)); log \(caller.logPath)")
                    #expect(ToneAudio.nonSilentFraction(of: body) > 0.9, "the prompt has gaps; log \(caller.logPath)")
                    let clean = ToneAudio.toneFraction(at: 1000, in: body)
                    #expect(clean > 0.7, "only \(clean) of what the caller heard is the 1000 Hz tone")
                }
                #expect(legato.log.contains("call.playback-started"), "log \(legato.logPath)")
                #expect(!legato.log.contains("call.playback-failed"), "log \(legato.logPath)")
                try await legato.expectNoCallsLeft()
            }
        }
    }
}
