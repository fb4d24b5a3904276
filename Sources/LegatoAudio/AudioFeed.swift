import Synchronization

/// One call's received audio on its way to another call (`sendMediaTo`):
/// 8 kHz linear samples pushed by the source leg's worker, pulled 20 ms at
/// a time by the target leg's worker (the two may be different threads).
/// Bounded (half a second; the oldest samples go when full), one lock per
/// frame, no allocation after init.
public final class AudioFeed: Sendable {
    private struct Ring {
        var storage: [Int16]
        var head = 0
        var count = 0
    }
    private let ring: Mutex<Ring>

    public init(capacity: Int = 4000) {
        ring = Mutex(Ring(storage: Array(repeating: 0, count: max(160, capacity))))
    }

    /// Samples waiting.
    public var pending: Int { ring.withLock { $0.count } }

    /// Appends decoded samples (source worker).
    public func push(_ samples: UnsafeBufferPointer<Int16>) {
        ring.withLock { r in
            let capacity = r.storage.count
            for sample in samples {
                if r.count == capacity {
                    r.head = (r.head + 1) % capacity
                    r.count -= 1
                }
                r.storage[(r.head + r.count) % capacity] = sample
                r.count += 1
            }
        }
    }

    /// Takes up to `frame.count` samples, silence for the rest (target worker).
    public func pull(into frame: UnsafeMutableBufferPointer<Int16>) {
        ring.withLock { r in
            let capacity = r.storage.count
            let n = min(frame.count, r.count)
            for i in 0..<n { frame[i] = r.storage[(r.head + i) % capacity] }
            for i in n..<frame.count { frame[i] = 0 }
            r.head = (r.head + n) % capacity
            r.count -= n
        }
    }
}

/// Plays an `AudioFeed` (8 kHz) at the target leg's rate (converted by a `StreamResampler`). Never ends by itself.
public final class FeedSource: AudioSource {
    public let feed: AudioFeed
    public let sampleRate: Int
    private let narrow = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 160)
    private let resampler: StreamResampler?

    public init(feed: AudioFeed, sampleRate: Int) {
        self.feed = feed
        self.sampleRate = sampleRate
        resampler = sampleRate == 8000 ? nil : StreamResampler(from: 8000, to: sampleRate)
        narrow.initialize(repeating: 0)
    }

    deinit { narrow.deallocate() }

    public func read(into frame: UnsafeMutableBufferPointer<Int16>) -> Bool {
        guard let resampler else {
            feed.pull(into: frame)
            return true
        }
        feed.pull(into: narrow)
        let written = resampler.convert(UnsafeBufferPointer(narrow), into: frame)
        // Only a ratio that does not divide leaves a sample or two short: repeat the last one.
        let last = written > 0 ? frame[written - 1] : 0
        for i in written..<frame.count { frame[i] = last }
        return true
    }
}
