import Dispatch
import Glibc
internal import CEspeakNG

/// What `Call.say` asks of the synthesizer.
public struct SpeechOptions: Sendable, Equatable {
    /// espeak-ng voice or language name (`en`, `en-us`, `de`, `fr`, `ru`…).
    public var voice: String
    /// Words per minute (espeak-ng: 80–450).
    public var rate: Int
    /// Volume in percent (0–200, 100 normal).
    public var volume: Int

    /// Options for `voice`, speaking `rate` and `volume`.
    public init(voice: String = "en", rate: Int = 160, volume: Int = 100) {
        self.voice = voice
        self.rate = rate
        self.volume = volume
    }
}

/// Offline text to speech with espeak-ng, on one helper thread (espeak-ng
/// keeps global state, so syntheses run one at a time), never on a media
/// worker. Output: mono 16-bit at the rate asked for.
public enum SpeechSynthesizer {
    /// The seed's limit: longer text finishes with an error.
    public static let maxCharacters = 1500

    private static let queue = DispatchQueue(label: "legato.audio.tts")
    nonisolated(unsafe) private static var initializedRate: Int32 = 0
    /// Samples collected by the C callback (only touched on `queue`).
    nonisolated(unsafe) private static var collected: [Int16] = []

    /// Checks the text against the limit (no synthesis).
    public static func validate(_ text: String) throws(AudioError) {
        let count = text.count
        guard count <= maxCharacters else { throw .textTooLong(count: count, limit: maxCharacters) }
        guard !text.allSatisfy(\.isWhitespace) else { throw .textTooLong(count: 0, limit: maxCharacters) }
    }

    /// Synthesizes `text` and returns it at `sampleRate`.
    public static func synthesize(_ text: String, options: SpeechOptions, sampleRate: Int) async throws(AudioError) -> AudioClip {
        try validate(text)
        let result: Result<AudioClip, AudioError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(AudioError) in
                    try run(text, options: options, sampleRate: sampleRate)
                })
            }
        }
        return try result.get()
    }

    /// On `queue` only.
    private static func run(_ text: String, options: SpeechOptions, sampleRate: Int) throws(AudioError) -> AudioClip {
        if initializedRate <= 0 {
            let rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 200, nil, 0)
            guard rate > 0 else { throw .synthesis("espeak-ng did not initialize (espeak-ng-data missing?)") }
            initializedRate = rate
            espeak_SetSynthCallback { samples, count, _ in
                if let samples, count > 0 {
                    SpeechSynthesizer.collected.append(contentsOf: UnsafeBufferPointer(start: samples, count: Int(count)))
                }
                return 0
            }
        }
        guard espeak_SetVoiceByName(options.voice) == EE_OK else { throw .synthesis("unknown voice '\(options.voice)'") }
        espeak_SetParameter(espeakRATE, Int32(min(450, max(80, options.rate))), 0)
        espeak_SetParameter(espeakVOLUME, Int32(min(200, max(0, options.volume))), 0)
        collected.removeAll(keepingCapacity: true)
        let status = text.withCString { cText in
            espeak_Synth(cText, strlen(cText) + 1, 0, POS_CHARACTER, 0, UInt32(espeakCHARS_UTF8), nil, nil)
        }
        guard status == EE_OK else { throw .synthesis("espeak_Synth returned \(status.rawValue)") }
        espeak_Synchronize()
        let samples = collected
        collected.removeAll()
        guard !samples.isEmpty else { throw .synthesis("no audio produced") }
        return AudioClip(sampleRate: sampleRate, samples: Resampler.convert(samples, from: Int(initializedRate), to: sampleRate))
    }
}
