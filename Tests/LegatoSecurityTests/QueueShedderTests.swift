import Testing
@testable import LegatoSecurity

@Suite("Queue shedder")
struct QueueShedderTests {
    @Test("The threshold is capped at half the receive buffer; 0 is off")
    func effectiveThreshold() {
        #expect(QueueShedder.effectiveThreshold(configured: 4_194_304, receiveBuffer: 16_777_216) == 4_194_304)
        #expect(QueueShedder.effectiveThreshold(configured: 4_194_304, receiveBuffer: 425_984) == 212_992)
        #expect(QueueShedder.effectiveThreshold(configured: 0, receiveBuffer: 425_984) == 0)
        #expect(QueueShedder.effectiveThreshold(configured: 1_000, receiveBuffer: 0) == 1_000)
        #expect(QueueShedder.effectiveThreshold(configured: 1_000, receiveBuffer: 1) == 1)
    }

    @Test("Past the threshold a new INVITE is shed; at or under it, it passes")
    func threshold() {
        var shedder = QueueShedder(thresholdBytes: 10_000)
        #expect(shedder.decide(key: 1, now: 0) { (10_000, 1_000_000) } == .pass)
        #expect(shedder.decide(key: 2, now: 0) { (10_001, 1_000_000) } == .shed(queued: 10_001, threshold: 10_000))
        #expect(shedder.decide(key: 3, now: 0) { (6_000, 10_000) } == .shed(queued: 6_000, threshold: 5_000),
                "capped at half the buffer")
        #expect(shedder.decide(key: nil, now: 0) { (20_000, 1_000_000) } == .shed(queued: 20_000, threshold: 10_000),
                "an INVITE whose headers could not be read is shed too")
        #expect(shedder.decide(key: 4, now: 0) { nil } == .pass, "an unmeasurable queue sheds nothing")
    }

    @Test("Off: nothing is shed and the queue is not measured")
    func off() {
        var shedder = QueueShedder(thresholdBytes: 0)
        var measured = false
        #expect(shedder.decide(key: 1, now: 0) { measured = true; return (1 << 30, 1 << 30) } == .pass)
        #expect(!measured)
        #expect(shedder.rememberedCount == 0)
    }

    @Test("A retransmission of an INVITE that passed passes without measuring, even past the threshold")
    func retransmission() {
        var shedder = QueueShedder(thresholdBytes: 10_000)
        #expect(shedder.decide(key: 42, now: 0) { (0, 1_000_000) } == .pass)
        var measured = false
        #expect(shedder.decide(key: 42, now: 1) { measured = true; return (500_000, 1_000_000) } == .retransmission)
        #expect(!measured)
        // A shed INVITE is not remembered: its retransmission is shed again.
        #expect(shedder.decide(key: 7, now: 1) { (500_000, 1_000_000) } == .shed(queued: 500_000, threshold: 10_000))
        #expect(shedder.decide(key: 7, now: 1.5) { (500_000, 1_000_000) } == .shed(queued: 500_000, threshold: 10_000))
    }

    @Test("Admitted INVITEs are remembered for at least memorySeconds, then forgotten; memory is bounded")
    func memory() {
        var shedder = QueueShedder(thresholdBytes: 10_000, memorySeconds: 32, capacity: 100)
        let busy: () -> (queued: Int, capacity: Int)? = { (500_000, 1_000_000) }
        #expect(shedder.decide(key: 1, now: 0) { (0, 1_000_000) } == .pass)
        #expect(shedder.decide(key: 1, now: 31.9, queue: busy) == .retransmission)
        #expect(shedder.decide(key: 1, now: 40, queue: busy) == .retransmission, "kept one more generation")
        #expect(shedder.decide(key: 1, now: 72.5, queue: busy) == .shed(queued: 500_000, threshold: 10_000),
                "forgotten two generations on")
        for key in 1_000..<1_000 + 1_000 {
            _ = shedder.decide(key: key, now: 73) { (0, 1_000_000) }
        }
        #expect(shedder.rememberedCount <= 200)
        #expect(shedder.decide(key: 1_999, now: 73, queue: busy) == .retransmission, "the newest are kept")
        #expect(shedder.decide(key: 1_000, now: 73, queue: busy) == .shed(queued: 500_000, threshold: 10_000))
    }
}
