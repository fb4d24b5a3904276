import Glibc
import Synchronization

/// The media workers: N threads, each with its own event_base, sharing one
/// port allocator. Sessions are placed on workers round robin; a session
/// stays on its worker for life.
public final class MediaWorkerPool: Sendable {
    /// Cores − 1 (the signalling thread keeps one), at least 1.
    public static var defaultWorkerCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) - 1)
    }

    /// The workers, by index.
    public let workers: [MediaWorker]
    private let ports: MediaPortPool
    private let nextWorker = Atomic<Int>(0)

    /// Starts `workerCount` workers allocating ports from `portRange`.
    /// `events` is called on worker threads; hop to your own context from it.
    public init(workerCount: Int = MediaWorkerPool.defaultWorkerCount,
                portRange: ClosedRange<Int>,
                events: @escaping @Sendable (MediaEvent) -> Void = { _ in }) throws {
        precondition(workerCount >= 1, "a media pool needs at least one worker")
        let ports = MediaPortPool(range: portRange)
        var workers: [MediaWorker] = []
        do {
            for index in 0..<workerCount {
                workers.append(try MediaWorker(index: index, ports: ports, events: events))
            }
        } catch {
            for worker in workers { worker.shutdown() }
            throw error
        }
        self.ports = ports
        self.workers = workers
    }

    deinit { shutdown() }

    /// Port pairs currently allocated (two per live relay session).
    public var allocatedPortPairs: Int { ports.allocatedCount }

    /// Packet counters of every session the workers ran, live and released
    /// (one command per worker: a scrape costs nothing per packet).
    public func totals() async -> MediaTotals {
        var sum = MediaTotals()
        for worker in workers {
            if let totals = try? await worker.totals() { sum = sum + totals }
        }
        return sum
    }

    /// The worker the next session goes to (round robin).
    public func nextWorkerForSession() -> MediaWorker {
        let n = nextWorker.wrappingAdd(1, ordering: .relaxed).oldValue
        return workers[(n % workers.count + workers.count) % workers.count]
    }

    /// Creates a relay session on the next worker. See `MediaWorker.createRelaySession`.
    public func createRelaySession(id: MediaSessionID, legA: String, legB: String,
                                   options: RelaySessionOptions = RelaySessionOptions()) async throws -> RelaySession {
        try await nextWorkerForSession().createRelaySession(id: id, legA: legA, legB: legB, options: options)
    }

    /// Creates a relay session with both legs on `address`.
    public func createRelaySession(id: MediaSessionID, address: String,
                                   options: RelaySessionOptions = RelaySessionOptions()) async throws -> RelaySession {
        try await createRelaySession(id: id, legA: address, legB: address, options: options)
    }

    /// Stops every worker (releasing all their sessions) and waits for them.
    public func shutdown() {
        for worker in workers { worker.shutdown() }
    }
}
