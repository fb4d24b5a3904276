internal import CLibevent
import Glibc

/// A remote address slot with a stable address the kernel can read at send
/// time (allocated once per session, never per packet).
final class RemoteAddress {
    let storage = UnsafeMutablePointer<sockaddr_storage>.allocate(capacity: 1)
    /// 0 while unknown.
    var length: socklen_t = 0
    /// True once set from a received packet's source.
    var latched = false

    init() {
        storage.initialize(to: sockaddr_storage())
        previous.initialize(to: sockaddr_storage())
    }
    deinit {
        storage.deallocate()
        previous.deallocate()
    }

    var isSet: Bool { length != 0 }

    /// The remote before the last `set` that changed it: packets still
    /// arriving from there (a party that just left, e.g. a transferor) must
    /// not latch the leg back onto it.
    let previous = UnsafeMutablePointer<sockaddr_storage>.allocate(capacity: 1)
    var hasPrevious = false

    func set(_ address: SocketAddress?) {
        if let address {
            var incoming = address.storage
            if isSet, !socketAddressesEqual(storage, &incoming) {
                previous.pointee = storage.pointee
                hasPrevious = true
            }
            storage.pointee = address.storage
            length = address.length
        } else {
            length = 0
        }
        latched = false
    }

    /// True when `source` is the remote this leg was moved away from (and
    /// not the one it was moved to).
    @inline(__always)
    func isPrevious(_ source: UnsafePointer<sockaddr_storage>) -> Bool {
        hasPrevious && socketAddressesEqual(source, previous) && !socketAddressesEqual(source, storage)
    }

    @inline(__always)
    func latch(copying source: UnsafePointer<sockaddr_storage>, length: socklen_t) {
        storage.pointee = source.pointee
        self.length = length
        latched = true
    }

    var endpoint: MediaEndpoint? {
        isSet ? SocketAddress(copying: storage, length: length).endpoint : nil
    }
}

/// One bound UDP socket of a leg, registered with the worker's event_base for
/// EV_READ|EV_PERSIST; the libevent callback's argument is this object.
final class RelaySocket {
    let fd: Int32
    let stream: MediaStream
    /// Set right after the leg is built; the leg owns this socket.
    unowned(unsafe) var leg: RelayLegCore!
    private var event: OpaquePointer?

    init(fd: Int32, stream: MediaStream) {
        self.fd = fd
        self.stream = stream
    }

    func register(on base: OpaquePointer) throws(MediaError) {
        let arg = Unmanaged.passUnretained(self).toOpaque()
        guard let ev = event_new(base, fd, Int16(EV_READ | EV_PERSIST), { _, _, arg in
            guard let arg else { return }
            let socket = Unmanaged<RelaySocket>.fromOpaque(arg).takeUnretainedValue()
            socket.leg.session.drain(socket)
        }, arg) else {
            throw .eventLoop("event_new")
        }
        guard event_add(ev, nil) == 0 else {
            event_free(ev)
            throw .eventLoop("event_add")
        }
        event = ev
    }

    /// Unregisters and closes. Idempotent.
    func close() {
        if let ev = event {
            event_free(ev)  // event_free deletes a pending event first
            event = nil
        }
        if fd >= 0 { Glibc.close(fd) }
    }
}

/// One leg of a relay session: its two sockets, its remotes, counters and
/// processing units.
final class RelayLegCore {
    let leg: RelayLeg
    let rtpPort: Int
    let rtpSocket: RelaySocket
    let rtcpSocket: RelaySocket
    let rtpRemote = RemoteAddress()
    let rtcpRemote = RemoteAddress()
    var rtcpMux: Bool
    /// Nothing is sent to this leg's remote while true (it holds: RFC 3264 sendonly/inactive).
    var sendPaused = false
    var stats = RelayLegStats()
    var sawFirstPacket = false
    /// Loss and jitter of the RTP the leg's remote sends (RFC 3550 A.1/A.3/A.8).
    var reception = RTPReception()
    /// The RTP clock of what the leg's remote sends (jitter's unit); 8 kHz
    /// unless `RelaySession.setClockRate` says otherwise.
    var clockRate = 8000
    /// SRTP on this leg (nil: plain RTP).
    var srtp: RelayLegSRTP?
    /// Answers ICE connectivity checks on this leg's ports (nil: STUN is dropped).
    var stunResponder: STUNResponder?
    /// Processing of packets received from this leg's remote.
    let input = MediaUnit()
    /// Processing of packets about to be sent to this leg's remote.
    let output = MediaUnit()
    /// The last RTP packet sent to this leg's remote (for generated packets
    /// to continue), recorded only while `tracksSentRTP`.
    var sentRTP = RTPSendPosition()
    /// True once something generates media into this leg (DTMF, playback):
    /// only then does the packet path record each relayed packet's position.
    private(set) var tracksSentRTP = false

