import Glibc
import Synchronization
import Testing
@testable import LegatoMedia

extension MediaSocketTests {
    @Suite struct MediaWorkerTests {
        @Test func defaultWorkerCountLeavesACoreForSignalling() {
            let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
            #expect(MediaWorkerPool.defaultWorkerCount == max(1, cores - 1))
            #expect(MediaWorkerPool.defaultWorkerCount >= 1)
        }

        @Test func poolStartsTheRequestedWorkers() throws {
            let pool = try MediaWorkerPool(workerCount: 3, portRange: 43000...43099)
            defer { pool.shutdown() }
            #expect(pool.workers.count == 3)
            #expect(pool.workers.map(\.index) == [0, 1, 2])
        }

        @Test func sessionsAreSpreadRoundRobin() async throws {
            let pool = try MediaWorkerPool(workerCount: 2, portRange: 43100...43199)
            defer { pool.shutdown() }
            var sessions: [RelaySession] = []
            for i in 0..<4 {
                sessions.append(try await pool.createRelaySession(id: MediaSessionID(UInt64(i)), address: "127.0.0.1"))
            }
            let indices = sessions.map(\.worker.index)
            #expect(indices[0] != indices[1])
            #expect(indices[0] == indices[2] && indices[1] == indices[3])
            for worker in pool.workers { #expect(try await worker.sessionCount() == 2) }
            #expect(pool.allocatedPortPairs == 8)
            for s in sessions { await s.releaseAndWait() }
            #expect(pool.allocatedPortPairs == 0)
        }

        @Test func commandsRunInOrderOnTheWorkerThread() async throws {
            let pool = try MediaWorkerPool(workerCount: 1, portRange: 43200...43299)
            defer { pool.shutdown() }
            let worker = pool.workers[0]
            let log = Mutex<[Int]>([])
            let threads = Mutex<Set<UInt>>([])
            for i in 0..<200 {
                worker.post { loop in
                    #expect(loop != nil)
                    log.withLock { $0.append(i) }
                    threads.withLock { _ = $0.insert(UInt(pthread_self())) }
                }
            }
            // A command posted last completes after all earlier ones.
            _ = try await worker.perform { _ in 0 }
            #expect(log.withLock { $0 } == Array(0..<200))
            let seen = threads.withLock { $0 }
            #expect(seen.count == 1)
            #expect(!seen.contains(UInt(pthread_self())))
        }

        @Test func commandsFromManyTasksAllRun() async throws {
            let pool = try MediaWorkerPool(workerCount: 2, portRange: 43300...43399)
            defer { pool.shutdown() }
            let total = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<500 {
                    group.addTask { try await pool.workers[i % 2].perform { _ in 1 } }
                }
                return try await group.reduce(0, +)
            }
            #expect(total == 500)
        }

        @Test func shutdownIsIdempotentAndLaterCommandsFail() async throws {
            let pool = try MediaWorkerPool(workerCount: 2, portRange: 43400...43499)
            pool.shutdown()
            pool.shutdown()
            await #expect(throws: MediaError.workerStopped) {
                _ = try await pool.createRelaySession(id: 1, address: "127.0.0.1")
            }
            let ran = Mutex(false)
            pool.workers[0].post { loop in
                #expect(loop == nil)
                ran.withLock { $0 = true }
            }
            #expect(ran.withLock { $0 })
        }

        @Test func aStoppedPoolLeavesNoSockets() async throws {
            do {
                let pool = try MediaWorkerPool(workerCount: 2, portRange: 43500...43599)
                _ = try await pool.createRelaySession(id: 1, address: "127.0.0.1")
                pool.shutdown()
            }
            #expect(try await waitUntil { openSocketCount(inPorts: 43500...43599) == 0 })
        }

        @Test func eventsArriveThroughTheClosureGivenAtCreation() async throws {
            let events = EventRecorder()
            let worker = try MediaWorker(portRange: 43600...43699, events: events.sink)
            defer { worker.shutdown() }
            let session = try await worker.createRelaySession(id: 77, legA: "127.0.0.1", legB: "127.0.0.1")
            let a = try TestUDPEndpoint()
            try a.send(rtpPacket(sequence: 1), to: session.ports.a.rtp)
            #expect(try await waitUntil { events.all.count == 2 })
            #expect(events.all == [
                .latched(session: 77, leg: .a, stream: .rtp, source: a.endpoint),
                .firstPacket(session: 77, leg: .a),
            ])
            // Only once per leg.
            try a.send(rtpPacket(sequence: 2), to: session.ports.a.rtp)
            #expect(try await waitUntil { try await session.stats().a.rtp.packetsIn == 2 })
            #expect(events.all.count == 2)
        }
    }
}
