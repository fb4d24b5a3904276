import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A UDP socket bound to 127.0.0.1 (a given port, or an ephemeral one), for
/// sending hand-made SIP datagrams and reading what comes back.
final class UDPSocket {
    struct Datagram {
        let bytes: [UInt8]
        let fromPort: Int
        let receivedAt: ContinuousClock.Instant
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    let fd: Int32
    let port: Int

    /// Bound to `address` (a 127.0.0.0/8 address: 127.0.0.2… are other sources), `port` or an ephemeral one.
    init(port: Int = 0, address text: String = "127.0.0.1") throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket(): errno \(errno)") }
        var address = SocketAddress.loopback(port: port)
        _ = inet_pton(AF_INET, text, &address.sin_addr)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let error = errno
            close(fd)
            throw HarnessError("bind(127.0.0.1:\(port)): errno \(error)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: actual.sin_port))
    }

    deinit { close(fd) }

    /// Sends `bytes` as one datagram to 127.0.0.1:`port`.
    func send(_ bytes: [UInt8], toPort port: Int) throws {
        var address = SocketAddress.loopback(port: port)
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard sent == bytes.count else { throw HarnessError("sendto(127.0.0.1:\(port)): errno \(errno)") }
    }

    func send(_ text: String, toPort port: Int) throws {
        try send(Array(text.utf8), toPort: port)
    }

    /// One datagram, or nil if none arrives within `timeout`.
    func receive(timeout: Duration) -> Datagram? {
        let milliseconds = Int32(clamping: max(0, timeout.components.seconds * 1000
            + timeout.components.attoseconds / 1_000_000_000_000_000))
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var from = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let count = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, raw.baseAddress, raw.count, 0, $0, &length)
                }
            }
        }
        guard count >= 0 else { return nil }
        return Datagram(bytes: Array(buffer[0..<count]), fromPort: Int(UInt16(bigEndian: from.sin_port)),
                        receivedAt: .now)
    }

    /// Every datagram that arrives within `window`.
    func receiveAll(for window: Duration) -> [Datagram] {
        let deadline = ContinuousClock.now + window
        var result: [Datagram] = []
        while case let remaining = deadline - .now, remaining > .zero {
            if let datagram = receive(timeout: remaining) { result.append(datagram) }
        }
        return result
    }
}
