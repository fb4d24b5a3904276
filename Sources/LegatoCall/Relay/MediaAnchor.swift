import LegatoConfig
import LegatoMedia
import LegatoSDP
import LegatoSIP

/// What `Call.answer()` / `Call.startEarlyMedia()` need to anchor a call's
/// media in Legato outside a bridge: the worker pool, the address to bind
/// and announce, and the SRTP policy of the call's listener.
public struct MediaAnchorSettings: Sendable {
    public let pool: MediaWorkerPool
    public let address: String
    public let srtp: SRTPPolicy
    /// `media.allow_relatch`.
    public var allowRelatch = false
    /// `media.ice`.
    public var ice: ICEMode

    public init(pool: MediaWorkerPool, address: String, srtp: SRTPPolicy, allowRelatch: Bool = false,
                ice: ICEMode = .remove) {
        self.ice = ice
        self.allowRelatch = allowRelatch
        self.pool = pool
        self.address = address
        self.srtp = srtp
    }
}

/// The media of one call anchored in Legato on its own (VoxEngine's
/// `answer()` without a bridge): a relay session whose leg A faces the
/// caller. Leg B is not connected, so the caller's media stops in Legato
/// (players, recorders and `sendMediaTo` attach here later) — or, with
/// `echo`, comes straight back to the caller (the `echo` route action).
@SIPActor
final class MediaAnchor {
    let session: RelaySession
    /// Legato's answer to the call's offer (sent in 183 and 200 alike).
    let answer: SIPBody

    private init(session: RelaySession, answer: SIPBody) {
        self.session = session
        self.answer = answer
    }

    /// Creates the session and Legato's answer to `offer` under `settings`.
    static func create(offer: SIPBody?, settings: MediaAnchorSettings, echo: Bool,
                       method: String) async throws(CallError) -> MediaAnchor {
        guard let offer, offer.isSDP, let sdp = try? SDPParser.parse(offer.text), let first = sdp.media.first else {
            throw .offerNotAcceptable(method: method, reason: "the INVITE has no SDP offer")
        }
        var negotiator = SRTPNegotiator(policy: settings.srtp)
        let outcome: SRTPNegotiator.Outcome
        let announcement: SRTPNegotiator.Announcement
        do {
            (outcome, announcement) = try negotiator.answer(first)
        } catch {
            throw .offerNotAcceptable(method: method, reason: error.reason)
        }
        let session: RelaySession
        do {
            session = try await settings.pool.createRelaySession(
                id: RelaySDP.nextSessionID(), address: settings.address,
                options: RelaySessionOptions(allowRelatch: settings.allowRelatch, echoA: echo,
                                             iceA: settings.ice == .lite ? .random() : nil))
        } catch {
            throw .mediaUnavailable(method: method, reason: "\(error)")
        }
        // No rtcp-mux on an anchored leg: RTCP keeps its own port.
        let answer = RelaySDP.body(from: sdp, address: settings.address, ports: session.ports.a,
                                   announcement: announcement, rtcpMux: false, offering: false, version: 1,
                                   sessionID: UInt64.random(in: 1_000_000...9_999_999_999),
                                   ice: sdp.offersICE ? session.ice[.a] : nil)
        let keys = outcome.keys
        let remote = RelaySDP.remoteEndpoints(of: sdp)
        do {
            try await session.setSRTP(.a, keys)
            if let (rtp, rtcp) = remote { try await session.setRemote(.a, rtp: rtp, rtcp: rtcp) }
        } catch {
            session.release()
            throw .mediaUnavailable(method: method, reason: "\(error)")
        }
        return MediaAnchor(session: session, answer: answer)
    }

    func release() { session.release() }
}
