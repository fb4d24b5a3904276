import Glibc

/// A numeric IP address (IPv4 or IPv6, no names) and a UDP port.
public struct MediaEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// Numeric address, e.g. "127.0.0.1" or "::1" (no brackets).
    public var host: String
    /// UDP port, 1...65535.
    public var port: Int

    /// An endpoint as given; `host` is not resolved or checked.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// True when `host` parses as an IPv6 address.
    public var isIPv6: Bool { host.contains(":") }

    /// `host:port`, with the IPv6 host in brackets.
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A socket address in the form the kernel takes, kept inside LegatoMedia.
struct SocketAddress {
    var storage = sockaddr_storage()
    var length: socklen_t = 0

    var family: Int32 { Int32(storage.ss_family) }

    /// Parses a numeric address; `port` 0 is allowed (for binding).
    init(host: String, port: Int) throws(MediaError) {
        guard (0...65535).contains(port) else { throw .invalidPort(port) }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, bare, &v4) == 1 {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = in_port_t(UInt16(port).bigEndian)
            sin.sin_addr = v4
            withUnsafeMutableBytes(of: &storage) { raw in
                raw.storeBytes(of: sin, as: sockaddr_in.self)
            }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        } else if inet_pton(AF_INET6, bare, &v6) == 1 {
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = in_port_t(UInt16(port).bigEndian)
            sin6.sin6_addr = v6
            withUnsafeMutableBytes(of: &storage) { raw in
                raw.storeBytes(of: sin6, as: sockaddr_in6.self)
            }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            throw .invalidAddress(host)
        }
    }

    init(_ endpoint: MediaEndpoint) throws(MediaError) {
        try self.init(host: endpoint.host, port: endpoint.port)
    }

    /// Copies a kernel-provided address.
    init(copying pointer: UnsafePointer<sockaddr_storage>, length: socklen_t) {
        storage = pointer.pointee
        self.length = length
    }

    private static func string(_ text: [CChar]) -> String {
        let bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The address as host text and port (allocates: not for the packet path).
    var endpoint: MediaEndpoint {
        var copy = storage
        return withUnsafeBytes(of: &copy) { raw -> MediaEndpoint in
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            if family == AF_INET {
                var sin = raw.loadUnaligned(as: sockaddr_in.self)
                inet_ntop(AF_INET, &sin.sin_addr, &text, socklen_t(text.count))
                return MediaEndpoint(host: Self.string(text), port: Int(UInt16(bigEndian: sin.sin_port)))
            } else if family == AF_INET6 {
                var sin6 = raw.loadUnaligned(as: sockaddr_in6.self)
                inet_ntop(AF_INET6, &sin6.sin6_addr, &text, socklen_t(text.count))
                return MediaEndpoint(host: Self.string(text), port: Int(UInt16(bigEndian: sin6.sin6_port)))
            }
            return MediaEndpoint(host: "", port: 0)
        }
    }
}

extension SocketAddress {
    /// The same address with another port.
    func withPort(_ port: Int) -> SocketAddress {
        var copy = self
        let net = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
        withUnsafeMutableBytes(of: &copy.storage) { raw in
            if family == AF_INET {
                var sin = raw.loadUnaligned(as: sockaddr_in.self)
                sin.sin_port = net
                raw.storeBytes(of: sin, as: sockaddr_in.self)
            } else if family == AF_INET6 {
                var sin6 = raw.loadUnaligned(as: sockaddr_in6.self)
                sin6.sin6_port = net
                raw.storeBytes(of: sin6, as: sockaddr_in6.self)
            }
        }
        return copy
    }
}
