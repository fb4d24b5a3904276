import LegatoMedia
import LegatoSDP
import LegatoSIP

/// What the relay bridge and an anchored call (`MediaAnchor`) both do with
/// SDP: number sessions, read where a leg's remote sends from, and write
/// Legato's SDP for a leg.
@SIPActor
enum RelaySDP {
    private static var lastSessionNumber: UInt64 = 0

    /// A session id unique in this process (bridges and anchored calls share the counter).
    static func nextSessionID() -> MediaSessionID {
        lastSessionNumber += 1
        return MediaSessionID(lastSessionNumber)
    }

    /// Where the first media section of `sdp` receives RTP and RTCP (`a=rtcp`,
    /// else RTP + 1); nil for a rejected section or a hold address (0.0.0.0, ::).
    static func remoteEndpoints(of sdp: SessionDescription) -> (rtp: MediaEndpoint, rtcp: MediaEndpoint)? {
        guard let section = sdp.media.first, section.port > 0, let host = sdp.connectionAddress(of: 0),
              host != "0.0.0.0", host != "::" else { return nil }
        let rtcpPort = section.attributes("rtcp").first.flatMap { Int($0.split(separator: " ").first ?? "") }
        return (MediaEndpoint(host: host, port: section.port),
                MediaEndpoint(host: host, port: rtcpPort ?? section.port + 1))
    }

    /// The RTP clock rate of the first codec of the first media section: its
    /// `a=rtpmap` clock, else 8000 (the static audio payload types Legato
    /// meets all use an 8 kHz RTP clock, G.722 included); nil without media.
    static func clockRate(of sdp: SessionDescription) -> Int? {
        guard let section = sdp.media.first, let first = section.formats.first else { return nil }
        for value in section.attributes("rtpmap") {
            let fields = value.split(separator: " ", maxSplits: 1)
            guard fields.count == 2, fields[0] == first else { continue }
            let encoding = fields[1].split(separator: "/")
            if encoding.count >= 2, let rate = Int(encoding[1]), rate > 0 { return rate }
        }
        return 8000
    }

    /// `source` rewritten to name Legato at `address` and `ports` (first media
    /// section; the others are rejected), with `announcement`'s crypto lines
    /// and profile. With `rtcpMux`, `a=rtcp-mux` is written; an answer
    /// accepting it names no separate RTCP port, an offer keeps one as fallback.
    /// What the source's author said about itself does not cross
    /// (`withoutPeerIdentity`: `o=` is Legato's, no tool, SSRCs, msid, ICE…);
    /// with `ice` (media.ice: lite, towards a side that offered ICE) Legato's
    /// own ICE-lite lines and host candidates for `ports` are added.
    static func body(from source: SessionDescription, address: String, ports: RelayLegPorts,
                     announcement: SRTPNegotiator.Announcement, rtcpMux: Bool, offering: Bool,
                     version: UInt64, sessionID: UInt64, ice: ICECredentials? = nil) -> SIPBody {
        var addresses: [RelayAddress?] = Array(repeating: nil, count: source.media.count)
        addresses[0] = RelayAddress(address: address, rtpPort: ports.rtp,
                                    rtcpPort: rtcpMux && !offering ? nil : ports.rtcp,
                                    cryptos: announcement.cryptos, secureProfile: announcement.secureProfile,
                                    rtcpMux: rtcpMux)
        var sdp = source.rewrittenForRelay(addresses: addresses, origin: address, version: version,
                                           sessionID: sessionID).withoutPeerIdentity()
        if let ice {
            var candidates = [SDPICE.Candidate(component: 1, address: address, port: ports.rtp)]
            if addresses[0]?.rtcpPort != nil { candidates.append(.init(component: 2, address: address, port: ports.rtcp)) }
            sdp = sdp.addingICE(SDPICE(ufrag: ice.ufrag, pwd: ice.pwd, candidates: candidates))
        }
        return SIPBody(contentType: "application/sdp", text: sdp.text)
    }
}
