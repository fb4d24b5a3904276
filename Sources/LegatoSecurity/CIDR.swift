/// An address block, `10.0.0.0/8` or `2001:db8::/32`; a bare address is a
/// block of one. Parsed strictly: host bits below the prefix must be zero.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    /// The block's first address.
    public let network: IPAddress
    /// Prefix length in bits (0…32 for IPv4, 0…128 for IPv6).
    public let prefixLength: Int

    /// Parses `address[/prefix]`; nil when either part is malformed, the
    /// prefix is out of range, or host bits are set.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let address = IPAddress(String(first)) else { return nil }
        let bits = first.contains(":") ? 128 : 32
        var length = address.bytes.count * 8
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(digits), value <= bits else { return nil }
            // `::ffff:10.0.0.0/104` names an IPv4 block: its prefix counts the mapped bits.
            if first.contains(":") && address.isIPv4 {
                guard value >= 96 else { return nil }
                length = value - 96
            } else {
                length = value
            }
        }
        guard Self.hostBitsAreZero(address.bytes, prefix: length) else { return nil }
        network = address
        prefixLength = length
    }

    /// True when `address` lies in the block (families must agree).
    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        for index in 0..<network.bytes.count where remaining > 0 {
            let take = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - take))
            if address.bytes[index] & mask != network.bytes[index] & mask { return false }
            remaining -= take
        }
        return true
    }

    /// `address/prefix`.
    public var description: String { "\(network)/\(prefixLength)" }

    private static func hostBitsAreZero(_ bytes: [UInt8], prefix: Int) -> Bool {
        for index in 0..<bytes.count {
            let first = index * 8
            if first >= prefix {
                if bytes[index] != 0 { return false }
            } else if prefix - first < 8 {
                let hostMask = UInt8(0xff) >> (prefix - first)
                if bytes[index] & hostMask != 0 { return false }
            }
        }
        return true
    }
}

extension Array where Element == CIDR {
    /// True when any block contains `address`.
    public func containsAddress(_ address: IPAddress) -> Bool { contains { $0.contains(address) } }
}
