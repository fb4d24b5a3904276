/// Reads and writes `c=` / `o=` address fields (`IN IP4 192.0.2.1`).
public enum SDPConnection {
    /// The address of a `c=` value (`IN IP4 203.0.113.5/127` → `203.0.113.5`).
    public static func address(of value: String) -> String? {
        let fields = value.split(separator: " ")
        guard fields.count >= 3 else { return nil }
        return String(fields[2].split(separator: "/").first ?? fields[2])
    }

    /// `IP4` or `IP6` for an address literal.
    public static func addressType(of address: String) -> String {
        address.contains(":") ? "IP6" : "IP4"
    }

    /// A `c=` value for `address`.
    public static func value(for address: String) -> String {
        "IN \(addressType(of: address)) \(address)"
    }
}
