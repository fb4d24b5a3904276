internal import CLibopus
internal import CSpanDSP

/// Encodes 16-bit linear frames (at `codec.sampleRate`) with one codec.
/// Stateful for G.722 (ADPCM) and Opus, so one encoder per stream; lives on
/// the thread that uses it.
public final class AudioEncoder {
    public let codec: AudioCodec
    private var g722: OpaquePointer?
    private var opus: OpaquePointer?

    public init(_ codec: AudioCodec) {
        self.codec = codec
        switch codec {
        case .g722: g722 = g722_encode_init(nil, 64000, 0)
        case .opus:
            // Mono at 48 kHz, tuned for speech; libopus's default bitrate and complexity.
            var error: Int32 = 0
            opus = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &error)
        case .pcmu, .pcma: break
        }
    }

    deinit {
        if let g722 { g722_encode_free(g722) }
        if let opus { opus_encoder_destroy(opus) }
    }

    /// Encodes `samples` into `output`; returns the bytes written (0 when it cannot).
    public func encode(_ samples: UnsafeBufferPointer<Int16>, into output: UnsafeMutableRawBufferPointer) -> Int {
        switch codec {
        case .pcmu:
            let n = min(samples.count, output.count)
            for i in 0..<n { output[i] = G711.ulaw(samples[i]) }
            return n
        case .pcma:
            let n = min(samples.count, output.count)
            for i in 0..<n { output[i] = G711.alaw(samples[i]) }
            return n
        case .g722:
            let n = min(samples.count, output.count * 2)
            guard let base = samples.baseAddress, let out = output.baseAddress else { return 0 }
            return Int(g722_encode(g722, out.assumingMemoryBound(to: UInt8.self), base, Int32(n)))
        case .opus:
            guard let opus, let base = samples.baseAddress, let out = output.baseAddress else { return 0 }
            let written = opus_encode(opus, base, Int32(samples.count), out.assumingMemoryBound(to: UInt8.self),
                                      Int32(output.count))
            return max(0, Int(written))
        }
    }
}

/// Decodes one codec's payloads into 16-bit linear samples at `outputRate`
/// (stateful for G.722 and Opus). Opus decodes at that rate itself (libopus
/// resamples); G.722 at another rate goes through a `StreamResampler`.
public final class AudioDecoder {
    public let codec: AudioCodec
    /// Samples per second of what `decode` writes.
    public let outputRate: Int
    private var g722: OpaquePointer?
    private var opus: OpaquePointer?
    private var resampler: StreamResampler?
    private var wide: UnsafeMutableBufferPointer<Int16>?

    /// A decoder writing at `outputRate` (default: the codec's own rate; for
    /// Opus one of 8, 12, 16, 24 or 48 kHz).
    public init(_ codec: AudioCodec, outputRate: Int? = nil) {
        self.codec = codec
        let rate = outputRate ?? codec.sampleRate
        self.outputRate = rate
        switch codec {
        case .g722: g722 = g722_decode_init(nil, 64000, 0)
        case .opus:
            var error: Int32 = 0
            opus = opus_decoder_create(Int32(rate), 1, &error)
        case .pcmu, .pcma: break
        }
        if codec != .opus, rate != codec.sampleRate {
            resampler = StreamResampler(from: codec.sampleRate, to: rate)
            wide = .allocate(capacity: 5760)
        }
    }

    deinit {
        if let g722 { g722_decode_free(g722) }
        if let opus { opus_decoder_destroy(opus) }
        wide?.deallocate()
    }

    /// Decodes `payload` into `output`; returns the samples written.
    public func decode(_ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        guard let resampler, let wide else { return decodeNative(payload, into: output) }
        let count = decodeNative(payload, into: wide)
        return resampler.convert(UnsafeBufferPointer(rebasing: wide[0..<count]), into: output)
    }

    private func decodeNative(_ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        switch codec {
        case .pcmu:
            let n = min(payload.count, output.count)
            for i in 0..<n { output[i] = G711.linear(ulaw: payload[i]) }
            return n
        case .pcma:
            let n = min(payload.count, output.count)
            for i in 0..<n { output[i] = G711.linear(alaw: payload[i]) }
            return n
        case .g722:
            let n = min(payload.count, output.count / 2)
            guard n > 0, let base = payload.baseAddress, let out = output.baseAddress else { return 0 }
            return Int(g722_decode(g722, out, base.assumingMemoryBound(to: UInt8.self), Int32(n)))
        case .opus:
            guard let opus, let base = payload.baseAddress, let out = output.baseAddress, !payload.isEmpty else { return 0 }
            let samples = opus_decode(opus, base.assumingMemoryBound(to: UInt8.self), Int32(payload.count), out,
                                      Int32(output.count), 0)
            return max(0, Int(samples))
        }
    }
}
