internal import CSpeexDSP

/// Sample-rate conversion of a mono stream, frame by frame, with speexdsp's
/// resampler (quality 3: the media workers' budget), keeping the filter's
/// state between frames (its delay, a few milliseconds, is kept rather than
/// skipped, so every frame in gives a whole frame out). Used on the media workers where a decoded leg's
/// rate differs from the pipeline's (G.722's 16 kHz into 8 kHz analysis and
/// recording). Lives on the thread that uses it.
public final class StreamResampler {
    public let from: Int
    public let to: Int
    private let state: OpaquePointer?

    /// A converter from `from` Hz to `to` Hz.
    public init(from: Int, to: Int) {
        self.from = from
        self.to = to
        var error: Int32 = 0
        state = speex_resampler_init(1, UInt32(from), UInt32(to), 3, &error)
    }

    deinit { if let state { speex_resampler_destroy(state) } }

    /// Converts `input` into `output`; returns the samples written
    /// (`input.count * to / from` for rates that divide each other).
    public func convert(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        guard let state, let source = input.baseAddress, let target = output.baseAddress, !input.isEmpty else { return 0 }
        var inLength = UInt32(input.count)
        var outLength = UInt32(output.count)
        speex_resampler_process_int(state, 0, source, &inLength, target, &outLength)
        return Int(outLength)
    }
}
