/// A handle on a relay session living on one media worker: two legs, each
/// with an RTP and RTCP socket. Packets from leg A's remote leave from leg B's
/// sockets to B's remote, and vice versa.
///
/// Every method sends a command to the session's worker; commands run in the
/// order they were sent.
public struct RelaySession: Sendable {
    /// The id given at creation.
    public let id: MediaSessionID
    /// The local ports of each leg (to put in the SDP sent to that leg's side).
    public let ports: RelaySessionPorts
    /// The worker the session lives on.
    public let worker: MediaWorker
    /// Legato's ICE credentials per leg (`RelaySessionOptions.iceA`/`iceB`),
    /// to advertise in the SDP sent to that leg's side.
    public let ice: [RelayLeg: ICECredentials]

    init(id: MediaSessionID, ports: RelaySessionPorts, worker: MediaWorker, ice: [RelayLeg: ICECredentials] = [:]) {
        self.id = id
        self.ports = ports
        self.worker = worker
        self.ice = ice
    }

    /// Sets where `leg`'s media goes before any packet arrives (from SDP).
    /// `rtcp` defaults to the RTP address with port + 1 (RFC 3550). Forgets a
    /// previous latch: the next packet from that leg latches again.
    public func setRemote(_ leg: RelayLeg, rtp: MediaEndpoint, rtcp: MediaEndpoint? = nil) async throws {
        let rtpAddress = try SocketAddress(rtp)
        let rtcpAddress = try SocketAddress(rtcp ?? MediaEndpoint(host: rtp.host, port: rtp.port + 1))
        let id = self.id
        try await worker.perform { loop in
            try loop.session(id).setRemote(leg, rtp: rtpAddress, rtcp: rtcpAddress)
        }
    }

    /// Forgets `leg`'s remotes: nothing goes to that leg until a packet from it
    /// is latched or `setRemote` is called.
    public func clearRemote(_ leg: RelayLeg) async throws {
        let id = self.id
        try await worker.perform { loop in
            try loop.session(id).setRemote(leg, rtp: nil, rtcp: nil)
        }
    }

    /// Stops (or resumes) sending anything to `leg`'s remote: a remote that
    /// put the call on hold gets no media (RFC 3264 §8.4) until it resumes.
    public func setSendPaused(_ leg: RelayLeg, _ paused: Bool) async throws {
        let id = self.id
        try await worker.perform { loop in
            try loop.session(id).leg(leg).sendPaused = paused
        }
    }

    /// Turns rtcp-mux (RFC 5761) on or off for `leg`: its RTCP then shares
    /// the RTP socket and remote.
    public func setRTCPMux(_ leg: RelayLeg, _ enabled: Bool) async throws {
        let id = self.id
        try await worker.perform { loop in
            try loop.session(id).leg(leg).rtcpMux = enabled
        }
    }

    /// Turns SRTP on for `leg` with `keys` (SDES), or off with nil. Contexts
    /// are created on the worker; setting the keys the leg already has keeps
    /// its contexts (and their rollover and replay state). Throws when
    /// libsrtp2 refuses the keys (e.g. an unsupported suite).
    public func setSRTP(_ leg: RelayLeg, _ keys: SRTPLegKeys?) async throws {
        let id = self.id
        try await worker.perform { loop in
            let core = try loop.session(id).leg(leg)
            guard core.srtp?.keys != keys else { return }
            core.srtp = try keys.map { keys throws(SRTPError) in try RelayLegSRTP(keys: keys) }
        }
    }

    /// The RTP clock rate (Hz) of what `leg`'s remote sends (the negotiated
    /// codec's; 8000 by default): the unit in which its jitter is measured.
    public func setClockRate(_ leg: RelayLeg, _ rate: Int) async throws {
        guard rate > 0 else { return }
        let id = self.id
        try await worker.perform { loop in
            try loop.session(id).leg(leg).clockRate = rate
        }
    }

    /// Allows or forbids following a new source after latching.
    public func setAllowRelatch(_ allowed: Bool) async throws {
        let id = self.id
        try await worker.perform { loop in
            try loop.session(id).options.allowRelatch = allowed
        }
    }

    /// Watches `legs`' incoming media on the worker, once a second: silence
    /// for `stopAfter` reports `.stopped`, media after that `.resumed`, and
    /// silence for `hangupAfter` (nil: never) `.expired`, each once, as
    /// `MediaEvent.watchdog`. Silence counts from now; while `held`, it does
    /// not count. Replaces an earlier watch.
    public func startWatchdog(legs: [RelayLeg], stopAfter: Duration, hangupAfter: Duration?, held: Bool) {
        let id = self.id
        let start = ContinuousClock.now
        worker.post { loop in
            try? loop?.watch(id, SessionWatch(legs: legs, stopAfter: stopAfter, hangupAfter: hangupAfter,
                                              held: held, start: start))
        }
    }

    /// Tells the watchdog whether the call is on hold (silence then does not count).
    public func setWatchdogHeld(_ held: Bool) {
        let id = self.id
        worker.post { loop in
            (try? loop?.session(id))?.watch?.held = held
        }
    }

    /// Stops watching (no more `MediaEvent.watchdog` for the session).
    public func stopWatchdog() {
        let id = self.id
        worker.post { loop in
            (try? loop?.session(id))?.watch = nil
        }
    }

    /// A snapshot of the session's counters, remotes and last-packet times.
    public func stats() async throws -> RelaySessionStats {
        let id = self.id
        return try await worker.perform { loop in try loop.session(id).stats() }
    }

    /// The session's counters, also shortly after it was released (the
    /// counters it had then); nil when it is long gone or the worker stopped.
    public func finalStats() async -> RelaySessionStats? {
        let id = self.id
        return try? await worker.perform { loop in
            (try? loop.session(id).stats()) ?? loop.retired.final(id)
        }
    }

    /// Closes the session's sockets and frees its ports, without waiting.
    /// Idempotent; safe after the worker stopped (which released it already).
    public func release() {
        let id = self.id
        worker.post { loop in loop?.release(id) }
    }

    /// Like `release()`, and returns once the sockets are closed and the
    /// ports freed. Returns false if the session was already gone.
    @discardableResult
    public func releaseAndWait() async -> Bool {
        let id = self.id
        return (try? await worker.perform { loop in loop.release(id) }) ?? false
    }

    /// Attaches processing to one side of a leg. `make` runs on the worker
    /// thread (processing objects live there).
    func attach(_ leg: RelayLeg, _ side: MediaUnitSide, _ make: @escaping @Sendable () -> MediaAttachment) async throws {
        let id = self.id
        try await worker.perform { loop in
            let core = try loop.session(id).leg(leg)
            let unit = side == .input ? core.input : core.output
            switch make() {
            case .processor(let p): unit.attach(p)
            case .output(let o): unit.attach(o)
            }
        }
    }
}
