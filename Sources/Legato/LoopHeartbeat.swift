import LegatoCall
import LegatoSIP

/// A beat on the signalling loop every `period`: how late it runs is the
/// loop's lag (`legato_signalling_lag_seconds`, `legato ctl status`), and
/// each beat pings systemd's watchdog (WATCHDOG=1), so a stuck loop stops
/// the pings and systemd restarts the daemon.
@SIPActor
final class LoopHeartbeat {
    private let period: Duration
    private let notifier: SystemdNotifier
    private var task: Task<Void, Never>?
    /// The lag of the last beat, in seconds.
    private(set) var lastLag: Double = 0
    /// The largest lag seen, in seconds.
    var maxLag: Double { lags.maximum }
    /// Every beat's lag since start (p99 and maximum for `legato ctl status`).
    private(set) var lags = LagHistogram()

    init(period: Duration = .milliseconds(100), notifier: SystemdNotifier) {
        self.period = period
        self.notifier = notifier
    }

    func start() {
        guard task == nil else { return }
        let period = self.period
        let pingEvery: Duration = notifier.watchdogMicroseconds.map { .microseconds(Int64($0 / 3)) } ?? .seconds(3600)
        task = Task { @SIPActor [weak self] in
            var lastPing = ContinuousClock.now - pingEvery
            while !Task.isCancelled {
                let start = ContinuousClock.now
                try? await Task.sleep(for: period)
                guard let self, !Task.isCancelled else { return }
                let now = ContinuousClock.now
                let lag = max(0, LegatoMetrics.seconds(now - start - period))
                self.lastLag = lag
                self.lags.record(lag)
                LegatoMetrics.signallingLag(lag)
                if self.notifier.watchdogMicroseconds != nil, now - lastPing >= pingEvery {
                    lastPing = now
                    self.notifier.notify("WATCHDOG=1")
                }
            }
        }
    }

    func stop() {
        task?.cancel()
        task = nil
    }
}
