import Foundation
import Legato
import Testing

/// Call logic for `SayTextLimit`: answers every call and says `texts` one
/// after the other, the next when the previous finishes (with or without an
/// error); keeps the playback events.
@SIPActor
final class SpeakingScenario: Scenario {
    let texts: [String]
    private(set) var call: Call?
    /// The ids `say` returned, in order.
    private(set) var said: [UInt64] = []
    private(set) var started: [UInt64] = []
    private(set) var finished: [(playback: UInt64, error: String?)] = []

    init(texts: [String]) { self.texts = texts }

    func callAlerting(_ alerting: CallAlerting, engine: CallEngine) {
        let call = alerting.call
        self.call = call
        call.addEventListener(.playbackStarted) { [weak self] event in
            if case .playbackStarted(let id) = event { self?.started.append(id) }
        }
        call.addEventListener(.playbackFinished) { [weak self, weak call] event in
            guard let self, let call, case .playbackFinished(let id, _, let error) = event else { return }
            self.finished.append((id, error))
            self.sayNext(call)
        }
        Task { @SIPActor in
            do {
                try await call.answer()
                self.sayNext(call)
            } catch {
                try? call.hangup()
            }
        }
    }

    private func sayNext(_ call: Call) {
        guard said.count < texts.count, call.state != .terminated else { return }
        said.append(call.say(texts[said.count]))
    }

    var state: CallState? { call?.state }
}

extension Integration {
    /// `say` with text over the seed's 1,500 characters: from Swift, the
    /// playback finishes with an error and the call goes on (the next prompt
    /// is heard); from the conf, the route is refused (check-config, reload)
    /// and the running daemon goes on with its conf.
    @Suite("Over-long TTS text")
    struct SayTextLimit {
        /// 1,518 characters of ordinary text.
        static let longText = String(repeating: "The office is closed. ", count: 69)

        @Test("library: say() of 1,518 characters finishes with an error naming the limit, nothing is played; the call goes on and the next say() is heard")
        func overLongSayFromSwift() async throws {
            let test = try TestContext()
            let callerTone = test.artifacts.path("silence.wav")
            try ToneAudio.writeWAV([Int16](repeating: 0, count: 8000 * 60), to: callerTone)
            let scenario = await SpeakingScenario(texts: [Self.longText, "The office is closed."])
            try await withLibraryServer(test.relayConf(), artifacts: test.artifacts, scenario: scenario) {
                try await withBaresip(.caller(test.ports, tone: callerTone), artifacts: test.artifacts) { caller in
                    try await caller.dial("sip:tts@127.0.0.1:\(test.ports.legato)")
                    try #require(await caller.waitForEvent("CALL_ESTABLISHED", timeout: .seconds(15)), "log \(caller.logPath)")
                    _ = await waitUntilAsync(timeout: .seconds(15)) { await scenario.finished.count >= 2 }
                    let said = await scenario.said, started = await scenario.started, finished = await scenario.finished
                    try #require(said.count == 2 && finished.count == 2, "said \(said), finished \(finished)")
                    #expect(finished[0].playback == said[0], "the first PlaybackFinished is not the over-long say's")
                    let error = finished[0].error ?? ""
                    #expect(error.contains("1518") && error.contains("1500"), "the over-long say's error: '\(error)'")
                    #expect(started == [said[1]], "PlaybackStarted for \(started), said \(said): the over-long text played")
                    #expect(finished[1].playback == said[1] && finished[1].error == nil, "the second say: \(finished[1])")
                    // The call went on: not closed, and the second prompt was heard.
                    let state = await scenario.state
                    #expect(state == .connected, "the call is \(String(describing: state))")
                    #expect(!(await caller.waitForEvent("CALL_CLOSED", timeout: .milliseconds(500))),
                            "the call was closed; log \(caller.logPath)")
                    let heard = try caller.recording()
                    #expect(heard.seconds >= 1, "heard \(heard.seconds) s")
                    let loud = ToneAudio.nonSilentFraction(of: heard.slice(from: 0, to: 2))
                    #expect(loud > 0.3, "the second prompt is (mostly) silent: \(loud); log \(caller.logPath)")
                    try await caller.control.command("hangup")
                    #expect(await caller.waitForEvent("CALL_CLOSED", timeout: .seconds(5)))
                }
                _ = await waitUntilAsync(timeout: .seconds(5)) { await scenario.state == .terminated }
                #expect(await scenario.state == .terminated)
            }
        }

        @Test("conf: a say route of 1,518 characters is refused by check-config and by a reload (naming the limit); the running daemon keeps its conf and speaks")
        func overLongSayFromConf() async throws {
            let test = try TestContext()
            let callerTone = test.artifacts.path("tone-440.wav")
            try ToneAudio.writeTone(frequency: 440, seconds: 60, to: callerTone)
            func conf(_ text: String) -> LegatoConf {
                BaresipMediaApps.conf(test, [.init(name: "speak", ruriUser: "^tts$",
                                                   action: .lines(["action: say", "text: \"\(text)\"", "voice: en",
                                                                   "then: hangup"]))])
            }
            let long = try test.artifacts.write(conf(Self.longText).yaml, to: "long-text.conf")
            let checked = try await CheckConfig.checkConfig(long, test)
            #expect(checked.status == 2 && checked.output.contains("routes[0].text")
                    && checked.output.contains("1500-character limit"), "check-config: \(checked.status) \(checked.output)")

            try await withLegato(conf("The office is closed."), artifacts: test.artifacts) { legato in
                var next = conf(Self.longText)
                next.controlSocket = legato.conf.controlSocket
                try next.yaml.write(toFile: legato.configPath, atomically: true, encoding: .utf8)
                let reload = try await legato.ctl("reload")
                #expect(reload.status != 0 && reload.output.contains("refused") && reload.output.contains("1500-character limit"),
                        "reload: \(reload.status) \(reload.output)")
                #expect(legato.log.contains("legato.reload-refused"))
                // The daemon goes on with the conf it runs: the short prompt, then the hang-up.
                try await withBaresip(.caller(test.ports, tone: callerTone), artifacts: test.artifacts) { caller in
                    try await BaresipMediaApps.dial(caller, "tts", legato)
                    #expect(await caller.waitForEvent("CALL_CLOSED", timeout: .seconds(15)),
                            "Legato did not hang up after the prompt; logs \(caller.logPath) \(legato.logPath)")
                    let heard = try caller.recording()
                    #expect(heard.seconds >= 1 && heard.seconds <= 6, "heard \(heard.seconds) s; log \(caller.logPath)")
                    #expect(ToneAudio.nonSilentFraction(of: heard) > 0.3, "the prompt is (mostly) silent")
                }
                #expect(legato.isRunning)
                try await legato.expectNoCallsLeft()
            }
        }
    }
}
