import Synchronization

/// The port allocator shared by all workers of a pool. Locked only when a
/// session is created or released, never on the packet path.
final class MediaPortPool: Sendable {
    private let allocator: Mutex<PortAllocator>

    init(range: ClosedRange<Int>) {
        allocator = Mutex(PortAllocator(range: range))
    }

    var capacity: Int { allocator.withLock { $0.capacity } }
    var allocatedCount: Int { allocator.withLock { $0.allocatedCount } }

    func allocate() throws(MediaError) -> Int {
        let result = allocator.withLock { a -> Int? in try? a.allocate() }
        guard let port = result else { throw .portsExhausted }
        return port
    }

    func release(_ rtpPort: Int) {
        allocator.withLock { $0.release(rtpPort) }
    }
}
