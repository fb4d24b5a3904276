import Foundation
import Legato
import Testing

/// Call logic for `LibraryMediaApps`: answers every call (media anchored in
/// Legato), keeps it by dialled user, and records `MicStatusChange` events.
@SIPActor
final class AnsweringScenario: Scenario {
    private(set) var calls: [String: Call] = [:]
    private(set) var micChanges: [(active: Bool, at: ContinuousClock.Instant)] = []
    /// Users whose call gets `handleMicStatus(true)` once answered.
    let detectSpeechOn: Set<String>

    init(detectSpeechOn: Set<String>) { self.detectSpeechOn = detectSpeechOn }

    func callAlerting(_ alerting: CallAlerting, engine: CallEngine) {
        let call = alerting.call, user = alerting.destination
        calls[user] = call
        call.addEventListener(.micStatusChange) { [weak self] event in
            if case .micStatusChange(let active) = event { self?.micChanges.append((active, .now)) }
        }
        Task { @SIPActor in
            do {
                try await call.answer()
                if self.detectSpeechOn.contains(user) { call.handleMicStatus(true) }
            } catch {
                try? call.hangup()
            }
        }
    }

    func sendMedia(from source: String, to target: String) -> Bool {
        guard let source = calls[source], let target = calls[target] else { return false }
        source.sendMediaTo(target)
        return true
    }

    func stopMedia(from source: String, to target: String) {
        guard let source = calls[source], let target = calls[target] else { return }
        source.stopMediaTo(target)
    }

    func vad(_ user: String) -> Bool { calls[user]?.vad() ?? false }
    /// The dialled users whose call has not ended.
    func liveCalls() -> [String] { calls.filter { $0.value.state != .terminated }.map(\.key).sorted() }
    func micChangesSince(_ start: ContinuousClock.Instant) -> [(active: Bool, seconds: Double)] {
        micChanges.map { ($0.active, Double(($0.at - start).components.attoseconds) / 1e18 + Double(($0.at - start).components.seconds)) }
    }
}

/// A `LegatoServer` (the library, in this test process) running `scenario`
/// with `conf`; stopped (and awaited) after `body`.
func withLibraryServer<S: Scenario & Sendable, T>(_ conf: LegatoConf, artifacts: Artifacts, scenario: S,
                                                   _ body: () async throws -> T) async throws -> T {
    let path = try artifacts.write(conf.yaml, to: "legato-library.conf")
    let configuration = try ConfigLoader.load(path: path)
    var logger = Logger(label: "legato-library-test")
    logger.logLevel = .warning
    let server = await LegatoServer(configuration: configuration, logger: logger, scenario: scenario)
    let running = Task { @SIPActor in try await server.run() }
    // The server's signal watcher sets SIGTERM, SIGINT, SIGUSR1 and SIGHUP to
    // SIG_IGN in this process: give them back their default actions afterwards.
    defer { for signo in [SIGTERM, SIGINT, SIGUSR1, SIGHUP] { signal(signo, SIG_DFL) } }
    let listening = await waitUntil(timeout: .seconds(15)) { Ports.isBound(conf.port, udp: true) }
    do {
        try #require(listening, "the library server did not listen on UDP \(conf.port)")
        let result = try await body()
        await server.stop(grace: 1)
        try await running.value
        return result
    } catch {
        await server.stop(grace: 0)
        _ = try? await running.value
        throw error
    }
}

extension Integration {
    /// Media applications called from Swift call logic on the `Legato`
    /// library (no conf key starts them): `sendMediaTo` / `stopMediaTo`
    /// between two anchored calls, and `handleMicStatus` (VAD), heard and
    /// spoken by real clients (baresip).
    @Suite("Library media applications")
    struct LibraryMediaApps {
        /// A vowel-like sound (harmonics of a gliding pitch, amplitude-modulated at 4 Hz), 8 kHz.
        static func voiced(seconds: Double) -> [Int16] {
            (0..<Int(seconds * 8000)).map { i in
                let t = Double(i) / 8000
                let pitch = 120 + 30 * sin(2 * .pi * 0.7 * t)
                var v = 0.0
                for h in 1...12 { v += sin(2 * .pi * pitch * Double(h) * t) / Double(h) }
                return Int16(9000 * v * (0.6 + 0.4 * sin(2 * .pi * 4 * t)) / 2)
            }
        }

