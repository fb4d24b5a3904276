import Glibc

// The hot path: one readable socket → drain up to a batch → set STUN aside
// (one byte test; RelaySTUNPath) → check the source
// → SRTP unprotect (SRTP leg) → latch → (processing) → SRTP protect (SRTP
// leg) → one sendmmsg per outgoing stream. Runs on the
// worker thread; allocates nothing per packet.

extension RelaySessionCore {
    /// Called by libevent when `socket` is readable. Takes at most one batch;
    /// anything left is picked up on the next loop iteration (level
    /// triggered), so one busy socket cannot starve the others.
    func drain(_ socket: RelaySocket) {
        let batch = loop.batch
        let count = batch.receive(from: socket.fd)
        guard count > 0 else { return }
        let now = ContinuousClock.now
        let from: RelayLegCore = socket.leg
        let to: RelayLegCore = from.peer
        let arrival = socket.stream
        // Under rtcp-mux, RTCP arrives on the RTP socket: one remote for both.
        let remote = arrival == .rtp ? from.rtpRemote : from.rtcpRemote
        let demux = from.rtcpMux && arrival == .rtp
        let processIn = !from.input.isEmpty
        let processOut = !to.output.isEmpty
        // RFC 3550 A.8 needs arrival times in the stream's clock: one
        // conversion per wakeup (every packet of a batch shares it).
        let arrivalUnits = arrival == .rtp ? loop.clockUnits(now, rate: from.clockRate) : 0

        for i in 0..<count {
            let received = batch.length(i)
            // STUN (RFC 7983: first byte 0x00–0x03; RTP/RTCP start 0x80–0xBF)
            // leaves the fast path here: never relayed, never latching.
            if received > 0, STUNMessage.mayBeSTUN(firstByte: batch.buffer(i)[0]),
               STUNMessage.isSTUN(UnsafeRawBufferPointer(batch.buffer(i)), length: received) {
                handleSTUN(i, length: received, batch: batch, socket: socket)
                continue
            }
            var stream = arrival
            if demux, Self.looksLikeRTCP(batch.buffer(i), length: received) { stream = .rtcp }
            from.stats.received(stream, bytes: received, at: now)

            // Symmetric latching: after the latch, other sources are dropped
            // (or followed, when re-latching is allowed) — but only packets
            // that authenticate may latch on an SRTP leg.
            let foreign = remote.latched && !socketAddressesEqual(batch.source(i), remote.storage)
            if foreign && !options.allowRelatch {
                from.stats.droppedForeign(stream)
                continue
            }
            // A leg re-pointed by signalling (transfer, move) must not latch
            // back onto the remote it was moved away from.
            if !remote.latched && remote.isPrevious(batch.source(i)) {
                from.stats.droppedForeign(stream)
                continue
            }
            var length = received
            if let srtp = from.srtp {
                guard srtp.unprotect(batch.buffer(i), length: &length, stream: stream, stats: &from.stats) else { continue }
            }
            if !remote.latched || foreign {
                latch(from, remote: remote, stream: arrival, source: batch.source(i), length: batch.sourceLength(i))
            }
            if !from.sawFirstPacket {
                from.sawFirstPacket = true
                loop.events(.firstPacket(session: id, leg: from.leg))
            }
            if stream == .rtp {
                let p = UnsafeRawBufferPointer(rebasing: batch.buffer(i)[0..<length])
                if RTPHeader.isRTP(p) {
                    from.reception.observe(sequence: RTPHeader.sequence(p), timestamp: RTPHeader.timestamp(p),
                                           ssrc: RTPHeader.ssrc(p), arrival: arrivalUnits)
                }
            }

            // Input processing sees every accepted packet, even with nowhere to send it.
            if processIn {
                var packet = MediaPacket(buffer: batch.buffer(i), length: length, stream: stream, from: from.leg)
                if from.input.run(&packet) == .drop {
                    from.stats.droppedByProcessing(stream)
                    continue
                }
                length = packet.length
            }

            let destination = to.destination(stream)
            guard destination.isSet, !to.sendPaused else {
                from.stats.droppedNoDestination(stream)
                continue
            }

            if processOut {
                var packet = MediaPacket(buffer: batch.buffer(i), length: length, stream: stream, from: from.leg)
                if to.output.run(&packet) == .drop {
                    from.stats.droppedByProcessing(stream)
                    continue
                }
                length = packet.length
            }
            if stream == .rtp && to.tracksSentRTP { to.sentRTP.record(batch.buffer(i), length: length, at: now) }
            if let srtp = to.srtp {
                guard srtp.protect(batch.buffer(i), length: &length, stream: stream, stats: &to.stats) else { continue }
            }
            if length != batch.length(i) { batch.setLength(i, length) }
            batch.mark(i, stream: stream, to: destination.storage, length: destination.length)
        }

        flush(.rtp, batch: batch, to: to)
        flush(.rtcp, batch: batch, to: to)
    }

