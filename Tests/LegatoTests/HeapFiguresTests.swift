import Testing
@testable import Legato

/// `HeapFigures` reads glibc's own counts: blocks allocated show up as in
/// use, and once freed no longer do.
@Suite struct HeapFiguresTests {
    @Test func allocatedBlocksCountAsInUseUntilFreed() {
        let before = HeapFigures.now()
        // 32,000 blocks of 1 kB: small blocks from an arena, not mmap. Other
        // tests run alongside and move the counts too, so the checks ask for
        // half of what this test did.
        let blocks = (0..<32000).map { _ in UnsafeMutableRawPointer.allocate(byteCount: 1024, alignment: 16) }
        for block in blocks { block.storeBytes(of: 1, as: UInt8.self) }
        let during = HeapFigures.now()
        for block in blocks { block.deallocate() }
        let after = HeapFigures.now()
        #expect(during.inUse - before.inUse >= 16000 * 1024)
        #expect(during.inUse - after.inUse >= 16000 * 1024)
        #expect(before.inUse > 0 && after.free > 0)
    }
}
