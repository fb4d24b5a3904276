/// Overload shedding on a SIP socket's receive-queue depth
/// (`signalling.overload_queue_bytes`): while more bytes wait in the socket's
/// receive queue than the threshold, a new INVITE is shed (answered 503 by
/// the wire gate, statelessly) instead of being handed to sofia; everything
/// else passes. An INVITE that was handed over is remembered for
/// `memorySeconds` (RFC 3261 Timer B, 64·T1), so its retransmissions pass too
/// and reach the transaction that already exists.
///
/// A value: the gate asks `decide` with the INVITE's transaction key and a
/// way to measure the queue; the queue is measured only when the INVITE is
/// not a retransmission. Memory is bounded: two generations of at most
/// `capacity` keys each, the older dropped when the newer fills or ages.
public struct QueueShedder: Sendable {
    /// What to do with one new INVITE.
    public enum Decision: Equatable, Sendable {
        /// Hand it to sofia (and remember it).
        case pass
        /// A retransmission of an INVITE already handed to sofia: pass it on.
        case retransmission
        /// Shed it: the queue holds `queued` bytes, over `threshold`.
        case shed(queued: Int, threshold: Int)
    }

    /// The configured threshold in bytes (0: shedding off).
    public var thresholdBytes: Int
    /// Seconds an admitted INVITE is remembered.
    public let memorySeconds: Double
    /// Most keys per generation.
    public let capacity: Int
    private var current: Set<Int> = []
    private var previous: Set<Int> = []
    private var generationStart: Double?

    /// A shedder with nothing remembered.
    public init(thresholdBytes: Int, memorySeconds: Double = 32, capacity: Int = 65_536) {
        self.thresholdBytes = thresholdBytes
        self.memorySeconds = memorySeconds
        self.capacity = max(1, capacity)
    }

    /// The threshold that applies to a socket whose receive buffer is
    /// `receiveBuffer` bytes (as the kernel reports SO_RCVBUF): the configured
    /// one, capped at half the buffer so that shedding starts well before the
    /// kernel drops datagrams; 0 when shedding is off.
    public static func effectiveThreshold(configured: Int, receiveBuffer: Int) -> Int {
        guard configured > 0 else { return 0 }
        guard receiveBuffer > 0 else { return configured }
        return max(1, min(configured, receiveBuffer / 2))
    }

    /// Keys remembered now (both generations).
    public var rememberedCount: Int { current.count + previous.count }

    /// The verdict for a new INVITE (no To tag) whose transaction key is `key`
    /// (nil when its headers could not be read) at `now` (seconds on a
    /// monotonic clock); `queue` measures the socket's receive queue (queued
    /// bytes, receive buffer), nil when it cannot. With shedding off, or an
    /// unmeasurable queue, everything passes.
    public mutating func decide(key: Int?, now: Double, queue: () -> (queued: Int, capacity: Int)?) -> Decision {
        guard thresholdBytes > 0 else { return .pass }
        age(now: now)
        if let key, current.contains(key) || previous.contains(key) { return .retransmission }
        if let depth = queue() {
            let threshold = Self.effectiveThreshold(configured: thresholdBytes, receiveBuffer: depth.capacity)
            if depth.queued > threshold { return .shed(queued: depth.queued, threshold: threshold) }
        }
        if let key { remember(key) }
        return .pass
    }

    private mutating func age(now: Double) {
        guard let start = generationStart else {
            generationStart = now
            return
        }
        if now - start >= memorySeconds {
            // Both generations older than the memory when the gap is long.
            previous = now - start >= 2 * memorySeconds ? [] : current
            current = []
            generationStart = now
        }
    }

    private mutating func remember(_ key: Int) {
        if current.count >= capacity {
            previous = current
            current = []
        }
        current.insert(key)
    }
}
