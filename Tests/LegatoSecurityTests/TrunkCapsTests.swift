import Testing
@testable import LegatoSecurity

@Suite("Trunk caps")
struct TrunkCapsTests {
    @Test("max_calls: exactly that many at once, a slot frees on release")
    func maxCalls() {
        var caps = TrunkCaps(limits: ["carrier": .init(maxCalls: 2)])
        #expect(caps.acquire("carrier", now: 0) == nil)
        #expect(caps.acquire("carrier", now: 0) == nil)
        #expect(caps.acquire("carrier", now: 0) == .trunkMaxCalls)
        caps.release("carrier")
        #expect(caps.acquire("carrier", now: 0) == nil)
        #expect(caps.acquire("other", now: 0) == nil, "trunks without caps are not limited")
        caps.release("unknown")
        #expect(caps.activeCalls("carrier") == 2)
    }

    @Test("max_cps: exactly that many new calls in a second, then again after the window")
    func maxCPS() {
        var caps = TrunkCaps(limits: ["carrier": .init(maxCPS: 3)])
        let verdicts = [0, 0.1, 0.2, 0.3, 0.99, 1.0, 1.1].map { caps.acquire("carrier", now: $0) }
        #expect(verdicts == [nil, nil, nil, .trunkMaxCPS, .trunkMaxCPS, nil, nil])
    }
}
