import Logging
import LegatoSIP

/// Measures how late the signalling loop runs a periodic timer (everything on
/// that loop queues behind SIP processing, so its lateness is the loop's lag;
/// the timer is a `LoopTimer` on the loop's own queue, so a busy machine's
/// dispatch threads — which wake `Task.sleep` — do not count as loop lag)
/// and keeps an `OverloadDetector` verdict that `CallEngine` uses to shed new
/// calls with 503 before a flood turns into a retransmission storm.
@SIPActor
public final class LoadMonitor {
    private var detector: OverloadDetector
    private let period: Duration
    private let logger: Logger
    private var timer: LoopTimer?

    /// Current verdict.
    public var isOverloaded: Bool { detector.isOverloaded }

    /// `lagThresholdMilliseconds` is the lag that turns the verdict on; `period` is
    /// the sampling interval (default 50 ms). Does not sample until `start()`.
    public init(lagThresholdMilliseconds: Int, period: Duration = .milliseconds(50), logger: Logger) {
        detector = OverloadDetector(threshold: .milliseconds(lagThresholdMilliseconds))
        self.period = period
        self.logger = logger
    }

    /// Starts sampling (idempotent).
    public func start() {
        guard timer == nil else { return }
        let timer = LoopTimer()
        self.timer = timer
        timer.repeating(every: period) { [weak self] lag in self?.record(lag: lag) }
    }

    /// Stops sampling.
    public func stop() {
        timer?.cancel()
        timer = nil
    }

    private func record(lag: Duration) {
        let before = detector.isOverloaded
        let after = detector.observe(lag: lag)
        if before != after {
            logger.warning(after ? "legato.overloaded" : "legato.recovered", metadata: ["loop.lag": "\(lag)"])
        }
    }
}
