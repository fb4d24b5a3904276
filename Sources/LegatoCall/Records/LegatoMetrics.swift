import Metrics

/// The call-level metrics (swift-metrics; the daemon exports them to
/// Prometheus). SIP traffic counters are `SIPMetrics`; media counters are
/// read from the workers' own counters when scraped.
public enum LegatoMetrics {
    /// `legato_calls_active`: inbound calls alive now.
    public static func setActiveCalls(_ count: Int) {
        Gauge(label: "legato_calls_active").record(count)
    }

    /// `legato_calls_total{disposition}`: an inbound call ended so.
    public static func callEnded(_ disposition: CallRecord.Disposition) {
        Counter(label: "legato_calls_total", dimensions: [("disposition", disposition.rawValue)]).increment()
    }

    /// `legato_admission_refused_total{reason}`: an INVITE refused before routing
    /// (`draining`, `overloaded`, `max_calls`, or an admission rule's reason).
    public static func admissionRefused(_ reason: String) {
        Counter(label: "legato_admission_refused_total", dimensions: [("reason", reason)]).increment()
    }

    /// `legato_call_setup_seconds`: INVITE to answer of an inbound call.
    static func callSetup(since start: ContinuousClock.Instant) {
        Recorder(label: "legato_call_setup_seconds").record(seconds(ContinuousClock.now - start))
    }

    /// `legato_signalling_lag_seconds`: how late the signalling loop ran a timer.
    public static func signallingLag(_ seconds: Double) {
        Recorder(label: "legato_signalling_lag_seconds").record(seconds)
    }

    /// A duration in seconds.
    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
