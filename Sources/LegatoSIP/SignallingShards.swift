internal import CSofiaShim

/// Signalling shards (`signalling.shards`): several Legato processes, each
/// with its own sofia loop, share the SIP listeners' addresses and ports;
/// the process that owns a datagram's Call-ID handles it (CSofiaShim's
/// shard_router.c). This is the Swift face of that router.
public enum SignallingShards {
    /// The most shards a listener can be shared by.
    public static let maximum = Int(LEGATO_SHARD_MAX)

    /// Makes this process shard `index` of `count`: listener sockets bound
    /// from now on to a port given to ``shareListener(port:)`` join the other
    /// shards' (SO_REUSEPORT), and outbound dialogs get Call-IDs this shard
    /// owns. Call it before any listener is bound.
    public static func configure(index: Int, count: Int) {
        legato_shard_configure(Int32(index), Int32(count))
    }

    /// This process's shard index (0 without shards).
    public static var index: Int { Int(legato_shard_index()) }
    /// The shard count (1 without shards).
    public static var count: Int { Int(legato_shard_count()) }

    /// Listener sockets bound to `port` are shared by the shards.
    public static func shareListener(port: Int) {
        legato_shard_reuse_port(Int32(port))
    }

    /// The shard of `count` that owns `message`'s Call-ID (its long or compact
    /// header, whitespace and folding left out); nil when `count` is 1 or the
    /// message has none.
    public static func owner(of message: some Collection<UInt8>, count: Int) -> Int? {
        let owner = Array(message).withUnsafeBytes {
            legato_shard_owner_of($0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count, Int32(count))
        }
        return owner < 0 ? nil : Int(owner)
    }

    /// A random Call-ID that shard `index` of `count` owns.
    public static func makeCallID(index: Int, count: Int) -> String? {
        var buffer = [CChar](repeating: 0, count: 32)
        guard legato_shard_make_call_id(&buffer, buffer.count, Int32(index), Int32(count)) == 1 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// One shard's inbox: where the other shards send the datagrams it owns.
    public struct Inbox: Sendable, Equatable {
        /// The socket (UDP on 127.0.0.1), inherited by the shard processes.
        public let descriptor: Int32
        /// Its port.
        public let port: Int
        /// An inbox that is already open (as a child process inherits it).
        public init(descriptor: Int32, port: Int) {
            self.descriptor = descriptor
            self.port = port
        }
    }

    /// Opens an inbox with `bufferBytes` socket buffers (0: the system's); nil when it cannot.
    public static func openInbox(bufferBytes: Int) -> Inbox? {
        var port: Int32 = 0
        let fd = legato_shard_inbox_open(Int32(clamping: bufferBytes), &port)
        return fd < 0 ? nil : Inbox(descriptor: fd, port: Int(port))
    }

    /// Joins the UDP socket `descriptor` (a listener bound on the signalling
    /// loop) to this shard's `inbox`; `all` are every shard's inboxes for that
    /// listener, in shard order (the others' are only asked for their queue
    /// depth, so that a new INVITE for a backlogged shard is shed here). Call
    /// it on the signalling loop, after the listener is bound. False when it
    /// could not be registered with the loop.
    @SIPActor
    public static func attach(listener descriptor: Int32, inbox: Int32, all: [Inbox]) -> Bool {
        let ports = all.map { UInt16(clamping: $0.port) }
        let fds = all.map(\.descriptor)
        return ports.withUnsafeBufferPointer { portList in
            fds.withUnsafeBufferPointer { fdList in
                legato_shard_attach(descriptor, inbox, portList.baseAddress, fdList.baseAddress, Int32(portList.count)) == 0
            }
        }
    }

    /// Undoes ``attach(listener:inbox:ports:)`` and closes the inbox.
    @SIPActor
    public static func detach(listener descriptor: Int32) {
        legato_shard_detach(descriptor)
    }

    /// Marks every open descriptor above 2 but `descriptors` close-on-exec,
    /// so that a process started next inherits only those (a shard started
    /// again must not hold the supervisor's listener or media sockets).
    public static func inheritOnly(_ descriptors: [Int32]) {
        descriptors.withUnsafeBufferPointer { legato_cloexec_all_but($0.baseAddress, Int32($0.count)) }
    }

    /// The process gets `signal` when its parent exits (a shard whose
    /// supervisor died drains and stops).
    public static func stopWithParent(signal: Int32) {
        legato_set_parent_death_signal(signal)
    }
}
