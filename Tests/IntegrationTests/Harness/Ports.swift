import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Twenty loopback ports for one test: base = 25000 + 20·n (n counts up per
/// test; `LEGATO_IT_PORT_BASE` moves the range). A block with any port
/// already bound (UDP or TCP) is skipped, so a test never shares a port with
/// a leftover process or with someone else's run.
struct PortBlock: Sendable, CustomStringConvertible {
    let base: Int
    /// Legato's listener (UDP and TCP).
    var legato: Int { base }
    /// SIP ports of the caller, the callee and a second caller.
    var uac: Int { base + 1 }
    var uas: Int { base + 2 }
    var uac2: Int { base + 3 }
    /// A spare SIP port (e.g. a socket standing in for a trunk).
    var spare: Int { base + 4 }
    /// sipp control ports (-cp).
    var uacControl: Int { base + 5 }
    var uasControl: Int { base + 6 }
    var uac2Control: Int { base + 7 }
    /// sipp media ports (-mp), four each.
    var uacMedia: Int { base + 8 }
    var uasMedia: Int { base + 12 }
    var uac2Media: Int { base + 16 }

    static let size = 20
    var description: String { "ports \(base)…\(base + Self.size - 1)" }
}

enum Ports {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var next = 0

    static var rangeStart: Int {
        ProcessInfo.processInfo.environment["LEGATO_IT_PORT_BASE"].flatMap(Int.init) ?? 25000
    }

    /// The next free block of loopback ports.
    static func allocate() throws -> PortBlock {
        try lock.withLock {
            for _ in 0..<400 {
                let base = rangeStart + PortBlock.size * next
                next += 1
                guard base + PortBlock.size < 32768 else { break }
                if (base..<base + PortBlock.size).allSatisfy(isFree) { return PortBlock(base: base) }
            }
            throw HarnessError("no free block of \(PortBlock.size) loopback ports from \(rangeStart)")
        }
    }

    /// True when no UDP or TCP socket uses `port` (on any local address).
    static func isFree(_ port: Int) -> Bool {
        !isBound(port, udp: true) && !isBound(port, udp: false)
    }

    /// True when a socket of that kind has `port` as its local port, read from
    /// /proc/net/{udp,tcp}{,6} — looking, not binding, so that the check can
    /// never take the port from the process about to bind it.
    static func isBound(_ port: Int, udp: Bool) -> Bool {
        let hexPort = String(format: "%04X", port)
        let tables = udp ? ["/proc/net/udp", "/proc/net/udp6"] : ["/proc/net/tcp", "/proc/net/tcp6"]
        for table in tables {
            guard let text = readWholeFile(table) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 1, let colon = fields[1].lastIndex(of: ":") else { continue }
                if fields[1][fields[1].index(after: colon)...] == hexPort { return true }
            }
        }
        return false
    }
}

/// The whole of a /proc file, read until EOF. Foundation's
/// `String(contentsOfFile:)` stops after the first 4 KiB of a /proc file
/// (which reports size 0), i.e. after about 30 sockets.
func readWholeFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { break }
        bytes += chunk[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

enum SocketAddress {
    /// 127.0.0.1:`port` as a sockaddr_in.
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        return address
    }
}
