import Logging
import LegatoAudio
import LegatoCall
import LegatoConfig
import LegatoMedia
import LegatoSIP
import LegatoSecurity

/// The running daemon: listeners, media workers, the call engine and the
/// scenario it hands calls to, started from a configuration and stopped gracefully.
@SIPActor
final class Daemon {
    /// The running configuration (a reload replaces it).
    var configuration: LegatoConfiguration
    var logger: Logger
    /// This process's part when `signalling.shards` > 1 (`useShard`); nil: the only process.
    var shard: ShardRole?
    /// Listener sockets joined to this shard's inbox, undone before the endpoints stop.
    var shardAttached: [Int32] = []
    let scenarioSource: ScenarioSource
    var endpoints: [SIPEndpoint] = []
    var engine: CallEngine?
    var media: MediaWorkerPool?
    /// The wire and INVITE admission (`AdmissionGate`); a reload gives it the new policy.
    var admission: AdmissionGate?
    /// Registrations with trunks (`register: true`) by trunk name, kept alive by nua.
    var registrations: [String: TrunkRegistration] = [:]
    /// Operations (`Daemon+Operations.swift`): CDRs, metrics, ctl, systemd.
    var records: CDRWriter?
    var admin: AdminServer?
    var heartbeat: LoopHeartbeat?
    let notifier = SystemdNotifier()
    let startedAt = ContinuousClock.now
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []
    private var stopping = false
    private var stopped = false

    /// Where the scenario comes from: built at start, or given ready-made.
    enum ScenarioSource {
        case factory(LegatoServer.ScenarioFactory)
        case instance(any Scenario)
    }

    init(configuration: LegatoConfiguration, logger: Logger, scenario: ScenarioSource) {
        self.configuration = configuration
        self.logger = logger
        scenarioSource = scenario
    }

    /// Binds every listener and starts taking calls.
    func start() throws {
        if let shard { shareListeners(shard) }
        if configuration.usesRelay {
            var workers = configuration.media.workers > 0 ? configuration.media.workers : MediaWorkerPool.defaultWorkerCount
            // The shards share the cores: the default is split between them.
            if let shard, configuration.media.workers == 0 { workers = max(1, workers / shard.count) }
            media = try MediaWorkerPool(workerCount: workers, portRange: configuration.media.portRange,
                                        events: MediaEventRouter.eventHandler())
            logger.info("legato.media", metadata: ["media.address": "\(configuration.media.address)",
                                                   "media.ports": "\(configuration.media.portRange)",
                                                   "media.workers": "\(workers)"])
        }
        let scenario: any Scenario
        switch scenarioSource {
        case .instance(let instance): scenario = instance
        case .factory(let make): scenario = try make(LegatoServer.Context(configuration: configuration, media: media, logger: logger))
        }
        var listeners: [CallEngine.Listener] = []
        for (index, listener) in configuration.listeners.enumerated() {
            let host = listener.isIPv6 ? "[\(listener.address)]" : listener.address
            let plain = listener.transports.filter { $0 != .tls }
            var url: String?
            if !plain.isEmpty {
                url = "sip:\(host):\(listener.port)" + (plain.count == 1 ? ";transport=\(plain[0].rawValue)" : "")
            }
            var sipsURL: String?
            var certDir: String?
            if listener.transports.contains(.tls), let cert = listener.tlsCertificate, let key = listener.tlsKey {
                sipsURL = "sips:\(host):\(listener.tlsPort)"
                certDir = try TLSCertificateDirectory.make(certificate: cert, key: key)
            }
            guard let bindURL = url ?? sipsURL else { continue }
            let endpoint = try SIPEndpoint(url: bindURL, address: listener.address, port: listener.port,
                                           sipsURL: url == nil ? nil : sipsURL, certificateDirectory: certDir,
                                           userAgent: configuration.signalling.userAgent, logger: logger)
            endpoints.append(endpoint)
            listeners.append(.init(endpoint: endpoint, transports: Set(listener.transports.map(\.rawValue)), index: index))
            guardSockets(of: listener, index: index)
            if let shard { try attachInbox(shard, listener: listener, index: index) }
            logger.info("legato.listening", metadata: [
                "listener.address": "\(listener.address)", "listener.port": "\(listener.port)",
                "listener.transports": "\(listener.transports.map(\.rawValue).joined(separator: ","))"])
        }
        let gate = try AdmissionGate(configuration: configuration, logger: logger)
        gate.install()
        admission = gate
        let engine = CallEngine(listeners: listeners, scenario: scenario, logger: logger)
        if let media {
            for (index, listener) in configuration.listeners.enumerated() {
                engine.anchorSettings[index] = MediaAnchorSettings(pool: media, address: configuration.media.address,
                                                                   srtp: listener.srtp,
                                                                   allowRelatch: configuration.media.allowRelatch,
                                                                   ice: configuration.media.ice,
                                                                   watchdog: WatchdogSettings(
                                                                       stopAfter: configuration.media.rtpTimeout,
                                                                       hangupAfter: configuration.media.rtpHangupTimeout))
            }
        }
        engine.inviteAdmission = { [weak gate] invite, listener in gate?.admitInvite(invite, listener: listener) }
        engine.onRefused = { [weak gate] refusal, invite in gate?.refusedInvite(refusal, invite) }
        engine.maxCalls = configuration.signalling.maxCalls
        engine.sessionTimerPolicy = SessionTimer.Policy(interval: configuration.signalling.sessionTimer,
                                                        minSE: configuration.signalling.sessionMinSE)
        engine.earlyMediaTimeout = configuration.signalling.earlyMediaTimeout
        if configuration.signalling.overloadLagMilliseconds > 0 {
            let monitor = LoadMonitor(lagThresholdMilliseconds: configuration.signalling.overloadLagMilliseconds,
                                      logger: logger)
            monitor.start()
            engine.loadMonitor = monitor
        }
        self.engine = engine
        startRegistrations(engine: engine)
        try startOperations(engine: engine)
        logger.info("legato.ready", metadata: ["config": "\(configuration.sourcePath)"])
        notifier.notify("READY=1\nSTATUS=taking calls")
    }

