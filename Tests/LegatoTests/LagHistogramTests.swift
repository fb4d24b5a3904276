import Testing
@testable import Legato

@Suite struct LagHistogramTests {
    @Test func emptyHistogramReportsZero() {
        let histogram = LagHistogram()
        #expect(histogram.count == 0)
        #expect(histogram.quantile(0.99) == 0)
        #expect(histogram.maximum == 0)
    }

    @Test func p99IsTheBucketEdgeOfTheRankedSample() {
        var histogram = LagHistogram()
        for _ in 0..<98 { histogram.record(0.0004) }
        histogram.record(0.0123)
        histogram.record(0.580)
        #expect(histogram.count == 100)
        // rank 99 of 100 is the 12.3 ms sample: its bucket ends at 13 ms.
        #expect(abs(histogram.quantile(0.99) - 0.013) < 1e-9)
        #expect(abs(histogram.quantile(0.5) - 0.001) < 1e-9)
        #expect(histogram.quantile(1.0) == 0.580)
        #expect(histogram.maximum == 0.580)
    }

    @Test func quantileNeverExceedsTheMaximum() {
        var histogram = LagHistogram()
        histogram.record(0.0002)
        #expect(histogram.quantile(0.99) == 0.0002)
    }

    @Test func negativeAndHugeSamplesAreClamped() {
        var histogram = LagHistogram()
        histogram.record(-1)
        histogram.record(42)
        #expect(histogram.count == 2)
        #expect(histogram.quantile(0.5) == 0.001)  // the clamped 0 s sample: bucket [0, 1 ms)
        #expect(histogram.maximum == 42)
        #expect(histogram.quantile(1.0) == 42)
    }
}
