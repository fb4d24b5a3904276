import LegatoAudio
import LegatoCall
import LegatoMedia
import LegatoSIP
import Metrics
import NIOConcurrencyHelpers
import Prometheus

/// The Prometheus side of Legato's swift-metrics: one registry for the
/// process (swift-metrics is bootstrapped once), the histograms' buckets,
/// and the values read only when scraped — relay ports in use and the media
/// workers' packet counters (aggregated from the counters the workers keep,
/// so metrics cost the media path nothing).
package final class MetricsExporter: Sendable {
    /// The process's exporter: bootstraps swift-metrics with Prometheus on first use.
    package static let shared = MetricsExporter()

    package let registry: PrometheusCollectorRegistry
    private let reported = NIOLockedValueBox(MediaTotals())

    private init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets["legato_signalling_lag_seconds"] =
            [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
        factory.valueHistogramBuckets["legato_call_setup_seconds"] =
            [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60]
        MetricsSystem.bootstrap(factory)
        // Present from the first scrape, before anything happened.
        LegatoMetrics.setActiveCalls(0)
        Counter(label: "legato_rtp_packets_total", dimensions: [("direction", "in")]).increment(by: 0)
        Counter(label: "legato_rtp_packets_total", dimensions: [("direction", "out")]).increment(by: 0)
        Counter(label: "legato_srtp_auth_failures_total").increment(by: 0)
        Gauge(label: "legato_relay_ports_in_use").record(0)
        Counter(label: "legato_media_late_ticks_total").increment(by: 0)
        Gauge(label: "legato_audio_clips_cached").record(0)
    }

    /// Brings the scrape-time values up to date from `media`, then renders
    /// the exposition text (format 0.0.4).
    package func scrape(media: MediaWorkerPool?) async -> String {
        if let media {
            Gauge(label: "legato_relay_ports_in_use").record(media.allocatedPortPairs * 2)
            let now = await media.totals()
            let before = reported.withLockedValue { old -> MediaTotals in
                let previous = old
                old = now
                return previous
            }
            func delta(_ a: UInt64, _ b: UInt64) -> Int64 { a >= b ? Int64(clamping: a - b) : 0 }
            Counter(label: "legato_rtp_packets_total", dimensions: [("direction", "in")])
                .increment(by: delta(now.rtpPacketsIn, before.rtpPacketsIn))
            Counter(label: "legato_rtp_packets_total", dimensions: [("direction", "out")])
                .increment(by: delta(now.rtpPacketsOut, before.rtpPacketsOut))
            Counter(label: "legato_srtp_auth_failures_total")
                .increment(by: delta(now.srtpAuthFailures, before.srtpAuthFailures))
            Counter(label: "legato_media_late_ticks_total").increment(by: delta(now.lateTicks, before.lateTicks))
            Gauge(label: "legato_audio_clips_cached").record(AudioClipCache.shared.count)
        }
        return registry.emitToString()
    }
}
