import Foundation
import LegatoAudio
import Testing

@Suite("Sound files, the clip cache, TTS and G.722")
struct SoundFileTests {
    static func tempPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("legato-audio-\(getpid())-\(name)").path
    }

    /// Writes a 16 kHz mono 16-bit WAV of `frequency`.
    static func writeWAV(_ path: String, frequency: Double, seconds: Double, rate: Int = 16000) throws {
        var writer: RecordingWriter?
        let done = DispatchSemaphore(value: 0)
        writer = try RecordingWriter(path: path, format: .wav, channels: 1, sampleRate: rate) { _, _ in done.signal() }
        let samples = (0..<Int(seconds * Double(rate))).map { Int16(10000 * sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
        for chunk in stride(from: 0, to: samples.count, by: 320) {
            samples[chunk..<min(samples.count, chunk + 320)].withUnsafeBufferPointer { _ = writer?.append($0) }
        }
        writer?.finish()
        done.wait()
    }

    @Test("file paths and file:// URLs; other schemes are refused")
    func urls() throws {
        #expect(try SoundFile.path(of: "/a/b.wav") == "/a/b.wav")
        #expect(try SoundFile.path(of: "file:///a/b%20c.wav") == "/a/b c.wav")
        #expect(try SoundFile.path(of: "file://localhost/a.wav") == "/a.wav")
        #expect(throws: AudioError.unsupportedURL("http://x/a.wav")) { try SoundFile.path(of: "http://x/a.wav") }
    }

    @Test("a 16 kHz WAV is decoded and resampled to 8 kHz, keeping its length")
    func decodeAndResample() throws {
        let path = Self.tempPath("tone.wav")
        defer { unlink(path) }
        try Self.writeWAV(path, frequency: 1000, seconds: 1)
        let clip = try SoundFile.decode(path: path, sampleRate: 8000, maxSeconds: 10)
        #expect(clip.sampleRate == 8000)
        #expect(abs(clip.samples.count - 8000) <= 2)
        #expect(clip.samples.max()! > 8000)
    }

    @Test("missing, corrupt and over-limit files are clear errors")
    func errors() throws {
        #expect(throws: AudioError.self) { try SoundFile.decode(path: "/nonexistent/x.wav", sampleRate: 8000, maxSeconds: 10) }
        do {
            _ = try SoundFile.decode(path: "/nonexistent/x.wav", sampleRate: 8000, maxSeconds: 10)
        } catch {
            guard case .unreadable = error else { Issue.record("\(error)"); return }
        }
        let corrupt = Self.tempPath("corrupt.wav")
        defer { unlink(corrupt) }
        try Data("RIFF....WAVEgarbage".utf8).write(to: URL(fileURLWithPath: corrupt))
        do {
            _ = try SoundFile.decode(path: corrupt, sampleRate: 8000, maxSeconds: 10)
            Issue.record("a corrupt file decoded")
        } catch {
            guard case .unsupported = error else { Issue.record("\(error)"); return }
        }
        let long = Self.tempPath("long.wav")
        defer { unlink(long) }
        try Self.writeWAV(long, frequency: 440, seconds: 2, rate: 8000)
        do {
            _ = try SoundFile.decode(path: long, sampleRate: 8000, maxSeconds: 1)
            Issue.record("an over-limit file decoded")
        } catch {
            guard case .overLimit = error else { Issue.record("\(error)"); return }
        }
    }

    @Test("the cache holds one clip per file and rate, shared by every caller")
    func cacheShares() async throws {
        let path = Self.tempPath("shared.wav")
        defer { unlink(path) }
        try Self.writeWAV(path, frequency: 440, seconds: 0.5, rate: 8000)
        let cache = AudioClipCache(maxSeconds: 10)
        let first = try await cache.clip(url: path, sampleRate: 8000)
        let second = try await cache.clip(url: "file://" + path, sampleRate: 8000)
        #expect(first === second)
        #expect(cache.count == 1)
        let wide = try await cache.clip(url: path, sampleRate: 16000)
        #expect(wide !== first && wide.sampleRate == 16000)
        #expect(cache.count == 2)
    }

    @Test("espeak-ng speaks a sentence: about 1–4 s of non-silent audio at the rate asked")
    func tts() async throws {
        let clip = try await SpeechSynthesizer.synthesize("The office is closed.", options: SpeechOptions(), sampleRate: 8000)
        #expect(clip.sampleRate == 8000)
        #expect(clip.duration > 0.8 && clip.duration < 4, "\(clip.duration) s")
        #expect(clip.samples.contains { abs($0) > 3000 })
    }

    @Test("TTS refuses text over 1,500 characters and an unknown voice")
    func ttsErrors() async throws {
        let long = String(repeating: "a", count: 1501)
        await #expect(throws: AudioError.textTooLong(count: 1501, limit: 1500)) {
            try await SpeechSynthesizer.synthesize(long, options: SpeechOptions(), sampleRate: 8000)
        }
        await #expect(throws: AudioError.self) {
            try await SpeechSynthesizer.synthesize("hello", options: SpeechOptions(voice: "no-such-voice-xx"), sampleRate: 8000)
        }
    }

    @Test("G.722 at 64 kbit/s: 320 samples make 160 bytes and decode back to the same tone")
    func g722() {
        let encoder = AudioEncoder(.g722), decoder = AudioDecoder(.g722)
        var decoded: [Int16] = []
        for frame in 0..<25 {
            let samples = (0..<320).map { Int16(8000 * sin(2 * Double.pi * 1000 * Double(frame * 320 + $0) / 16000)) }
            var bytes = [UInt8](repeating: 0, count: 160)
            let n = samples.withUnsafeBufferPointer { s in bytes.withUnsafeMutableBytes { encoder.encode(s, into: $0) } }
            #expect(n == 160)
            var out = [Int16](repeating: 0, count: 320)
            let m = bytes.withUnsafeBytes { b in out.withUnsafeMutableBufferPointer { decoder.decode(b, into: $0) } }
            #expect(m == 320)
            decoded += out
        }
        let tail = decoded.suffix(3200)
        #expect(tail.max()! > 5000 && tail.min()! < -5000)
    }

    @Test("PCMU and PCMA transcoders round-trip a frame")
    func g711Frames() {
        for codec in [AudioCodec.pcmu, .pcma] {
            let samples = (0..<160).map { Int16(5000 * sin(Double($0) / 5)) }
            var bytes = [UInt8](repeating: 0, count: 160)
            let n = samples.withUnsafeBufferPointer { s in bytes.withUnsafeMutableBytes { AudioEncoder(codec).encode(s, into: $0) } }
            var out = [Int16](repeating: 0, count: 160)
            _ = bytes.withUnsafeBytes { b in out.withUnsafeMutableBufferPointer { AudioDecoder(codec).decode(b, into: $0) } }
            #expect(n == 160)
            #expect(zip(samples, out).allSatisfy { abs(Int($0) - Int($1)) <= 160 }, "\(codec)")
        }
    }

    @Test("recording writer: stereo WAV and FLAC files with every frame, MP3 readable back")
    func writer() throws {
        for format in RecordFormat.allCases {
            let path = Self.tempPath("rec.\(format.fileExtension)")
            defer { unlink(path) }
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var result = (0, 0)
            let writer = try RecordingWriter(path: path, format: format, channels: 2, sampleRate: 8000) { frames, lost in
                result = (frames, lost)
                done.signal()
            }
            let frame = (0..<320).map { Int16($0 % 2 == 0 ? 1000 : -1000) }
            for _ in 0..<100 { frame.withUnsafeBufferPointer { _ = writer.append($0) } }
            writer.finish()
            done.wait()
            #expect(result.0 == 16000 && result.1 == 0, "\(format): \(result)")
            let clip = try SoundFile.decode(path: path, sampleRate: 8000, maxSeconds: 10)
            #expect(abs(clip.duration - 2) < 0.2, "\(format): \(clip.duration) s")
        }
        #expect(throws: AudioError.self) {
            try RecordingWriter(path: "/proc/no-such-dir/x.wav", format: .wav, channels: 1, sampleRate: 8000) { _, _ in }
        }
    }
}
