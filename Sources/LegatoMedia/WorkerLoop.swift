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
    /// The origin of `clockUnits` (any fixed instant will do: jitter only uses differences).
    private let epoch = ContinuousClock.now

    /// `instant` in ticks of a `rate` Hz clock since the loop started.
    @inline(__always)
    func clockUnits(_ instant: ContinuousClock.Instant, rate: Int) -> Int64 {
        let (seconds, attoseconds) = (instant - epoch).components
        return seconds &* Int64(rate) &+ (attoseconds / 1_000_000_000) &* Int64(rate) / 1_000_000_000
    }

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
        if let timer = watchTimer {
            event_free(timer)
            watchTimer = nil
        }
    }

    // MARK: RTP watchdog

    /// The once-a-second check of watched sessions; created with the first watch.
    private var watchTimer: OpaquePointer?

    /// Starts watching `id`'s `legs` (`RelaySession.startWatchdog`).
    func watch(_ id: MediaSessionID, _ watch: SessionWatch) throws(MediaError) {
        let session = try session(id)
        session.watch = watch
        guard watchTimer == nil else { return }
        let arg = Unmanaged.passUnretained(self).toOpaque()
        guard let timer = event_new(base, -1, Int16(EV_PERSIST), { _, _, arg in
            guard let arg else { return }
            Unmanaged<WorkerLoop>.fromOpaque(arg).takeUnretainedValue().checkWatches()
        }, arg) else { throw .eventLoop("event_new") }
        var second = timeval(tv_sec: 1, tv_usec: 0)
        guard event_add(timer, &second) == 0 else {
            event_free(timer)
            throw .eventLoop("event_add")
        }
        watchTimer = timer
    }

    /// Judges every watched session; only changes become events.
    private func checkWatches() {
        let now = ContinuousClock.now
        for session in sessions.values where session.watch != nil {
            let id = session.id
            let events = self.events
            let keep = session.watch!.check(now: now, lastPacket: { session.leg($0).stats.lastPacketAt }) { leg, verdict in
                events(.watchdog(session: id, leg: leg, verdict: verdict))
            }
            if !keep { session.watch = nil }
        }
    }
}
