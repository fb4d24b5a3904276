internal import CSpeexDSP

/// Sample-rate conversion of a whole mono buffer with speexdsp's resampler
/// (quality 5). Used off the media workers (file decoding, TTS).
public enum Resampler {
    /// `samples` at `from` Hz converted to `to` Hz (the same array when equal).
    public static func convert(_ samples: [Int16], from: Int, to: Int) -> [Int16] {
        guard from != to, !samples.isEmpty, from > 0, to > 0 else { return samples }
        var error: Int32 = 0
        guard let state = speex_resampler_init(1, UInt32(from), UInt32(to), 5, &error) else { return samples }
        defer { speex_resampler_destroy(state) }
        speex_resampler_skip_zeros(state)
        let capacity = Int(Double(samples.count) * Double(to) / Double(from)) + 1024
        var output = [Int16](repeating: 0, count: capacity)
        var produced = 0
        samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                var consumed = 0
                while consumed < input.count, produced < out.count {
                    var inLength = UInt32(input.count - consumed)
                    var outLength = UInt32(out.count - produced)
                    speex_resampler_process_int(state, 0, input.baseAddress! + consumed, &inLength,
                                                out.baseAddress! + produced, &outLength)
                    if inLength == 0 && outLength == 0 { break }
                    consumed += Int(inLength)
                    produced += Int(outLength)
                }
                // Flush the filter's delay with silence.
                let zeros = [Int16](repeating: 0, count: Int(speex_resampler_get_input_latency(state)))
                zeros.withUnsafeBufferPointer { z in
                    var inLength = UInt32(z.count)
                    var outLength = UInt32(out.count - produced)
                    if inLength > 0, outLength > 0 {
                        speex_resampler_process_int(state, 0, z.baseAddress!, &inLength, out.baseAddress! + produced, &outLength)
                        produced += Int(outLength)
                    }
                }
            }
        }
        let expected = Int((Double(samples.count) * Double(to) / Double(from)).rounded())
        return Array(output[0..<min(produced, max(expected, 0))])
    }
}
