/// Turns the audio of a call's two directions into recording frames: each
/// direction's decoded samples are queued as they arrive (packets come in
/// bursts or not at all), and every 20 ms tick takes one frame from each
/// (silence where a direction had nothing) and lays them out as stereo
/// (left: first channel, right: second) or mixes them to mono.
///
/// Allocation-free after init; lives on the media worker.
public final class RecordingMixer {
    /// Samples per channel per frame.
    public let frameSamples: Int
    public let stereo: Bool
    private var queues: [SampleQueue]

    /// `capacity`: most samples held per direction (older ones are dropped when full).
    public init(frameSamples: Int, stereo: Bool, capacity: Int = 8000) {
        self.frameSamples = frameSamples
        self.stereo = stereo
        queues = [SampleQueue(capacity: capacity), SampleQueue(capacity: capacity)]
    }

    /// Channels of the frames it produces.
    public var channels: Int { stereo ? 2 : 1 }

    /// Samples decoded from direction `channel` (0 = left/caller, 1 = right/callee).
    public func push(_ channel: Int, _ samples: UnsafeBufferPointer<Int16>) {
        queues[channel].push(samples)
    }

    /// Samples waiting in `channel`.
    public func pending(_ channel: Int) -> Int { queues[channel].count }

    /// One frame into `output` (`frameSamples * channels` samples, interleaved when stereo).
    public func nextFrame(into output: UnsafeMutableBufferPointer<Int16>) {
        for i in 0..<frameSamples {
            let left = queues[0].pop() ?? 0
            let right = queues[1].pop() ?? 0
            if stereo {
                output[2 * i] = left
                output[2 * i + 1] = right
            } else {
                output[i] = Int16(clamping: Int(left) + Int(right))
            }
        }
    }
}

/// A fixed-capacity FIFO of samples (a ring); full: the oldest are overwritten.
struct SampleQueue {
    private var storage: [Int16]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) { storage = Array(repeating: 0, count: max(1, capacity)) }

    mutating func push(_ samples: UnsafeBufferPointer<Int16>) {
        for sample in samples {
            if count == storage.count {
                head = (head + 1) % storage.count
                count -= 1
            }
            storage[(head + count) % storage.count] = sample
            count += 1
        }
    }

    mutating func pop() -> Int16? {
        guard count > 0 else { return nil }
        let value = storage[head]
        head = (head + 1) % storage.count
        count -= 1
        return value
    }
}
