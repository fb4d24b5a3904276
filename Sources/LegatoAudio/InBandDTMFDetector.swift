internal import CSpanDSP

/// DTMF tones in 8 kHz linear audio (spandsp's `dtmf_rx`), for legs that
/// negotiated no telephone-event. Feed 20 ms frames; each detected digit is
/// reported once. Lives on one thread (the media worker); no allocation per frame.
public final class InBandDTMFDetector {
    private let state: OpaquePointer
    private var digits = [CChar](repeating: 0, count: 16)

    public init() {
        state = dtmf_rx_init(nil, nil, nil)
    }

    deinit { dtmf_rx_free(state) }

    /// Runs the detector over `samples` and calls `report` for each digit completed.
    public func feed(_ samples: UnsafeBufferPointer<Int16>, report: (Character) -> Void) {
        guard let base = samples.baseAddress, !samples.isEmpty else { return }
        dtmf_rx(state, base, Int32(samples.count))
        let count = digits.withUnsafeMutableBufferPointer { dtmf_rx_get(state, $0.baseAddress, Int32($0.count - 1)) }
        for i in 0..<Int(count) { report(Character(UnicodeScalar(UInt8(bitPattern: digits[i])))) }
    }
}
