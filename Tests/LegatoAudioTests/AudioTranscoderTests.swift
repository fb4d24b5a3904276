import Foundation
import LegatoAudio
import Testing

@Suite("Encoding and decoding (Opus, G.722, G.711)")
struct AudioTranscoderTests {
    /// `seconds` of a sine at `frequency`, `rate` samples per second.
    static func tone(_ frequency: Double, seconds: Double, rate: Int) -> [Int16] {
        (0..<Int(seconds * Double(rate))).map { Int16(10000 * sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
    }

    /// Encodes `samples` frame by frame (20 ms at the codec's rate) and decodes every payload at `outputRate`.
    static func roundTrip(_ samples: [Int16], codec: AudioCodec, outputRate: Int) -> (decoded: [Int16], payloadBytes: [Int]) {
        let encoder = AudioEncoder(codec)
        let decoder = AudioDecoder(codec, outputRate: outputRate)
        var payload = [UInt8](repeating: 0, count: codec.bytesPerFrame)
        var output = [Int16](repeating: 0, count: 4096)
        var decoded: [Int16] = [], sizes: [Int] = []
        for start in stride(from: 0, to: samples.count - codec.samplesPerFrame + 1, by: codec.samplesPerFrame) {
            let bytes = samples[start..<(start + codec.samplesPerFrame)].withUnsafeBufferPointer { frame in
                payload.withUnsafeMutableBytes { encoder.encode(frame, into: $0) }
            }
            sizes.append(bytes)
            let count = payload.withUnsafeBytes { raw in
                output.withUnsafeMutableBufferPointer { decoder.decode(UnsafeRawBufferPointer(rebasing: raw[0..<bytes]), into: $0) }
            }
            decoded += output[0..<count]
        }
        return (decoded, sizes)
    }

    @Test("Opus: a 1000 Hz tone at 48 kHz survives encode/decode at 48 kHz, in small variable-size frames")
    func opusRoundTrip() {
        let (decoded, sizes) = Self.roundTrip(Self.tone(1000, seconds: 1, rate: 48000), codec: .opus, outputRate: 48000)
        #expect(decoded.count == 48000)
        #expect(sizes.allSatisfy { $0 > 0 && $0 < 320 }, "payload sizes \(sizes)")
        let settled = Array(decoded[4800...])
        let p1000 = TonePlanTests.power(1000, settled, rate: 48000)
        #expect(p1000 > 100 * TonePlanTests.power(440, settled, rate: 48000))
        #expect(p1000 > 100 * TonePlanTests.power(2500, settled, rate: 48000))
    }

    @Test("Opus decoded at 8 kHz for the pipeline's analysis: 160 samples per 20 ms, the tone at 1000 Hz")
    func opusNarrowband() {
        let (decoded, _) = Self.roundTrip(Self.tone(1000, seconds: 1, rate: 48000), codec: .opus, outputRate: 8000)
        #expect(decoded.count == 8000)
        let settled = Array(decoded[800...])
        #expect(TonePlanTests.power(1000, settled) > 100 * TonePlanTests.power(440, settled))
        #expect(TonePlanTests.power(1000, settled) > 100 * TonePlanTests.power(2500, settled))
    }

    @Test("G.722 decoded at 8 kHz through the stream resampler: 160 samples per frame, the tone kept")
    func g722Narrowband() {
        let (decoded, sizes) = Self.roundTrip(Self.tone(1000, seconds: 1, rate: 16000), codec: .g722, outputRate: 8000)
        #expect(sizes.allSatisfy { $0 == 160 })
        #expect(decoded.count == 8000)
        let settled = Array(decoded[800...])
        #expect(TonePlanTests.power(1000, settled) > 100 * TonePlanTests.power(440, settled))
    }

    @Test("Opus is recognised by its rtpmap name, clocks at 48 kHz and has no static payload type")
    func opusCodec() {
        #expect(AudioCodec(encodingName: "opus") == .opus)
        #expect(AudioCodec.opus.timestampPerFrame == 960)
        #expect(AudioCodec.opus.samplesPerFrame == 960)
        #expect(AudioCodec.g722.timestampPerFrame == 160)
        #expect(!(0..<128).contains { AudioCodec(staticPayloadType: $0) == .opus })
    }
}
