internal import CMediaShim
import Glibc

/// The worker's receive/send buffers: `count` packets of `capacity` bytes,
/// allocated once per worker and reused for every wakeup of every socket (the
/// worker is single-threaded, so one batch is enough).
final class PacketBatch {
    /// Most packets taken from one socket per readable wakeup.
    static let defaultCount = 32
    /// Bytes per buffer; a receive fills at most `capacity - tailRoom`.
    static let defaultCapacity = 4096
    /// Room left after a received packet for processing that grows it: an
    /// SRTCP trailer is at most `SRTP_MAX_TRAILER_LEN` + 4 = 148 bytes.
    static let tailRoom = 160

    let raw: OpaquePointer
    let count: Int
    let capacity: Int

    init(count: Int = PacketBatch.defaultCount, capacity: Int = PacketBatch.defaultCapacity) throws(MediaError) {
        guard let batch = legato_mmsg_batch_create(UInt32(count), UInt32(capacity), UInt32(capacity - Self.tailRoom)) else {
            throw .system(call: "malloc", errno: ENOMEM)
        }
        raw = batch
        self.count = count
        self.capacity = capacity
    }

    deinit { legato_mmsg_batch_destroy(raw) }

    /// Drains up to `count` datagrams from `fd`; clears the send marks.
    /// Returns how many were received (0 when none, or on error).
    @inline(__always)
    func receive(from fd: Int32) -> Int {
        let n = legato_mmsg_receive(fd, raw)
        return n > 0 ? Int(n) : 0
    }

    @inline(__always)
    func length(_ index: Int) -> Int { Int(legato_mmsg_length(raw, UInt32(index))) }

    @inline(__always)
    func setLength(_ index: Int, _ length: Int) { legato_mmsg_set_length(raw, UInt32(index), UInt32(length)) }

    @inline(__always)
    func buffer(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: legato_mmsg_buffer(raw, UInt32(index)), count: capacity)
    }

    @inline(__always)
    func source(_ index: Int) -> UnsafePointer<sockaddr_storage> { legato_mmsg_source(raw, UInt32(index)) }

    @inline(__always)
    func sourceLength(_ index: Int) -> socklen_t { legato_mmsg_source_length(raw, UInt32(index)) }

    /// Queues packet `index` for `stream`'s send group, towards `destination`
    /// (which must stay valid until `send`).
    @inline(__always)
    func mark(_ index: Int, stream: MediaStream, to destination: UnsafePointer<sockaddr_storage>, length: socklen_t) {
        legato_mmsg_mark(raw, UInt32(stream.rawValue), UInt32(index), destination, length)
    }

    @inline(__always)
    func marked(_ stream: MediaStream) -> Int { Int(legato_mmsg_marked(raw, UInt32(stream.rawValue))) }

    /// Sends everything marked for `stream` out of `fd` in one sendmmsg (per
    /// kernel batch). Returns packets and bytes sent.
    @inline(__always)
    func send(_ stream: MediaStream, from fd: Int32) -> (packets: Int, bytes: UInt64) {
        var bytes: UInt64 = 0
        let sent = legato_mmsg_send(fd, raw, UInt32(stream.rawValue), &bytes)
        return (Int(sent), bytes)
    }
}

/// Compares two kernel socket addresses (family, address, port).
@inline(__always)
func socketAddressesEqual(_ a: UnsafePointer<sockaddr_storage>, _ b: UnsafePointer<sockaddr_storage>) -> Bool {
    legato_sockaddr_equal(a, b) != 0
}
