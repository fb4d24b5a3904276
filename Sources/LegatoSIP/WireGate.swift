internal import CSofiaShim

/// One datagram or new connection on a SIP listener, shown to the wire gate
/// before sofia parses it. Valid only during the gate's call.
public struct WirePacket {
    /// Index of the listener (its position in the configuration).
    public let listener: Int
    /// Source address bytes (4: IPv4, 16: IPv6), network order.
    public let address: [UInt8]
    /// Source port.
    public let port: Int
    /// True for a new TCP/TLS connection (no bytes yet).
    public let isConnection: Bool
    /// The datagram's first bytes (empty for a connection); valid only during the gate's call.
    public let bytes: UnsafeRawBufferPointer

    init(listener: Int, address: [UInt8], port: Int, isConnection: Bool, bytes: UnsafeRawBufferPointer) {
        self.listener = listener
        self.address = address
        self.port = port
        self.isConnection = isConnection
        self.bytes = bytes
    }
}

/// The earliest admission point: Legato's listeners' sockets are read through
/// a filter (CSofiaShim's wire_gate.c) that shows each datagram and each new
/// connection to `decide` before sofia sees it; a refused one is consumed
/// with no answer at all, no transaction and no dialog.
@SIPActor
public enum WireGate {
    /// Returns true to refuse (drop) the packet.
    public typealias Decision = @SIPActor (WirePacket) -> Bool

    private static var decide: Decision?
    private static var watched: Set<Int32> = []

    /// Installs the decision (nil: everything passes).
    public static func install(_ decision: Decision?) {
        decide = decision
        legato_wire_set_filter(decision == nil ? nil : wireFilter)
    }

    /// Watches the sockets bound to `port` (UDP, and listening TCP/TLS) as
    /// listener `listener`; sockets already watched keep their listener.
    /// Returns the number of sockets newly watched.
    @discardableResult
    public static func watch(port: Int, listener: Int) -> Int {
        var added = 0
        for (fd, stream) in sockets(port: port) where !watched.contains(fd) {
            watched.insert(fd)
            legato_wire_watch_fd(fd, Int32(listener), stream ? 1 : 0)
            added += 1
        }
        return added
    }

    /// From inside `decide`, for the datagram being decided: sends `bytes` to
    /// its source from the socket it arrived on (a stateless answer; the
    /// datagram itself is then refused). False when nothing could be sent.
    @discardableResult
    public static func reply(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { legato_wire_reply($0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count) == 0 }
    }

    /// A socket's receive queue as the kernel accounts it (SO_MEMINFO).
    public struct QueueDepth: Sendable, Equatable {
        /// Bytes queued for reading (every queued datagram's kernel size, `SK_MEMINFO_RMEM_ALLOC`).
        public let queued: Int
        /// The receive buffer they count against (`SK_MEMINFO_RCVBUF`, the granted SO_RCVBUF).
        public let capacity: Int
    }

    /// From inside `decide`: the receive queue of the socket the datagram
    /// arrived on (nil outside a datagram's decision, or when unmeasurable).
    public static func currentQueue() -> QueueDepth? {
        var queued: Int32 = 0, capacity: Int32 = 0
        guard legato_wire_current_queue(&queued, &capacity) == 0 else { return nil }
        return QueueDepth(queued: Int(queued), capacity: Int(capacity))
    }

    /// The receive queues of the UDP sockets bound to `port`.
    public static func queues(port: Int) -> [QueueDepth] {
        sockets(port: port).filter { !$0.stream }.compactMap { fd, _ in
            var queued: Int32 = 0, capacity: Int32 = 0
            guard legato_socket_queue(fd, &queued, &capacity) == 0 else { return nil }
            return QueueDepth(queued: Int(queued), capacity: Int(capacity))
        }
    }

    /// What `setBuffers` achieved on one socket.
    public struct BufferResult: Sendable, Equatable {
        /// The socket.
        public let descriptor: Int32
        /// SO_RCVBUF as the kernel reports it after the change (it doubles what was asked).
        public let receiveBytes: Int
        /// SO_SNDBUF likewise.
        public let sendBytes: Int
        /// SO_RCVBUFFORCE was permitted (CAP_NET_ADMIN); otherwise SO_RCVBUF, capped by net.core.rmem_max.
        public let forced: Bool
    }

    /// Sets the receive and send buffers of the UDP sockets bound to `port`.
    public static func setBuffers(port: Int, bytes: Int) -> [BufferResult] {
        sockets(port: port).filter { !$0.stream }.map { fd, _ in
            var rcv: Int32 = 0, snd: Int32 = 0
            let forced = legato_socket_set_buffers(fd, Int32(clamping: bytes), &rcv, &snd)
            return BufferResult(descriptor: fd, receiveBytes: Int(rcv), sendBytes: Int(snd), forced: forced == 1)
        }
    }

    /// The UDP sockets bound to `port` (a listener's, once it is bound).
    public static func udpSockets(port: Int) -> [Int32] {
        var fds = [Int32](repeating: -1, count: 16)
        let found = Int(legato_socket_find_udp(nil, Int32(port), &fds, 16))
        return Array(fds.prefix(found))
    }

    private static func sockets(port: Int) -> [(Int32, stream: Bool)] {
        var stream = [Int32](repeating: -1, count: 16)
        let s = Int(legato_socket_find_listening(Int32(port), &stream, 16))
        return udpSockets(port: port).map { ($0, false) } + stream.prefix(s).map { ($0, true) }
    }

    fileprivate static func run(_ packet: WirePacket) -> Bool {
        decide?(packet) ?? false
    }
}

/// The C filter: called by the recvmsg/accept wrappers on the thread reading
/// the socket, which for sofia's sockets is the signalling thread.
private let wireFilter: legato_wire_filter = { listener, addr, addrLen, port, stream, data, len in
    guard let addr else { return 0 }
    let address = Array(UnsafeBufferPointer(start: addr, count: Int(addrLen)))
    let dataBits = UInt(bitPattern: data)
    let count = data == nil ? 0 : len
    let refuse = SIPActor.assumeIsolated {
        let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: dataBits), count: count)
        let packet = WirePacket(listener: Int(listener), address: address, port: Int(port), isConnection: stream != 0,
                                bytes: bytes)
        return WireGate.run(packet)
    }
    return refuse ? 1 : 0
}
