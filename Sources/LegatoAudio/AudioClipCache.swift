import Dispatch
import Glibc
import Synchronization

/// Decoded sound files shared by all calls: one `AudioClip` per file and
/// rate, however many calls play it. A file changed on disk (size or mtime)
/// is decoded again. Decoding runs on a helper queue, never on the caller's
/// thread nor on a media worker.
public final class AudioClipCache: Sendable {
    /// The process-wide cache.
    public static let shared = AudioClipCache()

    private struct Key: Hashable {
        let path: String
        let sampleRate: Int
    }

    private struct Entry {
        let size: Int
        let modified: Int
        let clip: AudioClip
    }

    /// Longest file accepted, in seconds.
    public let maxSeconds: Double
    private let entries = Mutex<[Key: Entry]>([:])
    private let queue = DispatchQueue(label: "legato.audio.decode", attributes: .concurrent)

    public init(maxSeconds: Double = 600) {
        self.maxSeconds = maxSeconds
    }

    /// Files held.
    public var count: Int { entries.withLock { $0.count } }

    /// The clip of `url` (a path or `file://` URL) at `sampleRate`, from the
    /// cache or decoded now on the helper queue.
    public func clip(url: String, sampleRate: Int) async throws(AudioError) -> AudioClip {
        let path = try SoundFile.path(of: url)
        let key = Key(path: path, sampleRate: sampleRate)
        var st = stat()
        let found = stat(path, &st) == 0
        let size = Int(st.st_size), modified = Int(st.st_mtim.tv_sec) &* 1_000_000_000 &+ Int(st.st_mtim.tv_nsec)
        if found, let entry = entries.withLock({ $0[key] }), entry.size == size, entry.modified == modified {
            return entry.clip
        }
        let maxSeconds = self.maxSeconds
        let result: Result<AudioClip, AudioError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(AudioError) in
                    try SoundFile.decode(path: path, sampleRate: sampleRate, maxSeconds: maxSeconds)
                })
            }
        }
        let clip = try result.get()
        return entries.withLock { entries in
            if let entry = entries[key], entry.size == size, entry.modified == modified { return entry.clip }
            entries[key] = Entry(size: size, modified: modified, clip: clip)
            return clip
        }
    }

    /// Drops every clip (tests, reload).
    public func removeAll() { entries.withLock { $0.removeAll() } }
}
