import Foundation
import LegatoAudio
import Testing

@Suite("Stream resampler (speexdsp)")
struct StreamResamplerTests {
    /// Converts `samples` in 20 ms frames of `from` Hz.
    static func convert(_ samples: [Int16], from: Int, to: Int) -> [Int16] {
        let resampler = StreamResampler(from: from, to: to)
        var output = [Int16](repeating: 0, count: 4096)
        var result: [Int16] = []
        for start in stride(from: 0, to: samples.count, by: from / 50) {
            let count = samples[start..<min(samples.count, start + from / 50)].withUnsafeBufferPointer { frame in
                output.withUnsafeMutableBufferPointer { resampler.convert(frame, into: $0) }
            }
            #expect(count == to / 50, "frame at \(start): \(count) samples out")
            result += output[0..<count]
        }
        return result
    }

    @Test("8 → 48 kHz: each 160-sample frame gives 960 samples, a 440 Hz tone stays at 440 Hz")
    func upsample() {
        let tone = AudioTranscoderTests.tone(440, seconds: 0.5, rate: 8000)
        let wide = Self.convert(tone, from: 8000, to: 48000)
        #expect(wide.count == 24000)
        let settled = Array(wide[2400...])
        #expect(TonePlanTests.power(440, settled, rate: 48000) > 100 * TonePlanTests.power(1000, settled, rate: 48000))
    }

    @Test("16 → 8 kHz: a 3 kHz tone kept, a 6 kHz one (above the new Nyquist) filtered out, not folded to 2 kHz")
    func downsample() {
        let kept = Self.convert(AudioTranscoderTests.tone(3000, seconds: 0.5, rate: 16000), from: 16000, to: 8000)
        let folded = Self.convert(AudioTranscoderTests.tone(6000, seconds: 0.5, rate: 16000), from: 16000, to: 8000)
        #expect(kept.count == 4000)
        let p3000 = TonePlanTests.power(3000, Array(kept[400...]))
        let p2000 = TonePlanTests.power(2000, Array(folded[400...]))
        #expect(p3000 > 1000 * p2000, "3 kHz kept: \(p3000); 6 kHz folded to 2 kHz: \(p2000)")
    }
}
