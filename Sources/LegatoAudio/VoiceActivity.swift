internal import CSpeexDSP

/// Speech/silence decisions with hysteresis: a value machine fed one VAD
/// verdict per 20 ms frame; it changes state only after `onFrames`
/// consecutive speech frames or `offFrames` consecutive silent ones, and
/// says so (the `MicStatusChange` events).
public struct VoiceActivity: Sendable, Equatable {
    public let onFrames: Int
    public let offFrames: Int
    /// True while the speaker is talking.
    public private(set) var active = false
    private var run = 0

    public init(onFrames: Int = 3, offFrames: Int = 25) {
        self.onFrames = onFrames
        self.offFrames = offFrames
    }

    /// Feeds one frame's verdict; returns the new state when it changed.
    public mutating func frame(speech: Bool) -> Bool? {
        if speech == active {
            run = 0
            return nil
        }
        run += 1
        guard run >= (speech ? onFrames : offFrames) else { return nil }
        active = speech
        run = 0
        return active
    }
}

/// Voice activity detection on 8 kHz 20 ms frames with speexdsp's
/// preprocessor (VAD on, denoise on, AGC off), with `VoiceActivity`'s hysteresis.
public final class VoiceActivityDetector {
    private let state: OpaquePointer
    private let scratch = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 160)
    public private(set) var activity: VoiceActivity

    public init(activity: VoiceActivity = VoiceActivity()) {
        self.activity = activity
        state = speex_preprocess_state_init(160, 8000)
        var on: Int32 = 1
        speex_preprocess_ctl(state, SPEEX_PREPROCESS_SET_VAD, &on)
        speex_preprocess_ctl(state, SPEEX_PREPROCESS_SET_DENOISE, &on)
        var start: Int32 = 80, keep: Int32 = 65
        speex_preprocess_ctl(state, SPEEX_PREPROCESS_SET_PROB_START, &start)
        speex_preprocess_ctl(state, SPEEX_PREPROCESS_SET_PROB_CONTINUE, &keep)
    }

    deinit {
        speex_preprocess_state_destroy(state)
        scratch.deallocate()
    }

    /// One 160-sample frame; returns true/false when the speech state changed.
    public func feed(_ frame: UnsafeBufferPointer<Int16>) -> Bool? {
        guard frame.count == 160 else { return nil }
        _ = scratch.update(fromContentsOf: frame)
        let speech = speex_preprocess_run(state, scratch.baseAddress) != 0
        return activity.frame(speech: speech)
    }
}
