import Testing
import Logging
@testable import LegatoSIP

@Suite struct SignallingLoopTests {
    @Test func sipActorRunsOnTheLoopThread() async {
        let onLoop = await Task { @SIPActor in SignallingLoop.shared.executor.isOnLoopThread }.value
        #expect(onLoop)
        #expect(!SignallingLoop.shared.executor.isOnLoopThread)
    }

    @Test func jobsRunInOrder() async {
        let order = await Task { @SIPActor () -> [Int] in
            var seen: [Int] = []
            for i in 0..<100 {
                _ = await Task { @SIPActor in i }.value
                seen.append(i)
            }
            return seen
        }.value
        #expect(order == Array(0..<100))
    }

    @Test func manyConcurrentHopsAllComplete() async {
        let total = await withTaskGroup(of: Int.self) { group in
            for i in 0..<1000 { group.addTask { await Task { @SIPActor in i }.value } }
            return await group.reduce(0, +)
        }
        #expect(total == 999 * 1000 / 2)
    }

    @Test func endpointBindFailureIsReported() async {
        // Port 1 on a non-local address cannot be bound.
        let result = await Task { @SIPActor () -> Bool in
            do {
                _ = try SIPEndpoint(url: "sip:192.0.2.1:1;transport=udp", address: "192.0.2.1", port: 1,
                                    userAgent: "t", logger: Logger(label: "t"))
                return false
            } catch { return true }
        }.value
        #expect(result)
    }
}
