import Glibc

// The slow path for STUN on relay ports (RFC 7983 demultiplexing: a first
// byte of 0x00–0x03 is STUN). STUN never crosses to the other leg and never
// latches: with ICE credentials on the leg (media.ice: lite) connectivity
// checks are answered, otherwise every STUN message is dropped and counted.

extension RelaySessionCore {
    /// Handles packet `index` of `batch`, already known to be STUN, received on `socket`.
    func handleSTUN(_ index: Int, length: Int, batch: PacketBatch, socket: RelaySocket) {
        let leg: RelayLegCore = socket.leg
        leg.stats.stun.received &+= 1
        guard let responder = leg.stunResponder else {
            leg.stats.stun.dropped &+= 1
            return
        }
        let bytes = Array(UnsafeRawBufferPointer(rebasing: batch.buffer(index)[0..<length]))
        switch responder.respond(to: bytes, from: batch.source(index)) {
        case .answer(let response):
            let sent = response.withUnsafeBytes { raw in
                batch.source(index).withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(socket.fd, raw.baseAddress, raw.count, Int32(MSG_DONTWAIT), $0, batch.sourceLength(index))
                }
            }
            if sent == response.count { leg.stats.stun.answered &+= 1 } else { leg.stats.stun.dropped &+= 1 }
        case .unauthenticated:
            leg.stats.stun.droppedUnauthenticated &+= 1
        case .ignored:
            leg.stats.stun.dropped &+= 1
        }
    }
}