    /// How long after `tracksSentRTP` is first turned on the packet path
    /// has certainly seen relayed packets (two 20 ms packets), if media flows.
    static let trackingWarmUp = Duration.milliseconds(40)

    /// Called by a generator when it starts: turns position tracking on and
    /// returns how long to wait before the first generated packet, so that it
    /// continues the relayed stream (`trackingWarmUp` the first time, then zero).
    func startTrackingSentRTP() -> Duration {
        guard !tracksSentRTP else { return .zero }
        tracksSentRTP = true
        return Self.trackingWarmUp
    }
    /// RFC 4733 detection on this leg's input (also in `input`), if on.
    var toneDetector: DTMFDetector?
    /// RFC 4733 generation towards this leg's remote (also in `output`), once used.
    var dtmfSender: DTMFSender?
    /// A playback (file, TTS, tone) towards this leg's remote (also in `output`), while one runs.
    var playout: AudioPlayout?
    /// Decoded-audio analysis of this leg's input (in-band DTMF, VAD; also in `input`), while on.
    var audioTap: DecodedAudioTap?
    /// Where this leg's received audio also goes (`sendMediaTo`; also in `input`), while any.
    var feedTap: FeedTap?
    unowned(unsafe) var peer: RelayLegCore!
    unowned(unsafe) var session: RelaySessionCore!

    init(leg: RelayLeg, rtpPort: Int, rtpFD: Int32, rtcpFD: Int32, rtcpMux: Bool) {
        self.leg = leg
        self.rtpPort = rtpPort
        self.rtpSocket = RelaySocket(fd: rtpFD, stream: .rtp)
        self.rtcpSocket = RelaySocket(fd: rtcpFD, stream: .rtcp)
        self.rtcpMux = rtcpMux
        rtpSocket.leg = self
        rtcpSocket.leg = self
    }

    /// The remote `stream` is sent to (the RTP remote for RTCP under rtcp-mux).
    @inline(__always)
    func destination(_ stream: MediaStream) -> RemoteAddress {
        stream == .rtp || rtcpMux ? rtpRemote : rtcpRemote
    }

    /// The socket `stream` leaves from (the RTP socket for RTCP under rtcp-mux).
    @inline(__always)
    func sendSocket(_ stream: MediaStream) -> RelaySocket {
        stream == .rtp || rtcpMux ? rtpSocket : rtcpSocket
    }

    func snapshot() -> RelayLegStats {
        var s = stats
        s.rtpRemote = rtpRemote.endpoint
        s.rtcpRemote = rtcpMux ? s.rtpRemote : rtcpRemote.endpoint
        s.rtpLatched = rtpRemote.latched
        s.rtcpLatched = rtcpMux ? rtpRemote.latched : rtcpRemote.latched
        s.rtp.packetsLost = reception.lost
        s.rtp.jitterMilliseconds = reception.jitterMilliseconds(clockRate: clockRate)
        return s
    }
}

/// The worker-side state of a relay session. Lives on, and is only touched
/// by, its worker's thread.
final class RelaySessionCore {
    let id: MediaSessionID
    let a: RelayLegCore
    let b: RelayLegCore
    var options: RelaySessionOptions
    unowned(unsafe) let loop: WorkerLoop
    private var closed = false
    /// The session's recording, while one runs (taps on both legs' input).
    var recorder: SessionRecorder?
    /// The RTP watchdog, while the session is watched (`RelaySession.startWatchdog`).
    var watch: SessionWatch?

