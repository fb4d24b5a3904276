import Foundation
import Testing

/// The tone analysis the baresip tests rely on, checked on generated audio.
@Suite("Baresip tone analysis")
struct BaresipToneAnalysis {
    static let candidates: [Double] = [300, 440, 700, 1000, 1500]

    private func tone(_ frequency: Double, seconds: Double = 2) throws -> ToneAudio.Recording {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("legato-tone-\(getpid())-\(Int(frequency))-\(UUID().uuidString).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ToneAudio.writeTone(frequency: frequency, seconds: seconds, to: path)
        return try ToneAudio.readWAV(path)
    }

    @Test("a written 440 Hz tone reads back as 2 s at 8 kHz, dominated by 440 Hz, not 1000 Hz")
    func detects440() throws {
        let recording = try tone(440)
        #expect(recording.sampleRate == 8000)
        #expect(recording.samples.count == 16_000)
        let dominant = try #require(ToneAudio.dominant(of: Self.candidates, in: recording))
        #expect(dominant.frequency == 440)
        #expect(dominant.ratio > 100)
        #expect(ToneAudio.power(at: 440, in: recording) > 1000 * ToneAudio.power(at: 1000, in: recording))
        #expect(ToneAudio.nonSilentFraction(of: recording) == 1)
    }

    @Test("a 1000 Hz tone is detected as 1000 Hz")
    func detects1000() throws {
        #expect(try ToneAudio.dominant(of: Self.candidates, in: tone(1000))?.frequency == 1000)
    }

    @Test("silence has no dominant tone and no loud frames; half silence counts half")
    func silence() throws {
        let quiet = ToneAudio.Recording(sampleRate: 8000, samples: Array(repeating: 0, count: 8000))
        #expect(ToneAudio.dominant(of: Self.candidates, in: quiet) == nil)
        #expect(ToneAudio.nonSilentFraction(of: quiet) == 0)
        let half = ToneAudio.Recording(sampleRate: 8000, samples: quiet.samples + (try tone(440, seconds: 1)).samples)
        #expect(abs(ToneAudio.nonSilentFraction(of: half) - 0.5) < 0.02)
        #expect(half.suffix(seconds: 0.5).samples.count == 4000)
        #expect(ToneAudio.nonSilentFraction(of: half.dropFirst(seconds: 1)) == 1)
    }

    @Test("readWAV skips extra chunks, takes the first channel, and reads a data size of 0 as 'to the end'")
    func oddHeaders() throws {
        // Stereo 16-bit, a LIST chunk before data, data size left at 0 (writer killed): left = 440 Hz, right = silence.
        let frames = 800
        var pcm = [UInt8]()
        for index in 0..<frames {
            let left = Int16(10_000 * sin(2 * Double.pi * 440 * Double(index) / 8000))
            pcm += [UInt8(truncatingIfNeeded: left), UInt8(truncatingIfNeeded: left >> 8), 0, 0]
        }
        func le(_ value: Int, _ bytes: Int) -> [UInt8] { (0..<bytes).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        var file = Array("RIFF".utf8) + le(0, 4) + Array("WAVE".utf8)
        file += Array("fmt ".utf8) + le(16, 4) + le(1, 2) + le(2, 2) + le(8000, 4) + le(32000, 4) + le(4, 2) + le(16, 2)
        file += Array("LIST".utf8) + le(3, 4) + [1, 2, 3, 0]   // odd size, padded
        file += Array("data".utf8) + le(0, 4) + pcm
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("legato-odd-\(getpid()).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(file)))
        let recording = try ToneAudio.readWAV(path)
        #expect(recording.samples.count == frames)
        #expect(ToneAudio.dominant(of: Self.candidates, in: recording)?.frequency == 440)
    }
}
