import Logging
import LegatoCall
import LegatoConfig
import LegatoMedia
import LegatoSIP

/// What an operator runs the daemon with: CDRs, the metrics endpoint, the
/// `legato ctl` socket, the loop heartbeat (lag, systemd watchdog), reload and drain.
extension Daemon {
    /// Legato's version (`legato version`, `ctl status`).
    static let version = "0.1.0"

    func startOperations(engine: CallEngine) throws {
        engine.drainRetryAfter = max(1, Int(configuration.signalling.shutdownGrace.rounded(.up)))
        setRecords(configuration.cdr)
        let heartbeat = LoopHeartbeat(notifier: notifier)
        heartbeat.start()
        self.heartbeat = heartbeat
        let admin = AdminServer()
        self.admin = admin
        if let host = configuration.admin.metricsHost {
            let exporter = MetricsExporter.shared
            let media = self.media
            try admin.startMetrics(host: host, port: configuration.admin.metricsPort) {
                await exporter.scrape(media: media)
            }
            logger.info("legato.metrics", metadata: ["admin.metrics": "\(host):\(configuration.admin.metricsPort)"])
        }
        if let path = configuration.admin.control {
            try admin.startControl(path: path) { [weak self] line in
                await self?.control(line) ?? "error: stopping\n"
            }
            logger.info("legato.control", metadata: ["admin.control": "\(path)"])
        }
    }

    func stopOperations() async {
        heartbeat?.stop()
        admin?.shutdown()
        admin = nil
        await records?.flush()
    }

    /// Writes CDRs to `cdr.path` (a new writer when the path changed), or none.
    private func setRecords(_ cdr: CDRConfig) {
        guard let path = cdr.path else {
            records = nil
            engine?.recordSink = nil
            return
        }
        if records?.path != path {
            records = CDRWriter(path: path, capacity: cdr.queueSize, logger: logger)
        }
        let writer = records
        engine?.recordSink = { record in writer?.write(record.jsonLine) }
    }

    /// SIGUSR1: the CDR file is reopened (after logrotate moved it).
    func reopenRecords() {
        records?.reopen()
        logger.info("cdr.reopened", metadata: ["cdr.path": "\(records?.path ?? "-")"])
    }

    /// `legato ctl drain`: new calls (and OPTIONS) get 503 with Retry-After; calls in progress go on.
    func drain() {
        guard let engine, !engine.isDraining else { return }
        engine.startDraining()
        for endpoint in endpoints {
            endpoint.optionsRetryAfter = engine.drainRetryAfter
            endpoint.refuseOptions = true
        }
        logger.info("legato.drain", metadata: ["calls": "\(engine.activeInboundCount)"])
        notifier.notify("STATUS=draining")
    }

    /// SIGHUP and `legato ctl reload`: re-reads the conf file. A conf that
    /// does not pass check-config is refused (errors logged, the running conf
    /// kept). Otherwise routes, trunks, header and security policies apply to
    /// new calls at once (a new router); calls in progress keep theirs.
    /// Changes that need a restart (listeners, media) are named in the log.
    /// Returns what happened, one line per item.
    @discardableResult
    func reload() -> (ok: Bool, text: String) {
        let path = configuration.sourcePath
        let next: LegatoConfiguration
        do {
            next = try ConfigLoader.load(path: path).forShard(shard?.index ?? 0, of: shard?.count ?? 1)
        } catch {
            for problem in error.errors {
                logger.error("legato.reload-refused", metadata: ["error": "\(problem)"])
            }
            return (false, "reload refused, running conf kept:\n" + error.errors.map { "  \($0)" }.joined(separator: "\n") + "\n")
        }
        var lines: [String] = []
        var restart: [String] = []
        if next.listeners != configuration.listeners { restart.append("listeners") }
        if next.media.portRange != configuration.media.portRange { restart.append("media.port_min/port_max") }
        if next.media.address != configuration.media.address { restart.append("media.address") }
        if next.media.workers != configuration.media.workers { restart.append("media.workers") }
        if next.media.mode != configuration.media.mode && media == nil && next.usesRelay { restart.append("media.mode") }
        if next.admin != configuration.admin { restart.append("admin") }
        if next.signalling.shards != configuration.signalling.shards { restart.append("signalling.shards") }
        guard let engine else { return (false, "not running\n") }
        switch scenarioSource {
        case .factory(let make):
            do {
                // Keep what needs a restart as it runs; take the rest.
                var applied = next
                applied.listeners = configuration.listeners
                applied.admin = configuration.admin
                applied.media.portRange = configuration.media.portRange
                applied.media.address = configuration.media.address
                applied.media.workers = configuration.media.workers
                applied.signalling.shards = configuration.signalling.shards
                let scenario = try make(LegatoServer.Context(configuration: applied, media: media, logger: logger))
                try admission?.apply(applied)
                scenario.takeOver(from: engine.scenario)
                engine.scenario = scenario
                engine.maxCalls = applied.signalling.maxCalls
                engine.earlyMediaTimeout = applied.signalling.earlyMediaTimeout
                engine.sessionTimerPolicy = SessionTimer.Policy(interval: applied.signalling.sessionTimer,
                                                                minSE: applied.signalling.sessionMinSE)
                let queueChanged = applied.signalling.overloadQueueBytes != configuration.signalling.overloadQueueBytes
                configuration = applied
                if queueChanged {
                    for listener in applied.listeners { logOverloadQueue(port: listener.port) }
                }
                reloadRegistrations(engine: engine)
                setRecords(applied.cdr)
                records?.reopen()
            } catch {
                logger.error("legato.reload-refused", metadata: ["error": "\(error)"])
                return (false, "reload refused: \(error)\n")
            }
        case .instance:
            lines.append("the scenario is fixed: only CDR settings were applied")
            configuration.cdr = next.cdr
            setRecords(next.cdr)
            records?.reopen()
        }
        logger.info("legato.reloaded", metadata: ["config": "\(path)", "routes": "\(next.routes.count)",
                                                  "trunks": "\(next.trunks.count)"])
        if !restart.isEmpty {
            logger.warning("legato.reload-needs-restart", metadata: ["changed": "\(restart.joined(separator: ","))"])
            lines.append("needs a restart (kept as running): \(restart.joined(separator: ", "))")
        }
        return (true, (["reloaded \(path): \(next.routes.count) routes, \(next.trunks.count) trunks"] + lines)
            .joined(separator: "\n") + "\n")
    }
}
