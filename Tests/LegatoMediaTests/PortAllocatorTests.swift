import Testing
@testable import LegatoMedia

@Suite struct PortAllocatorTests {
    @Test func handsOutEvenPairsInOrder() throws {
        var a = PortAllocator(range: 30000...30009)
        #expect(a.capacity == 5)
        #expect(try a.allocate() == 30000)
        #expect(try a.allocate() == 30002)
        #expect(a.allocatedCount == 2)
    }

    @Test func oddLowerBoundStartsAtNextEven() throws {
        var a = PortAllocator(range: 30001...30006)
        #expect(a.capacity == 2)
        #expect(try a.allocate() == 30002)
        #expect(try a.allocate() == 30004)
        #expect(throws: PortAllocator.Failure.exhausted) { try a.allocate() }
    }

    @Test func exhaustsThenReusesReleasedPairsRoundRobin() throws {
        var a = PortAllocator(range: 30000...30005)
        let p1 = try a.allocate(), p2 = try a.allocate(), p3 = try a.allocate()
        #expect([p1, p2, p3] == [30000, 30002, 30004])
        #expect(throws: PortAllocator.Failure.exhausted) { try a.allocate() }
        a.release(p2)
        #expect(try a.allocate() == 30002)
        a.release(p1)
        a.release(p3)
        // Round robin: continues after the last pair handed out.
        #expect(try a.allocate() == 30004)
        #expect(try a.allocate() == 30000)
    }

    @Test func thousandCallsLeakNothing() throws {
        var a = PortAllocator(range: 30000...30999)
        for _ in 0..<1000 {
            let p = try a.allocate()
            let q = try a.allocate()
            a.release(p)
            a.release(q)
        }
        #expect(a.allocatedCount == 0)
    }
}
