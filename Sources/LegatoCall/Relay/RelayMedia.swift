import Logging
import LegatoConfig
import LegatoMedia
import LegatoSDP
import LegatoSIP

/// The relay-mode media of a `CallBridge` (VoxEngine's `answer`): one relay
/// session per bridged call, leg A facing the caller (side A) and leg B the
/// callee (side B). It holds no call: it rewrites SDP per side for the
/// bridge that owns it and watches the session's RTP. Each side sees only
/// Legato's address, ports and keys in the SDP; everything else of the SDP
/// (codecs, fmtp, direction, telephone-event) passes through.
///
/// SRTP is terminated per leg (`SRTPNegotiator`, one per leg under that
/// leg's policy): an SRTP caller can reach a plain-RTP trunk and vice versa.
/// re-INVITEs from either side are relayed with the SDP rewritten for the
/// other leg, and the session follows the new addresses and keys once the
/// answer is in.
///
/// Scope: the first media section is relayed; other sections are answered
/// with port 0. A delayed offer (INVITE without SDP) is refused with 488.
@SIPActor
final class RelayMedia: SessionRewriter {
    /// Per-leg SRTP policies: A is the inbound leg (its listener's), B the outbound one (its trunk's).
    struct Policies: Sendable {
        var a: SRTPPolicy
        var b: SRTPPolicy
    }

    /// One leg's SDP bookkeeping.
    struct LegState {
        var srtp: SRTPNegotiator
        /// The `o=` line of the SDP Legato sends on the leg (its version grows with each SDP).
        var origin: SDPOrigin
        /// Whether the leg's media is SRTP (Legato terminates it).
        var secure = false
        /// Whether the leg's remote, by its latest accepted offer, holds the other side.
        var holds = false
        /// Legato's ICE-lite credentials on the leg (media.ice: lite), and
        /// whether the leg's remote uses ICE (its latest SDP had ice-ufrag):
        /// only then does Legato's SDP for the leg carry ICE lines.
        var ice: ICECredentials?
        var remoteOffersICE = false
    }

    /// A re-INVITE being relayed: the offer came from `from`, Legato's answer
    /// to it is decided (`outcome`, `announcement`) and waits for the other
    /// leg's answer.
    private struct PendingOffer {
        let from: RelayLeg
        let offer: SessionDescription
        let outcome: SRTPNegotiator.Outcome
        let announcement: SRTPNegotiator.Announcement
    }

    let session: RelaySession
    let address: String
    /// The bridge this media belongs to (its owner).
    weak var bridge: CallBridge?
    var a: LegState { didSet { watchdog?.setHeld(isOnHold) } }
    var b: LegState { didSet { watchdog?.setHeld(isOnHold) } }
    /// Legato's answer to the caller's initial offer, decided when the offer arrived.
    var initialAnswer: SRTPNegotiator.Announcement
    /// The caller's initial offer asked for rtcp-mux (RFC 5761).
    var initialOfferMuxes = false
    private var pending: PendingOffer?

    var watchdogSettings: WatchdogSettings?
    var watchdog: MediaWatchdog?

    /// True while either side holds the other (the RTP watchdog is off then).
    var isOnHold: Bool { a.holds || b.holds }

    /// A relay for a new call (`start`), or for a bridge switched to relay
    /// mid-call: then `origins` are the `o=` lines each leg saw last.
    init(session: RelaySession, address: String, policies: Policies,
         initialAnswer: SRTPNegotiator.Announcement, a: SRTPNegotiator, origins: [BridgeSide: SDPOrigin] = [:]) {
        self.session = session
        self.address = address
        self.a = LegState(srtp: a, origin: origins[.a] ?? .legato(address: address), ice: session.ice[.a])
        self.b = LegState(srtp: SRTPNegotiator(policy: policies.b), origin: origins[.b] ?? .legato(address: address),
                          ice: session.ice[.b])
        self.initialAnswer = initialAnswer
        LiveObjects.born(LiveObjects.relays)
    }

    deinit { LiveObjects.died(LiveObjects.relays) }

    /// The `o=` line each side has seen last from Legato.
    var origins: [BridgeSide: SDPOrigin] { [.a: a.origin, .b: b.origin] }

    // MARK: - re-INVITE (SessionRewriter)

    func rewriteOffer(from side: BridgeSide, body: SIPBody) -> RewriteResult {
        let leg = side.relayLeg
        guard pending == nil else { return .refuse(code: 491, reason: nil) }
        guard body.isSDP, let offer = try? SDPParser.parse(body.text), let first = offer.media.first else {
            return .refuse(code: 488, reason: "Not Acceptable Here")
        }
        do {
            var state = self[leg]
            let (outcome, announcement) = try state.srtp.answer(first)
            self[leg] = state
            let forward = try self.offer(to: leg.other, from: offer)
            pending = PendingOffer(from: leg, offer: offer, outcome: outcome, announcement: announcement)
            return .forward(forward)
        } catch {
            return .refuse(code: 488, reason: error.reason)
        }
    }