    /// Allocates and binds both legs' port pairs and registers their sockets.
    init(id: MediaSessionID, legA: SocketAddress, legB: SocketAddress,
         options: RelaySessionOptions, loop: WorkerLoop) throws(MediaError) {
        self.id = id
        self.options = options
        self.loop = loop
        let pairA = try Self.bindPair(legA, ports: loop.ports)
        let pairB: (port: Int, rtp: Int32, rtcp: Int32)
        do {
            pairB = try Self.bindPair(legB, ports: loop.ports)
        } catch {
            Glibc.close(pairA.rtp)
            Glibc.close(pairA.rtcp)
            loop.ports.release(pairA.port)
            throw error
        }
        a = RelayLegCore(leg: .a, rtpPort: pairA.port, rtpFD: pairA.rtp, rtcpFD: pairA.rtcp, rtcpMux: options.rtcpMuxA)
        b = RelayLegCore(leg: .b, rtpPort: pairB.port, rtpFD: pairB.rtp, rtcpFD: pairB.rtcp, rtcpMux: options.rtcpMuxB)
        a.stunResponder = options.iceA.map(STUNResponder.init)
        b.stunResponder = options.iceB.map(STUNResponder.init)
        a.peer = options.echoA ? a : b
        b.peer = a
        a.session = self
        b.session = self
        do {
            for socket in [a.rtpSocket, a.rtcpSocket, b.rtpSocket, b.rtcpSocket] {
                try socket.register(on: loop.base)
            }
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    var ports: RelaySessionPorts {
        RelaySessionPorts(a: RelayLegPorts(rtp: a.rtpPort), b: RelayLegPorts(rtp: b.rtpPort))
    }

    @inline(__always)
    func leg(_ leg: RelayLeg) -> RelayLegCore { leg == .a ? a : b }

    /// Sets a leg's remotes from SDP and forgets any latch: the next packet
    /// received on the leg latches again.
    func setRemote(_ leg: RelayLeg, rtp: SocketAddress?, rtcp: SocketAddress?) {
        let core = self.leg(leg)
        core.rtpRemote.set(rtp)
        core.rtcpRemote.set(rtcp)
    }

    func stats() -> RelaySessionStats {
        var s = RelaySessionStats()
        s.a = a.snapshot()
        s.b = b.snapshot()
        return s
    }

    /// Closes the four sockets and gives both port pairs back. Idempotent;
    /// also run by deinit, so no path can leak ports or fds.
    func close() {
        guard !closed else { return }
        closed = true
        recorder?.finish()
        recorder = nil
        for core in [a, b] {
            core.rtpSocket.close()
            core.rtcpSocket.close()
            core.srtp = nil
            core.dtmfSender?.close()
            core.dtmfSender = nil
            core.playout?.close(reason: .stopped)
            core.playout = nil
            core.toneDetector = nil
            core.input.detachAll()
            core.output.detachAll()
            loop.ports.release(core.rtpPort)
        }
    }

    /// Takes pairs from the allocator until one binds (RTP on the even port,
    /// RTCP on the next); a pair that fails to bind (taken by another process)
    /// is given back and the next one tried.
    private static func bindPair(_ address: SocketAddress, ports: MediaPortPool) throws(MediaError) -> (port: Int, rtp: Int32, rtcp: Int32) {
        for _ in 0..<max(1, ports.capacity) {
            let port = try ports.allocate()
            let rtp: Int32
            do {
                rtp = try UDPSocket.bind(address.withPort(port))
            } catch {
                ports.release(port)
                if Self.isRetryable(error) { continue }
                throw error
            }
            do {
                let rtcp = try UDPSocket.bind(address.withPort(port + 1))
                return (port, rtp, rtcp)
            } catch {
                Glibc.close(rtp)
                ports.release(port)
                if Self.isRetryable(error) { continue }
                throw error
            }
        }
        throw .portsExhausted
    }

    private static func isRetryable(_ error: MediaError) -> Bool {
        if case .system(call: "bind", let code) = error { return code == EADDRINUSE || code == EACCES }
        return false
    }
}
