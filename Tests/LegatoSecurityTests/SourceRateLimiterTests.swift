import Testing
@testable import LegatoSecurity

@Suite("Source rate limiter")
struct SourceRateLimiterTests {
    @Test("The table stays bounded under a flood of distinct sources")
    func bounded() {
        var limiter = SourceRateLimiter(perSecond: 5, blockSeconds: 30, capacity: 100)
        for i in 0..<10_000 {
            let address = IPAddress(bytes: [10, UInt8(i >> 16 & 0xff), UInt8(i >> 8 & 0xff), UInt8(i & 0xff)])!
            _ = limiter.record(address, now: Double(i) * 0.01)
            #expect(limiter.trackedSources <= 100)
        }
    }

    @Test("A window resets after a second")
    func windows() {
        var limiter = SourceRateLimiter(perSecond: 2, blockSeconds: 5)
        let a = IPAddress("192.0.2.1")!
        #expect(limiter.record(a, now: 0) == .allowed)
        #expect(limiter.record(a, now: 0.5) == .allowed)
        #expect(limiter.record(a, now: 1.0) == .allowed)
        #expect(limiter.record(a, now: 1.1) == .allowed)
        #expect(limiter.record(a, now: 1.2) == .limited)
        #expect(limiter.isBlocked(a, now: 6.1))
        #expect(!limiter.isBlocked(a, now: 6.3))
    }
}
