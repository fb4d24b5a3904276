import Foundation
import Synchronization
internal import CSndFile

/// A recording's file format (`media.record_format`).
public enum RecordFormat: String, Sendable, Equatable, CaseIterable {
    case wav
    case flac
    case mp3

    /// The file name extension.
    public var fileExtension: String { rawValue }
}

/// Writes a recording through a bounded queue on the writer thread: the
/// media worker only copies frames into the queue (`append`, never blocks;
/// frames that do not fit are counted as lost), the one writer thread that
/// serves every recording (`RecordingWriterThread`) encodes them with
/// libsndfile. `finish` lets it drain the queue, close the file (valid from
/// then on) and call `completion` on the writer thread.
public final class RecordingWriter: Sendable {
    public let path: String
    public let channels: Int
    public let sampleRate: Int
    /// MP3 is written as floats: libsndfile's (1.2.x) stereo MPEG writer for
    /// shorts copies half of each block (the rest of the frame is noise).
    private let writesFloat: Bool
    private struct State {
        var ring: [Int16]
        var head = 0
        var count = 0
        var finishing = false
        var lost = 0
        var written = 0
    }
    private let state: Mutex<State>
    private let file: SendableFile
    private let completion: @Sendable (_ frames: Int, _ lost: Int) -> Void

    private final class SendableFile: @unchecked Sendable {
        let handle: OpaquePointer
        init(_ handle: OpaquePointer) { self.handle = handle }
    }

    /// Opens `path` for writing; throws when it cannot be created. `queueSeconds`: the queue's size.
    public init(path: String, format: RecordFormat, channels: Int, sampleRate: Int, queueSeconds: Int = 4,
                completion: @escaping @Sendable (_ frames: Int, _ lost: Int) -> Void) throws(AudioError) {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        switch format {
        case .wav: info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        case .flac: info.format = Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        case .mp3: info.format = Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III)
        }
        guard let handle = sf_open(path, Int32(SFM_WRITE), &info) else {
            let reason = String(cString: sf_strerror(nil))
            throw .recordingFile(path: path, reason: reason)
        }
        if format == .mp3 {
            // The seed's default: constant 32 kbit/s. For 8 kHz (MPEG-2.5) libsndfile
            // maps the level to 64 − level × 56 kbit/s: 0.57 gives 32 (0.9 gave 16).
            var mode = Int32(SF_BITRATE_MODE_CONSTANT)
            sf_command(handle, Int32(SFC_SET_BITRATE_MODE), &mode, Int32(MemoryLayout<Int32>.size))
            var level = 0.57
            sf_command(handle, Int32(SFC_SET_COMPRESSION_LEVEL), &level, Int32(MemoryLayout<Double>.size))
        }
        self.path = path
        self.writesFloat = format == .mp3
        self.channels = channels
        self.sampleRate = sampleRate
        self.file = SendableFile(handle)
        self.completion = completion
        state = Mutex(State(ring: Array(repeating: 0, count: sampleRate * channels * queueSeconds)))
        Self.open.withLock { $0 += 1 }
        RecordingWriterThread.shared.add(self)
    }

    /// Recordings not yet closed by the writer thread (a daemon waits for 0 before it exits).
    public static var openCount: Int { open.withLock { $0 } }
    private static let open = Mutex(0)

    /// Copies one interleaved frame into the queue (worker thread). False when it did not fit (lost).
    @discardableResult
    public func append(_ samples: UnsafeBufferPointer<Int16>) -> Bool {
        state.withLock { s in
            guard !s.finishing else { return false }
            guard s.ring.count - s.count >= samples.count else {
                s.lost += 1
                return false
            }
            let capacity = s.ring.count
            for (i, sample) in samples.enumerated() { s.ring[(s.head + s.count + i) % capacity] = sample }
            s.count += samples.count
            return true
        }
    }

    /// Ends the recording: the writer drains what is queued, closes the file, then calls `completion`.
    public func finish() {
        state.withLock { $0.finishing = true }
    }

    /// Writer thread: writes what is queued (at most `scratch.count` samples).
    /// Returns false once finished and closed (then the writer is dropped).
    func service(_ scratch: inout [Int16]) -> (wrote: Bool, open: Bool) {
        let (taken, finishing) = state.withLock { s -> (Int, Bool) in
            let n = min(s.count - s.count % channels, scratch.count - scratch.count % channels)
            let capacity = s.ring.count
            for i in 0..<n { scratch[i] = s.ring[(s.head + i) % capacity] }
            s.head = (s.head + n) % capacity
            s.count -= n
            return (n, s.finishing && s.count == 0)
        }
        if taken > 0 {
            let frames = taken / channels
            if writesFloat {
                let floats = scratch[0..<taken].map { Float($0) / 32768 }
                _ = floats.withUnsafeBufferPointer { sf_writef_float(file.handle, $0.baseAddress, sf_count_t(frames)) }
            } else {
                _ = scratch.withUnsafeBufferPointer { sf_writef_short(file.handle, $0.baseAddress, sf_count_t(frames)) }
            }
            state.withLock { $0.written += frames }
            return (true, true)
        }
        guard finishing else { return (false, true) }
        sf_close(file.handle)
        let (written, lost) = state.withLock { ($0.written, $0.lost) }
        completion(written, lost)
        Self.open.withLock { $0 -= 1 }
        return (false, false)
    }
}

/// The one thread that writes every recording: it visits the open writers,
/// writes what each has queued, closes the finished ones, and sleeps 20 ms
/// when there was nothing to write.
final class RecordingWriterThread: Sendable {
    static let shared = RecordingWriterThread()
    private let writers = Mutex<[RecordingWriter]>([])

    private init() {
        let thread = Thread { [self] in self.run() }
        thread.name = "legato-record"
        thread.start()
    }

    func add(_ writer: RecordingWriter) { writers.withLock { $0.append(writer) } }

    private func run() {
        var scratch = [Int16](repeating: 0, count: 16000)
        while true {
            let current = writers.withLock { $0 }
            var wrote = false
            var closed: [ObjectIdentifier] = []
            for writer in current {
                let result = writer.service(&scratch)
                wrote = wrote || result.wrote
                if !result.open { closed.append(ObjectIdentifier(writer)) }
            }
            if !closed.isEmpty {
                writers.withLock { $0.removeAll { closed.contains(ObjectIdentifier($0)) } }
            }
            if !wrote { usleep(20_000) }
        }
    }
}
