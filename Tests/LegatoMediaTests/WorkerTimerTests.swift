import Foundation
import Synchronization
import Testing
@testable import LegatoMedia

/// The worker's one-shot timer, on a real worker loop.
@Suite struct WorkerTimerTests {
    /// Holds loop-confined objects between commands to the same worker.
    final class Holder: @unchecked Sendable {
        var timers: [WorkerTimer] = []
    }

    @Test func anArmedTimerFiresOnceAndACancelledOneNeverFires() async throws {
        let pool = try MediaWorkerPool(workerCount: 1, portRange: 30000...30009, events: { _ in })
        defer { pool.shutdown() }
        let worker = pool.nextWorkerForSession()
        let count = WorkerTimer.Count()
        let fired = Mutex<[String]>([])
        let holder = Holder()
        try await worker.perform { loop in
            let armed = try WorkerTimer(base: loop.base, count: count) { fired.withLock { $0.append("armed") } }
            let cancelled = try WorkerTimer(base: loop.base, count: count) { fired.withLock { $0.append("cancelled") } }
            armed.arm(after: .milliseconds(20))
            cancelled.arm(after: .milliseconds(20))
            cancelled.cancel()
            cancelled.cancel()  // idempotent
            holder.timers = [armed, cancelled]
        }
        #expect(count.current == 1)
        try await Task.sleep(for: .milliseconds(150))
        #expect(fired.withLock { $0 } == ["armed"])
        // Re-armed with a past delay: fires at once.
        try await worker.perform { _ in holder.timers[0].arm(after: .milliseconds(-5)) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(fired.withLock { $0 } == ["armed", "armed"])
        try await worker.perform { _ in holder.timers.removeAll() }
        #expect(count.current == 0, "deinit frees the event")
    }
}
