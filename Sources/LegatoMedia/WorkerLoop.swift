internal import CLibevent

/// The state a media worker's thread owns: its event_base, its packet batch
/// and its sessions. Created on the caller's thread, then touched only on the
/// worker thread (commands reach it through `MediaWorker`'s queue) — hence
/// `@unchecked Sendable`.
final class WorkerLoop: @unchecked Sendable {
    let base: OpaquePointer
    let batch: PacketBatch
    let ports: MediaPortPool
    let events: @Sendable (MediaEvent) -> Void
    private(set) var sessions: [MediaSessionID: RelaySessionCore] = [:]
    /// Counters of released sessions (totals for metrics, last stats for CDRs).
    private(set) var retired = RetiredSessionStats()
    /// Playback frames sent more than a frame late on this loop (`MediaTotals.lateTicks`).
    var lateTicks: UInt64 = 0

    init(ports: MediaPortPool, events: @escaping @Sendable (MediaEvent) -> Void) throws(MediaError) {
        guard let base = event_base_new() else { throw .eventLoop("event_base_new") }
        do {
            batch = try PacketBatch()
        } catch {
            event_base_free(base)
            throw error
        }
        self.base = base
        self.ports = ports
        self.events = events
    }

    deinit {
        releaseAll()
        event_base_free(base)
    }

    func createRelay(id: MediaSessionID, legA: SocketAddress, legB: SocketAddress,
                     options: RelaySessionOptions) throws(MediaError) -> RelaySessionPorts {
        guard sessions[id] == nil else { throw .duplicateSession(id) }
        let session = try RelaySessionCore(id: id, legA: legA, legB: legB, options: options, loop: self)
        sessions[id] = session
        return session.ports
    }

    func session(_ id: MediaSessionID) throws(MediaError) -> RelaySessionCore {
        guard let session = sessions[id] else { throw .unknownSession(id) }
        return session
    }

    /// Closes the session's sockets and frees its ports; false when unknown.
    @discardableResult
    func release(_ id: MediaSessionID) -> Bool {
        guard let session = sessions.removeValue(forKey: id) else { return false }
        retired.retire(id, session.stats())
        session.close()
        return true
    }

    /// Released sessions' counters plus the live ones'.
    func totals() -> MediaTotals {
        var totals = sessions.values.reduce(retired.totals) { $0 + MediaTotals($1.stats()) }
        totals.lateTicks = lateTicks
        return totals
    }

    func releaseAll() {
        for session in sessions.values { session.close() }
        sessions.removeAll()
    }
}
