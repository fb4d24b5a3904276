/// Where an incoming request came from, as the transport saw it.
public struct SIPSource: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Source IP address as text (no brackets).
    public var address: String
    /// Source port.
    public var port: Int
    /// "udp" or "tcp" (TLS connections report "tcp").
    public var transport: String

    /// A source with the given fields.
    public init(address: String, port: Int, transport: String) {
        self.address = address
        self.port = port
        self.transport = transport
    }

    /// `address:port/transport`.
    public var description: String { "\(address):\(port)/\(transport)" }
}
