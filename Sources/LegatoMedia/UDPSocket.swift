import Glibc

/// Opening and closing the relay's non-blocking UDP sockets.
enum UDPSocket {
    /// A non-blocking, close-on-exec UDP socket bound to `address` (IPv6
    /// sockets are v6-only). Returns the fd.
    static func bind(_ address: SocketAddress) throws(MediaError) -> Int32 {
        let type = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = socket(address.family, type, 0)
        guard fd >= 0 else { throw .system(call: "socket", errno: errno) }
        if address.family == AF_INET6 {
            var on: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        var copy = address
        let rc = withUnsafePointer(to: &copy.storage) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, copy.length) }
        }
        if rc != 0 {
            let error = errno
            close(fd)
            throw .system(call: "bind", errno: error)
        }
        return fd
    }
}
