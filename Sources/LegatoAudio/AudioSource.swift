import Foundation

/// Something that produces audio 20 ms at a time, pulled by a leg's timer on
/// its media worker (players, TTS, tone generators). Lives on that worker's
/// thread; `read` must not block or allocate.
public protocol AudioSource: AnyObject {
    /// Samples per second of the frames it produces.
    var sampleRate: Int { get }
    /// Fills `frame` (one 20 ms frame at `sampleRate`). Returns false once
    /// the source is finished (the frame is then silence).
    func read(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool
}

/// Plays an `AudioClip`, once or looped. The last partial frame is padded with silence.
public final class ClipSource: AudioSource {
    public let clip: AudioClip
    public let loop: Bool
    private var position = 0

    public init(clip: AudioClip, loop: Bool = false) {
        self.clip = clip
        self.loop = loop
    }

    public var sampleRate: Int { clip.sampleRate }

    public func read(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
        let samples = clip.samples
        guard !samples.isEmpty else {
            frame.update(repeating: 0)
            return false
        }
        var filled = 0
        while filled < frame.count {
            if position >= samples.count {
                guard loop else { break }
                position = 0
            }
            let n = min(frame.count - filled, samples.count - position)
            samples.withUnsafeBufferPointer { src in
                for i in 0..<n { frame[filled + i] = src[position + i] }
            }
            filled += n
            position += n
        }
        if filled < frame.count {
            for i in filled..<frame.count { frame[i] = 0 }
            return filled > 0
        }
        return true
    }
}

/// Generates a `TonePlan` forever (sample-accurate cadence, continuous phase per frequency).
///
/// Own generator rather than spandsp's `tone_gen`: spandsp generates at its
/// fixed 8 kHz only (G.722 legs run at 16 kHz, Opus legs at 48 kHz, and a
/// tone resampled per frame would cost a resampler per playing call), and a
/// `tone_gen_descriptor` holds at most two frequencies and four cadence
/// steps; the plans here are plain data tested against their cadences.
public final class ToneSource: AudioSource {
    public let plan: TonePlan
    public let sampleRate: Int
    /// Segment boundaries in samples, and the whole period.
    private let ends: [Int]
    private let period: Int
    private var sample = 0
    private var phases: [[Double]]
    private let steps: [[Double]]

    public init(plan: TonePlan, sampleRate: Int) {
        self.plan = plan
        self.sampleRate = sampleRate
        var end = 0
        ends = plan.segments.map {
            end += $0.milliseconds * sampleRate / 1000
            return end
        }
        period = max(1, end)
        phases = plan.segments.map { Array(repeating: 0, count: $0.frequencies.count) }
        steps = plan.segments.map { $0.frequencies.map { 2 * Double.pi * $0 / Double(sampleRate) } }
    }

    public func read(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
        guard !plan.segments.isEmpty else {
            frame.update(repeating: 0)
            return false
        }
        for i in 0..<frame.count {
            let offset = sample % period
            var segment = 0
            while segment < ends.count - 1 && offset >= ends[segment] { segment += 1 }
            var value = 0.0
            for k in 0..<steps[segment].count {
                value += sin(phases[segment][k])
                phases[segment][k] += steps[segment][k]
                if phases[segment][k] > 2 * Double.pi { phases[segment][k] -= 2 * Double.pi }
            }
            frame[i] = Int16(max(-32767, min(32767, value * plan.amplitude)))
            sample += 1
            if sample == period * 1000 { sample = 0 }
        }
        return true
    }
}
