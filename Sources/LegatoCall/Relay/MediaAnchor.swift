import LegatoConfig
import LegatoMedia
import LegatoSDP
import LegatoSIP

/// What `Call.answer()` / `Call.startEarlyMedia()` need to anchor a call's
/// media in Legato outside a bridge: the worker pool, the address to bind
/// and announce, and the SRTP policy of the call's listener.
public struct MediaAnchorSettings: Sendable {
    /// The media worker pool the anchored session runs on.
    public let pool: MediaWorkerPool
    /// Address the relay sockets bind and the SDP announces (`media.address`).
    public let address: String
    /// SRTP policy of the call's listener.
    public let srtp: SRTPPolicy
    /// `media.allow_relatch`.
    public var allowRelatch = false
    /// `media.ice`.
    public var ice: ICEMode
    /// `media.rtp_timeout` / `rtp_hangup_timeout` for the anchored leg; nil: no watchdog.
    public var watchdog: WatchdogSettings?

    /// Settings with relatching off, ICE removed and no watchdog unless given.
    public init(pool: MediaWorkerPool, address: String, srtp: SRTPPolicy, allowRelatch: Bool = false,
                ice: ICEMode = .remove, watchdog: WatchdogSettings? = nil) {
        self.ice = ice
        self.watchdog = watchdog
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
    /// Legato's current SDP on the leg: its answer to the INVITE's offer
    /// (sent in 183 and 200 alike), then to each later offer.
    private(set) var answer: SIPBody
    private let settings: MediaAnchorSettings
    private var negotiator: SRTPNegotiator
    /// `o=` of Legato's SDP on the leg: fixed id, version raised with every change.
    private let sessionID = UInt64.random(in: 1_000_000...9_999_999_999)
    private var version: UInt64 = 1
    /// The remote side's latest accepted SDP, and whether it holds Legato.
    private var remote: SessionDescription
    private(set) var holds = false

    private init(session: RelaySession, answer: SIPBody, settings: MediaAnchorSettings,
                 negotiator: SRTPNegotiator, remote: SessionDescription) {
        self.session = session
        self.answer = answer
        self.settings = settings
        self.negotiator = negotiator
        self.remote = remote
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
        let anchor = MediaAnchor(session: session, answer: SIPBody(contentType: "application/sdp", text: ""),
                                 settings: settings, negotiator: negotiator, remote: sdp)
        anchor.answer = anchor.answerBody(answering: sdp, announcement: announcement)
        do {
            try await anchor.follow(sdp, keys: outcome.keys)
        } catch {
            session.release()
            throw .mediaUnavailable(method: method, reason: "\(error)")
        }
        return anchor
    }

    /// Answers a later offer of the remote side (re-INVITE or UPDATE): SRTP
    /// under the listener's policy, the leg follows a new address or port,
    /// the direction is answered per RFC 3264 (sendonly → recvonly, inactive →
    /// inactive) and media towards a remote that holds is paused.
    func answer(offer body: SIPBody) async throws(CallError) -> SIPBody {
        guard body.isSDP, let sdp = try? SDPParser.parse(body.text), let first = sdp.media.first, first.port > 0 else {
            throw .offerNotAcceptable(method: "re-INVITE", reason: "no usable audio offer")
        }
        var next = negotiator
        let outcome: SRTPNegotiator.Outcome
        let announcement: SRTPNegotiator.Announcement
        do {
            (outcome, announcement) = try next.answer(first)
        } catch {
            throw .offerNotAcceptable(method: "re-INVITE", reason: error.reason)
        }
        negotiator = next
        do {
            try await follow(sdp, keys: outcome.keys)
        } catch {
            throw .mediaUnavailable(method: "re-INVITE", reason: "\(error)")
        }
        answer = answerBody(answering: sdp, announcement: announcement)
        return answer
    }

    /// Legato's offer for a re-INVITE without SDP (RFC 3261 §14.2): its
    /// current SDP, sendrecv, with the next version.
    func offer() -> SIPBody {
        guard let announcement = try? negotiator.offer() else { return answer }
        version += 1
        return RelaySDP.body(from: remote.settingDirection(.sendrecv, of: 0), address: settings.address,
                             ports: session.ports.a, announcement: announcement, rtcpMux: false, offering: true,
                             version: version, sessionID: sessionID, ice: nil)
    }

    /// The remote side's answer to `offer()` (in its ACK).
    func apply(answer body: SIPBody) async {
        guard body.isSDP, let sdp = try? SDPParser.parse(body.text), let first = sdp.media.first,
              let outcome = try? negotiator.accept(first) else { return }
        try? await follow(sdp, keys: outcome.keys)
    }

    func release() { session.release() }

    /// Points the leg at `sdp` (a hold address keeps the old remote), sets
    /// SRTP, and pauses what Legato sends while the remote holds.
    private func follow(_ sdp: SessionDescription, keys: SRTPLegKeys?) async throws {
        remote = sdp
        holds = sdp.direction(of: 0).isHold
        try await session.setSRTP(.a, keys)
        if let (rtp, rtcp) = RelaySDP.remoteEndpoints(of: sdp) {
            try await session.setRemote(.a, rtp: rtp, rtcp: rtcp)
        }
        try await session.setSendPaused(.a, holds)
    }

    private func answerBody(answering sdp: SessionDescription, announcement: SRTPNegotiator.Announcement) -> SIPBody {
        version += 1
        // No rtcp-mux on an anchored leg: RTCP keeps its own port.
        return RelaySDP.body(from: sdp.settingDirection(sdp.direction(of: 0).reversed, of: 0), address: settings.address,
                             ports: session.ports.a, announcement: announcement, rtcpMux: false, offering: false,
                             version: version, sessionID: sessionID,
                             ice: sdp.offersICE ? session.ice[.a] : nil)
    }
}