        @Test("sendMediaTo carries a PCMU caller's 440 Hz to another anchored call, transcoded to its Opus; stopMediaTo stops it; MicStatusChange follows speech, silence, speech, silence")
        func sendMediaAndVoiceActivity() async throws {
            let test = try TestContext()
            let conf = test.relayConf()
            let senderTone = test.artifacts.path("tone-440.wav"), listenerTone = test.artifacts.path("tone-1000.wav")
            try ToneAudio.writeTone(frequency: 440, seconds: 60, to: senderTone)
            try ToneAudio.writeTone(frequency: 1000, seconds: 60, to: listenerTone)
            let speech = test.artifacts.path("speech-silence.wav")
            let silence = { (seconds: Double) in [Int16](repeating: 0, count: Int(seconds * 8000)) }
            try ToneAudio.writeWAV(silence(0.5) + Self.voiced(seconds: 1.5) + silence(3) + Self.voiced(seconds: 1.5) + silence(60),
                                   to: speech)
            let scenario = await AnsweringScenario(detectSpeechOn: ["vad"])

            try await withLibraryServer(conf, artifacts: test.artifacts, scenario: scenario) {
                // 1. sendMediaTo / stopMediaTo.
                // The listener speaks Opus, the sender PCMU: the fed audio is transcoded.
                var listenerOptions = Baresip.Options.third(test.ports, tone: listenerTone, user: "listener", name: "listener")
                listenerOptions.audioCodecs = "opus/48000/2"
                try await withBaresip(listenerOptions, artifacts: test.artifacts) { listener in
                    try await withBaresip(.caller(test.ports, tone: senderTone), artifacts: test.artifacts) { sender in
                        try await listener.dial("sip:listener@127.0.0.1:\(conf.port)")
                        try await sender.dial("sip:sender@127.0.0.1:\(conf.port)")
                        for side in [listener, sender] {
                            try #require(await side.waitForEvent("CALL_ESTABLISHED", timeout: .seconds(15)),
                                         "\(side.options.name): not answered; log \(side.logPath)")
                        }
                        let answer = listener.log.components(separatedBy: "SIP/2.0 200 OK").dropFirst().first ?? ""
                        #expect(answer.contains("opus/48000"), "the listener's call is not Opus; log \(listener.logPath)")
                        try await Task.sleep(for: .seconds(1))
                        let before = listener.recordedSeconds()
                        #expect(await scenario.sendMedia(from: "sender", to: "listener"))
                        _ = await waitUntil(timeout: .seconds(8), interval: .milliseconds(100)) {
                            listener.recordedSeconds() >= before + 3
                        }
                        await scenario.stopMedia(from: "sender", to: "listener")
                        let stopped = listener.recordedSeconds()
                        try await Task.sleep(for: .seconds(2))
                        let after = listener.recordedSeconds()
                        let heard = try listener.recording()
                        let fed = heard.slice(from: before + 0.3, to: stopped - 0.2)
                        let dominant = ToneAudio.dominant(of: BaresipMediaApps.candidates, in: fed)
                        #expect(fed.seconds >= 2 && dominant?.frequency == 440 && (dominant?.ratio ?? 0) > 10,
                                "while fed the listener heard \(String(describing: dominant)) for \(fed.seconds) s; log \(listener.logPath)")
                        #expect(ToneAudio.nonSilentFraction(of: fed) > 0.8, "the fed audio is mostly silence")
                        // Stopped: nothing more of the sender's audio (no packets, or silence).
                        let tail = heard.dropFirst(seconds: stopped + 0.3)
                        #expect(after - stopped < 0.5 || ToneAudio.nonSilentFraction(of: tail) < 0.1,
                                "after stopMediaTo the listener still heard \(after - stopped) s, \(ToneAudio.nonSilentFraction(of: tail)) non-silent")
                        // The sender hears nothing of the listener: sendMediaTo is one way.
                        let senderHeard = sender.recordedSeconds() < 0.5 ? 0 : ToneAudio.nonSilentFraction(of: try sender.recording())
                        #expect(senderHeard < 0.1, "the sender heard \(senderHeard) non-silent: sendMediaTo must be one way")
                        try await sender.control.command("hangup")
                        try await listener.control.command("hangup")
                        #expect(await sender.waitForEvent("CALL_CLOSED", timeout: .seconds(5)))
                        #expect(await listener.waitForEvent("CALL_CLOSED", timeout: .seconds(5)))
                    }
                }

                // 2. handleMicStatus: 0.5 s silence, 1.5 s speech, 3 s silence, 1.5 s speech, silence.
                try await withBaresip(.caller(test.ports, tone: speech), artifacts: test.artifacts) { talker in
                    try await talker.dial("sip:vad@127.0.0.1:\(conf.port)")
                    try #require(await talker.waitForEvent("CALL_ESTABLISHED", timeout: .seconds(15)), "log \(talker.logPath)")
                    let start = ContinuousClock.now
                    _ = await waitUntilAsync(timeout: .seconds(12)) { await scenario.micChangesSince(start).count >= 4 }
                    #expect(await scenario.vad("vad"))
                    let changes = await scenario.micChangesSince(start)
                    #expect(changes.map(\.active).prefix(4) == [true, false, true, false], "MicStatusChange: \(changes)")
                    if changes.count >= 4 {
                        // Speech ~1.5 s long (+0.5 s of hangover), then ~3 s of silence before the next.
                        #expect((1.2...3.0).contains(changes[1].seconds - changes[0].seconds), "\(changes)")
                        #expect((2.0...4.5).contains(changes[2].seconds - changes[0].seconds - 1.5), "\(changes)")
                    }
                    try await talker.control.command("hangup")
                    #expect(await talker.waitForEvent("CALL_CLOSED", timeout: .seconds(5)))
                }
                // Every call ended by its BYE before the server stops.
                _ = await waitUntilAsync(timeout: .seconds(5)) { await scenario.liveCalls().isEmpty }
                let left = await scenario.liveCalls()
                #expect(left.isEmpty, "calls left: \(left)")
            }
        }
    }
}
