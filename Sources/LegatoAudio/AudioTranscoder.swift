internal import CSpanDSP

/// Encodes 16-bit linear frames with one codec. Stateful for G.722 (ADPCM),
/// so one encoder per stream; lives on the thread that uses it.
public final class AudioEncoder {
    public let codec: AudioCodec
    private var g722: OpaquePointer?

    public init(_ codec: AudioCodec) {
        self.codec = codec
        if codec == .g722 { g722 = g722_encode_init(nil, 64000, 0) }
    }

    deinit { if let g722 { g722_encode_free(g722) } }

    /// Encodes `samples` into `output`; returns the bytes written.
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
        }
    }
}

/// Decodes one codec's payloads into 16-bit linear samples (stateful for G.722).
public final class AudioDecoder {
    public let codec: AudioCodec
    private var g722: OpaquePointer?

    public init(_ codec: AudioCodec) {
        self.codec = codec
        if codec == .g722 { g722 = g722_decode_init(nil, 64000, 0) }
    }

    deinit { if let g722 { g722_decode_free(g722) } }

    /// Decodes `payload` into `output`; returns the samples written.
    public func decode(_ payload: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
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
        }
    }
}
