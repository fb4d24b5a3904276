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

    @Test("new limits keep the calls in progress by trunk name: the cap holds exactly across a reload")
    func limitsChangeCallsStay() {
        var caps = TrunkCaps(limits: ["carrier": .init(maxCalls: 2)])
        #expect(caps.acquire("carrier", now: 0) == nil)
        #expect(caps.acquire("carrier", now: 0) == nil)
        #expect(caps.acquire("plain", now: 0) == nil, "no cap yet, but counted")
        caps = caps.limited(by: ["carrier": .init(maxCalls: 2), "plain": .init(maxCalls: 1)])
        #expect(caps.acquire("carrier", now: 0.5) == .trunkMaxCalls, "two calls from before the reload still count")
        #expect(caps.acquire("plain", now: 0.5) == .trunkMaxCalls, "a cap added by the reload sees the call in progress")
        caps.release("carrier")
        #expect(caps.acquire("carrier", now: 0.6) == nil)
        #expect(caps.acquire("carrier", now: 0.6) == .trunkMaxCalls)
        caps = caps.limited(by: ["carrier": .init(maxCalls: 3)])
        #expect(caps.acquire("carrier", now: 0.7) == nil, "a raised cap frees one more slot, not more")
        #expect(caps.acquire("carrier", now: 0.7) == .trunkMaxCalls)
        #expect(caps.activeCalls("carrier") == 3)
    }

    @Test("max_cps windows survive new limits")
    func cpsWindowSurvives() {
        var caps = TrunkCaps(limits: ["carrier": .init(maxCPS: 2)])
        #expect(caps.acquire("carrier", now: 10.0) == nil)
        #expect(caps.acquire("carrier", now: 10.1) == nil)
        caps = caps.limited(by: ["carrier": .init(maxCPS: 2)])
        #expect(caps.acquire("carrier", now: 10.2) == .trunkMaxCPS)
        #expect(caps.acquire("carrier", now: 11.0) == nil)
    }
}