    @inline(__always)
    private func flush(_ stream: MediaStream, batch: PacketBatch, to: RelayLegCore) {
        let marked = batch.marked(stream)
        guard marked > 0 else { return }
        let result = batch.send(stream, from: to.sendSocket(stream).fd)
        to.stats.sent(stream, packets: result.packets, bytes: result.bytes, failed: marked - result.packets)
    }

    private func latch(_ leg: RelayLegCore, remote: RemoteAddress, stream: MediaStream,
                       source: UnsafePointer<sockaddr_storage>, length: socklen_t) {
        remote.latch(copying: source, length: length)
        // Allocates (builds the endpoint text), but only once per latch.
        loop.events(.latched(session: id, leg: leg.leg, stream: stream, source: SocketAddress(copying: source, length: length).endpoint))
    }

    /// RFC 5761 §4: under rtcp-mux, a second octet in 192...223 is an RTCP
    /// packet type (RTP payload types 64–95 are not used with rtcp-mux).
    @inline(__always)
    static func looksLikeRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) -> Bool {
        guard length >= 2 else { return false }
        let type = buffer[1]
        return type >= 192 && type <= 223
    }
}

extension RelayLegStats {
    @inline(__always)
    mutating func received(_ stream: MediaStream, bytes: Int, at now: ContinuousClock.Instant) {
        if stream == .rtp {
            rtp.packetsIn &+= 1
            rtp.bytesIn &+= UInt64(bytes)
            rtp.lastPacketAt = now
        } else {
            rtcp.packetsIn &+= 1
            rtcp.bytesIn &+= UInt64(bytes)
            rtcp.lastPacketAt = now
        }
    }

    @inline(__always)
    mutating func sent(_ stream: MediaStream, packets: Int, bytes: UInt64, failed: Int) {
        if stream == .rtp {
            rtp.packetsOut &+= UInt64(packets)
            rtp.bytesOut &+= bytes
            rtp.droppedSendFailure &+= UInt64(failed)
        } else {
            rtcp.packetsOut &+= UInt64(packets)
            rtcp.bytesOut &+= bytes
            rtcp.droppedSendFailure &+= UInt64(failed)
        }
    }

    @inline(__always)
    mutating func droppedForeign(_ stream: MediaStream) {
        if stream == .rtp { rtp.droppedForeignSource &+= 1 } else { rtcp.droppedForeignSource &+= 1 }
    }

    @inline(__always)
    mutating func droppedNoDestination(_ stream: MediaStream) {
        if stream == .rtp { rtp.droppedNoDestination &+= 1 } else { rtcp.droppedNoDestination &+= 1 }
    }

    @inline(__always)
    mutating func droppedAuthentication(_ stream: MediaStream) {
        if stream == .rtp { rtp.droppedAuthentication &+= 1 } else { rtcp.droppedAuthentication &+= 1 }
    }

    @inline(__always)
    mutating func droppedSRTPOther(_ stream: MediaStream) {
        if stream == .rtp { rtp.droppedSRTPOther &+= 1 } else { rtcp.droppedSRTPOther &+= 1 }
    }

    @inline(__always)
    mutating func droppedByProcessing(_ stream: MediaStream) {
        if stream == .rtp { rtp.droppedByProcessing &+= 1 } else { rtcp.droppedByProcessing &+= 1 }
    }
}
