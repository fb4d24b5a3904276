/// The SDES keys of one SRTP leg: the remote's key (what it protects with, so
/// Legato unprotects with it) and Legato's own key for that leg (what Legato
/// protects with). Keys belong to one leg only and never cross to the other.
public struct SRTPLegKeys: Sendable, Equatable {
    /// The key the leg's remote announced in its `a=crypto` line.
    public var remote: SRTPKeyMaterial
    /// The key Legato generated for this leg and announced to the remote.
    public var local: SRTPKeyMaterial

    /// The keys of one leg: the remote's and Legato's own.
    public init(remote: SRTPKeyMaterial, local: SRTPKeyMaterial) {
        self.remote = remote
        self.local = local
    }
}

/// A leg's SRTP contexts, owned by the leg's worker thread: `inbound`
/// unprotects what the remote sends, `outbound` protects what Legato sends to
/// it. libsrtp2 keeps per-SSRC state (rollover counter, replay window) in
/// them, so they are kept across re-INVITEs that do not change the keys.
final class RelayLegSRTP {
    let keys: SRTPLegKeys
    private let inbound: SRTPContext
    private let outbound: SRTPContext

    init(keys: SRTPLegKeys) throws(SRTPError) {
        self.keys = keys
        inbound = try SRTPContext(direction: .inbound, keys: keys.remote)
        outbound = try SRTPContext(direction: .outbound, keys: keys.local)
    }

    /// Unprotects a received packet in place; false (and counted) when it must be dropped.
    @inline(__always)
    func unprotect(_ buffer: UnsafeMutableRawBufferPointer, length: inout Int, stream: MediaStream,
                   stats: inout RelayLegStats) -> Bool {
        do {
            if stream == .rtp {
                try inbound.unprotect(buffer, length: &length)
            } else {
                try inbound.unprotectRTCP(buffer, length: &length)
            }
            return true
        } catch .authenticationFailed {
            stats.droppedAuthentication(stream)
        } catch {
            stats.droppedSRTPOther(stream)
        }
        return false
    }

    /// Protects a packet about to be sent to the leg's remote; false (and
    /// counted on that leg) when it cannot be sent.
    @inline(__always)
    func protect(_ buffer: UnsafeMutableRawBufferPointer, length: inout Int, stream: MediaStream,
                 stats: inout RelayLegStats) -> Bool {
        do {
            if stream == .rtp {
                try outbound.protect(buffer, length: &length)
            } else {
                try outbound.protectRTCP(buffer, length: &length)
            }
            return true
        } catch {
            stats.droppedSRTPOther(stream)
            return false
        }
    }
}