    func rewriteAnswer(from side: BridgeSide, body: SIPBody?) -> RewriteResult {
        let leg = side.relayLeg
        guard let pending, leg == pending.from.other else {
            return .refuse(code: 500, reason: nil)
        }
        self.pending = nil
        guard let body, body.isSDP, let answer = try? SDPParser.parse(body.text), let first = answer.media.first else {
            return .refuse(code: 488, reason: "Peer Sent No Usable SDP")
        }
        do {
            var state = self[leg]
            let outcome = try state.srtp.accept(first)
            self[leg] = state
            apply(leg, sdp: answer, outcome: outcome)
        } catch {
            return .refuse(code: 488, reason: error.reason)
        }
        apply(pending.from, sdp: pending.offer, outcome: pending.outcome)
        self[pending.from].holds = pending.offer.direction(of: 0).isHold
        return .forward(sdp(for: pending.from, from: answer, announcement: pending.announcement,
                            rtcpMux: Self.muxes(pending.offer)))
    }

    func offerFailed(to side: BridgeSide) {
        pending = nil
    }

    // MARK: - blind transfer

    /// Legato's offer to a transfer target that will take over `leg` (the
    /// transferor's leg): the remaining party's current SDP rewritten for
    /// `leg`'s ports and keys, so the remaining party needs no re-INVITE.
    func transferOffer(replacing leg: RelayLeg, remaining: Call) throws(SRTPNegotiator.Refusal) -> SIPBody {
        guard let body = remaining.remoteSession, let sdp = try? SDPParser.parse(body.text), !sdp.media.isEmpty else {
            throw .init(reason: "No Session To Transfer")
        }
        return try offer(to: leg, from: sdp)
    }

    /// The target answered: `leg` is re-pointed at it (no re-INVITE of the
    /// remaining party). The bridge then puts the target on that side
    /// (`CallBridge.replace`) and calls `transferCompleted`.
    func completeTransfer(replacing leg: RelayLeg, with target: Call) throws(SRTPNegotiator.Refusal) {
        guard let sdp = target.remoteSession.flatMap({ try? SDPParser.parse($0.text) }), let first = sdp.media.first else {
            throw .init(reason: "Target Sent No Usable SDP")
        }
        var state = self[leg]
        let outcome = try state.srtp.accept(first)
        self[leg] = state
        apply(leg, sdp: sdp, outcome: outcome)
        self[leg].holds = false
    }

    /// The bridge's sides changed (a transfer): media events and the watchdog follow the new pair.
    func transferCompleted() {
        guard let bridge else { return }
        bridge.a.media = (session, .a)
        bridge.b.media = (session, .b)
        MediaEventRouter.shared.register(session.id, a: bridge.a, b: bridge.b)
        if let watchdogSettings { watch(settings: watchdogSettings) }
    }

    // MARK: - SDP and session

    subscript(leg: RelayLeg) -> LegState {
        get { leg == .a ? a : b }
        set { if leg == .a { a = newValue } else { b = newValue } }
    }

    /// Legato's offer on `leg`: `source` (the other side's offer) rewritten
    /// with Legato's address, `leg`'s ports and `leg`'s own crypto lines.
    /// rtcp-mux is offered (with `a=rtcp` as fallback) when the other side
    /// offered it.
    func offer(to leg: RelayLeg, from source: SessionDescription) throws(SRTPNegotiator.Refusal) -> SIPBody {
        var state = self[leg]
        let announcement = try state.srtp.offer()
        self[leg] = state
        return sdp(for: leg, from: source, announcement: announcement, rtcpMux: Self.muxes(source), offering: true)
    }

    /// `source` rewritten for `leg` with the next `o=` version of that leg.
    /// An answer accepting rtcp-mux names no separate RTCP port.
    func sdp(for leg: RelayLeg, from source: SessionDescription,
                     announcement: SRTPNegotiator.Announcement, rtcpMux: Bool, offering: Bool = false) -> SIPBody {
        let body = RelaySDP.body(from: source, address: address, ports: session.ports[leg], announcement: announcement,
                                 rtcpMux: rtcpMux, offering: offering, version: 0, sessionID: 0,
                                 ice: self[leg].remoteOffersICE ? self[leg].ice : nil)
        return self[leg].origin.stamp(body)
    }

    /// Points `leg` at the first media section of `sdp` (that leg's remote's
    /// SDP) and sets its SRTP. Commands reach the worker in order.
    func apply(_ leg: RelayLeg, sdp: SessionDescription, outcome: SRTPNegotiator.Outcome) {
        let session = self.session
        let keys = outcome.keys
        let muxes = Self.muxes(sdp)
        let remote = RelaySDP.remoteEndpoints(of: sdp)
        let clockRate = RelaySDP.clockRate(of: sdp)
        self[leg].remoteOffersICE = sdp.offersICE
        self[leg].secure = keys != nil
        Task {
            do {
                try await session.setSRTP(leg, keys)
                try await session.setRTCPMux(leg, muxes)
                if let clockRate { try await session.setClockRate(leg, clockRate) }
                if let (rtp, rtcp) = remote {
                    try await session.setRemote(leg, rtp: rtp, rtcp: rtcp)
                }
            } catch {
                Logger(label: "legato.relay").error("relay.apply-failed", metadata: [
                    "media.session": "\(session.id)", "error": "\(error)"])
            }
        }
    }
}

extension RelayLeg {
    /// The other leg of the session.
    var other: RelayLeg { self == .a ? .b : .a }
}

extension BridgeSide {
    /// The relay session's leg facing this side.
    var relayLeg: RelayLeg { self == .a ? .a : .b }
}