    /// Stops taking calls (503), lets calls end for up to `grace` seconds,
    /// hangs up what is left, closes the listeners and returns.
    func stop(grace: Double) async {
        if stopping { return await waitUntilStopped() }
        stopping = true
        notifier.notify("STOPPING=1")
        // Without an engine (a start that failed half-way) there are no calls to drain.
        if let engine {
            drain()
            logger.info("legato.draining", metadata: ["calls": "\(engine.activeCallCount)", "grace": "\(grace)"])
            let deadline = Task { @SIPActor in
                try? await Task.sleep(for: .milliseconds(Int(grace * 1000)))
                if !Task.isCancelled { engine.hangupAll() }
            }
            await engine.waitUntilIdle()
            deadline.cancel()
        }
        // sofia's nua_shutdown runs on the loop and, after a busy hour, holds
        // it for a second or more freeing what it kept: that is not overload.
        engine?.loadMonitor?.stop()
        detachInboxes()
        for endpoint in endpoints { await endpoint.shutdown() }
        admission?.uninstall()
        await stopOperations()
        if let media {
            logger.info("legato.media-stopping", metadata: ["media.ports.allocated": "\(media.allocatedPortPairs)"])
            media.shutdown()
        }
        await waitForRecordings()
        finish()
    }

    /// The sessions' ends asked the writer thread to close their recordings:
    /// wait (up to 5 s) until it has, so that no file is left incomplete by
    /// the process's exit, then once more, so that their `RecordStopped`
    /// (queued on this actor by the writer) run first.
    private func waitForRecordings() async {
        guard RecordingWriter.openCount > 0 else { return }
        let deadline = ContinuousClock.now + .seconds(5)
        while RecordingWriter.openCount > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if RecordingWriter.openCount > 0 {
            logger.warning("legato.recordings-open", metadata: ["recordings": "\(RecordingWriter.openCount)"])
        }
        try? await Task.sleep(for: .milliseconds(20))
    }

    /// Returns once `stop` has finished.
    func waitUntilStopped() async {
        if stopped { return }
        await withCheckedContinuation { stopWaiters.append($0) }
    }

    private func finish() {
        stopped = true
        logger.info("legato.stopped")
        let waiters = stopWaiters
        stopWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }
}

extension Daemon {
    /// Puts the listener's sockets behind the wire gate and sets its UDP
    /// sockets' buffers (`signalling.udp_buffer`), logging what the kernel granted.
    func guardSockets(of listener: ListenerConfig, index: Int) {
        let ports = Set([listener.port] + (listener.transports.contains(.tls) ? [listener.tlsPort] : []))
        for port in ports.sorted() {
            WireGate.watch(port: port, listener: index)
            let bytes = configuration.signalling.udpBuffer
            if bytes > 0 {
                for result in WireGate.setBuffers(port: port, bytes: bytes) {
                    let level: Logger.Level = result.receiveBytes >= bytes ? .info : .warning
                    logger.log(level: level, "legato.udp-buffer", metadata: [
                        "listener.port": "\(port)", "udp_buffer.requested": "\(bytes)",
                        "udp_buffer.receive": "\(result.receiveBytes)", "udp_buffer.send": "\(result.sendBytes)",
                        "udp_buffer.forced": "\(result.forced)"])
                }
            }
            logOverloadQueue(port: port)
        }
    }

    /// Logs `legato.overload-queue`: the receive-queue depth past which new
    /// INVITEs are shed on `port`'s UDP sockets (`signalling.overload_queue_bytes`,
    /// capped at half the granted receive buffer; 0: off).
    func logOverloadQueue(port: Int) {
        let configured = configuration.signalling.overloadQueueBytes
        for queue in WireGate.queues(port: port) {
            let effective = QueueShedder.effectiveThreshold(configured: configured, receiveBuffer: queue.capacity)
            let level: Logger.Level = effective < configured ? .warning : .info
            logger.log(level: level, "legato.overload-queue", metadata: [
                "listener.port": "\(port)", "overload_queue.configured": "\(configured)",
                "overload_queue.effective": "\(effective)", "udp_buffer.receive": "\(queue.capacity)"])
        }
    }
}

extension LegatoConfiguration {
    /// True when media may be anchored in Legato: relay is the default
    /// mode, or a route bridges in relay mode or echoes (the daemon then
    /// starts media workers, and `Call.answer()` / `startEarlyMedia()` work).
    var usesRelay: Bool {
        media.mode == .relay || routes.contains {
            switch $0.action {
            case .bridge(let bridge): bridge.mode == .relay
            case .echo, .announce: true
            case .reject: false
            }
        }
    }
}
