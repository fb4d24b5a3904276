import Glibc
import Synchronization
import Testing
@testable import LegatoMedia

/// Parent of every suite that opens sockets or counts fds: serialized, so the
/// fd counts of one test are not disturbed by another.
@Suite(.serialized) struct MediaSocketTests {}

/// A plain BSD UDP socket playing a remote endpoint (a phone, a trunk).
final class TestUDPEndpoint {
    let fd: Int32
    let host: String
    let port: Int

    init(host: String = "127.0.0.1") throws {
        var address = try SocketAddress(host: host, port: 0)
        let fd = socket(address.family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
        let bound = withUnsafePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, address.length) }
        }
        guard bound == 0 else { close(fd); throw TestFailure("bind: errno \(errno)") }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.host = host
        self.port = SocketAddress(copying: &storage, length: length).endpoint.port
    }

    deinit { close(fd) }

    var endpoint: MediaEndpoint { MediaEndpoint(host: host, port: port) }

    /// Sends one datagram to `host:port`.
    func send(_ bytes: [UInt8], to port: Int, host: String? = nil) throws {
        var address = try SocketAddress(host: host ?? self.host, port: port)
        let sent = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &address.storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, raw.baseAddress, raw.count, 0, $0, address.length)
                }
            }
        }
        guard sent == bytes.count else { throw TestFailure("sendto: errno \(errno)") }
    }

    /// Waits (poll, bounded) for one datagram; returns its bytes and source port.
    func receive(timeoutMilliseconds: Int32 = 3000) throws -> (bytes: [UInt8], from: MediaEndpoint) {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, timeoutMilliseconds) == 1 else { throw TestFailure("no datagram within \(timeoutMilliseconds) ms") }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let n = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, raw.baseAddress, raw.count, 0, $0, &length)
                }
            }
        }
        guard n >= 0 else { throw TestFailure("recvfrom: errno \(errno)") }
        return (Array(buffer[0..<n]), SocketAddress(copying: &storage, length: length).endpoint)
    }

    /// True when a datagram is waiting (does not block).
    var hasPending: Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, 0) == 1
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// An RTP-looking packet: 12-byte header (V=2, PT 0) then `payload`.
func rtpPacket(sequence: UInt16, ssrc: UInt32 = 0x1234_5678, payload: [UInt8] = Array(repeating: 0xD5, count: 160)) -> [UInt8] {
    var p: [UInt8] = [0x80, 0x00, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
    let timestamp = UInt32(sequence) &* 160
    p += [UInt8(timestamp >> 24), UInt8((timestamp >> 16) & 0xFF), UInt8((timestamp >> 8) & 0xFF), UInt8(timestamp & 0xFF)]
    p += [UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)]
    return p + payload
}

/// An RTCP-looking packet (a minimal receiver report, PT 201).
func rtcpPacket(ssrc: UInt32 = 0x1234_5678) -> [UInt8] {
    [0x80, 201, 0x00, 0x01, UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)]
}

/// Collects events posted by workers.
final class EventRecorder: Sendable {
    private let events = Mutex<[MediaEvent]>([])

    var sink: @Sendable (MediaEvent) -> Void { { [self] event in events.withLock { $0.append(event) } } }
    var all: [MediaEvent] { events.withLock { $0 } }
}

/// Polls `condition` until it holds or `timeout` passes (no fixed sleeps:
/// returns as soon as it holds).
func waitUntil(timeout: Duration = .seconds(3), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(2))
    }
    return try await condition()
}

/// Open sockets of this process bound to a local port in `ports` (UDP, IPv4
/// and IPv6), found by matching /proc/self/fd socket inodes against
/// /proc/net/udp{,6}. Unlike a count of all fds it cannot be disturbed by
/// other suites running in the same test process.
func openSocketCount(inPorts ports: ClosedRange<Int>) -> Int {
    var inodes = Set<Substring>()
    guard let dir = opendir("/proc/self/fd") else { return -1 }
    var texts: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        guard name != ".", name != ".." else { continue }
        var target = [CChar](repeating: 0, count: 256)
        let n = readlink("/proc/self/fd/\(name)", &target, target.count - 1)
        guard n > 0 else { continue }
        texts.append(String(decoding: target[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    closedir(dir)
    for text in texts where text.hasPrefix("socket:[") {
        inodes.insert(Substring(text.dropFirst("socket:[".count).dropLast()))
    }
    var count = 0
    for table in ["/proc/net/udp", "/proc/net/udp6"] {
        guard let file = fopen(table, "r") else { continue }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let fields = text.split(separator: " ")
            guard fields.count > 9, let colon = fields[1].lastIndex(of: ":"),
                  let port = Int(fields[1][fields[1].index(after: colon)...], radix: 16) else { continue }
            if ports.contains(port), inodes.contains(fields[9]) { count += 1 }
        }
    }
    return count
}
