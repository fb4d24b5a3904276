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
    private var timer: LoopTimer?
    private var pingEvery: Duration = .seconds(3600)
    private var lastPing = ContinuousClock.now
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

    /// Beats on a `LoopTimer` on the loop's own timer queue, so the lag is
    /// the loop's, not how late a busy machine woke a `Task.sleep`.
    func start() {
        guard timer == nil else { return }
        pingEvery = notifier.watchdogMicroseconds.map { .microseconds(Int64($0 / 3)) } ?? .seconds(3600)
        lastPing = ContinuousClock.now - pingEvery
        let timer = LoopTimer()
        self.timer = timer
        timer.repeating(every: period) { [weak self] lag in self?.beat(lag: lag) }
    }

    func stop() {
        timer?.cancel()
        timer = nil
    }

    private func beat(lag duration: Duration) {
        let lag = max(0, LegatoMetrics.seconds(duration))
        lastLag = lag
        lags.record(lag)
        LegatoMetrics.signallingLag(lag)
        let now = ContinuousClock.now
        if notifier.watchdogMicroseconds != nil, now - lastPing >= pingEvery {
            lastPing = now
            notifier.notify("WATCHDOG=1")
        }
    }
}
