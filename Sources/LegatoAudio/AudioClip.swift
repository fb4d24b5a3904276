/// Decoded mono audio held in memory: 16-bit linear samples at `sampleRate`.
/// Immutable and shared (the clip cache hands the same clip to every call
/// that plays the file).
public final class AudioClip: Sendable {
    /// Samples per second.
    public let sampleRate: Int
    /// The samples.
    public let samples: [Int16]

    public init(sampleRate: Int, samples: [Int16]) {
        self.sampleRate = sampleRate
        self.samples = samples
    }

    /// Length in seconds.
    public var duration: Double { Double(samples.count) / Double(sampleRate) }
}

/// Why a sound could not be made ready for playback.
public enum AudioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be read.
    case unreadable(path: String, reason: String)
    /// libsndfile does not know the format, or the file is corrupt.
    case unsupported(path: String, reason: String)
    /// Longer than the configured limit.
    case overLimit(path: String, seconds: Double, limit: Double)
    /// A URL that is not a local file (`file://` or a path).
    case unsupportedURL(String)
    /// TTS text empty or over 1,500 characters.
    case textTooLong(count: Int, limit: Int)
    /// espeak-ng failed (voice unknown, init failure).
    case synthesis(String)
    /// A recording file could not be created.
    case recordingFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .unsupported(let path, let reason): return "unsupported or corrupt sound file \(path): \(reason)"
        case .overLimit(let path, let seconds, let limit):
            return "\(path) is \(Int(seconds)) s long, over the \(Int(limit)) s limit"
        case .unsupportedURL(let url): return "unsupported URL \(url) (local paths and file:// only)"
        case .textTooLong(let count, let limit): return "text of \(count) characters (limit \(limit))"
        case .synthesis(let reason): return "speech synthesis failed: \(reason)"
        case .recordingFile(let path, let reason): return "cannot write recording \(path): \(reason)"
        }
    }
}
