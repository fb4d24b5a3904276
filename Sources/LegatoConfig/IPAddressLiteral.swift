#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Literal IP addresses, checked with `inet_pton`.
enum IPAddressLiteral {
    /// The address bytes (4 for IPv4, 16 for IPv6) if `text` is a literal address
    /// (IPv6 without brackets or zone), else nil. Equal bytes mean the same address
    /// however it is written (`::1` and `0:0:0:0:0:0:0:1`).
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// True if `text` is a literal IPv4 address.
    static func isIPv4(_ text: String) -> Bool {
        bytes(text)?.count == 4
    }

    /// True if `text` is a literal IPv6 address (no brackets).
    static func isIPv6(_ text: String) -> Bool {
        bytes(text)?.count == 16
    }
}
