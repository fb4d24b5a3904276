import Logging
import LegatoConfig
import LegatoMedia
import LegatoSDP
import LegatoSIP

/// Bridges an inbound call to a new outbound call with media anchored in
/// Legato (relay mode, VoxEngine's `answer`): one relay session per bridged
/// call, leg A facing the caller and leg B the callee. Each side sees only
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
final class RelayBridge: SessionRewriter {
    /// RTP watchdog timeouts in seconds (`media.rtp_timeout`, `media.rtp_hangup_timeout`; 0 = never hang up).
    struct WatchdogSettings: Sendable {
        var stopAfter: Double
        var hangupAfter: Double
    }

    /// Per-leg SRTP policies: A is the inbound leg (its listener's), B the outbound one (its trunk's).
    struct Policies: Sendable {
        var a: SRTPPolicy
        var b: SRTPPolicy
    }

    /// One leg's SDP bookkeeping.
    private struct LegState {
        var srtp: SRTPNegotiator
        /// `o=` session id and version of the SDP Legato sends on the leg.
        let sessionID = UInt64.random(in: 1_000_000...9_999_999_999)
        var version: UInt64 = 0
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
    private let address: String
    private weak var inbound: Call?
    private weak var outbound: Call?
    private var a: LegState
    private var b: LegState
    /// Legato's answer to the caller's initial offer, decided when the offer arrived.
    private var initialAnswer: SRTPNegotiator.Announcement
    /// The caller's initial offer asked for rtcp-mux (RFC 5761).
    private var initialOfferMuxes = false
    private var pending: PendingOffer?

    private var watchdogSettings: WatchdogSettings?
    /// Bumped by each `watch`: an older polling loop sees the change and stops.
    private var watchGeneration = 0

    /// True while either side holds the other (the RTP watchdog is off then).
    var isOnHold: Bool { a.holds || b.holds }

    private init(session: RelaySession, address: String, policies: Policies,
                 initialAnswer: SRTPNegotiator.Announcement, a: SRTPNegotiator) {
        self.session = session
        self.address = address
        self.a = LegState(srtp: a, ice: session.ice[.a])
        self.b = LegState(srtp: SRTPNegotiator(policy: policies.b), ice: session.ice[.b])
        self.initialAnswer = initialAnswer
    }

    /// Starts the bridge: checks the caller's offer against leg A's SRTP
    /// policy, creates the relay session, places the outbound call with the
    /// offer rewritten for leg B, and wires progress, answer and ends.
    static func start(inbound: Call, uri: String, options: CallSIPOptions, engine: CallEngine,
                      media: MediaWorkerPool, address: String, policies: Policies, watchdog: WatchdogSettings,
                      allowRelatch: Bool = false, ice: ICEMode = .remove, onBridged: @escaping @SIPActor (Call, Call) -> Void = { _, _ in }) {
        guard let body = inbound.remoteSession, body.isSDP, let offer = try? SDPParser.parse(body.text),
              let first = offer.media.first else {
            inbound.refuse(code: 488, reason: "Relay Needs An SDP Offer",
                           headers: [SIPHeader(name: "Accept", value: "application/sdp")])
            return
        }
        var negotiatorA = SRTPNegotiator(policy: policies.a)
        let outcomeA: SRTPNegotiator.Outcome
        let answerA: SRTPNegotiator.Announcement
        do {
            (outcomeA, answerA) = try negotiatorA.answer(first)
        } catch {
            inbound.logger.info("relay.srtp-refused", metadata: ["reason": "\(error.reason)"])
            inbound.refuse(code: 488, reason: error.reason)
            return
        }
        let sessionID = RelaySDP.nextSessionID()
        Task { @SIPActor in
            let session: RelaySession
            do {
                session = try await media.createRelaySession(id: sessionID, address: address, options: RelaySessionOptions(
                    allowRelatch: allowRelatch, iceA: ice == .lite ? .random() : nil, iceB: ice == .lite ? .random() : nil))
            } catch {
                inbound.logger.error("relay.no-session", metadata: ["error": "\(error)"])
                inbound.refuse(code: 503, reason: "No Media Ports")
                return
            }
            guard inbound.state == .alerting else {
                session.release()
                return
            }
            inbound.logger.debug("relay.session", metadata: ["media.session": "\(sessionID)",
                                                            "media.ports.a": "\(session.ports.a.rtp)",
                                                            "media.ports.b": "\(session.ports.b.rtp)",
                                                            "media.srtp.a": "\(outcomeA.keys?.remote.suite.sdpName ?? "off")"])
            let bridge = RelayBridge(session: session, address: address, policies: policies,
                                     initialAnswer: answerA, a: negotiatorA)
            bridge.initialOfferMuxes = Self.muxes(offer)
            bridge.apply(.a, sdp: offer, outcome: outcomeA)
            var outboundOptions = options
            do throws(SRTPNegotiator.Refusal) {
                outboundOptions.offer = try bridge.offer(to: .b, from: offer)
            } catch {
                session.release()
                inbound.refuse(code: 488, reason: error.reason)
                return
            }
            let outbound: Call
            do {
                outbound = try engine.callSIP(uri, options: outboundOptions)
            } catch {
                session.release()
                inbound.logger.error("route.call-failed", metadata: ["error": "\(error)"])
                inbound.refuse(code: 500)
                return
            }
            bridge.inbound = inbound
            bridge.outbound = outbound
            outbound.relayHeaderFilter = inbound.peerHeaderFilter
            inbound.pair(with: outbound, rewriter: bridge)
            MediaEventRouter.shared.register(sessionID, inbound: inbound, outbound: outbound)
            bridge.wire(watchdog: watchdog)
            onBridged(inbound, outbound)
        }
    }

    private func wire(watchdog: WatchdogSettings) {
        guard let inbound, let outbound else { return }
        let session = self.session
        outbound.addEventListener(.ringing) { [weak self] event in
            guard let self, let inbound = self.inbound, let outbound = self.outbound,
                  case .ringing(_, let headers, let early) = event else { return }
            let crossing = outbound.crossing(headers)
            guard let early, let sdp = try? SDPParser.parse(early.text) else {
                if (try? inbound.ring(extraHeaders: crossing)) == nil { try? inbound.ring() }
                return
            }
            guard let answer = try? self.answerInitialOffer(with: sdp) else { return }
            let started = (try? inbound.startEarlyMediaAnchored(sdp: answer, extraHeaders: crossing)) != nil
                || (try? inbound.startEarlyMediaAnchored(sdp: answer)) != nil
            if started {
                outbound.fireMediaEvent(.audioStarted)
                inbound.fireMediaEvent(.audioStarted)
            }
        }
        outbound.addEventListener(.connected) { [weak self] event in
            guard let self, let outbound = self.outbound else { return }
            guard let inbound = self.inbound, inbound.state == .alerting else {
                try? outbound.hangup()
                session.release()
                return
            }
            let answer: SIPBody
            do throws(SRTPNegotiator.Refusal) {
                guard let sdp = outbound.remoteSession.flatMap({ try? SDPParser.parse($0.text) }) else {
                    throw SRTPNegotiator.Refusal(reason: "Callee Sent No Usable SDP")
                }
                answer = try self.answerInitialOffer(with: sdp)
            } catch {
                outbound.logger.warning("relay.answer-refused", metadata: ["reason": "\(error.reason)"])
                try? outbound.hangup()
                inbound.refuse(code: 488, reason: error.reason)
                session.release()
                return
            }
            do {
                let wasEarly = inbound.isInEarlyMedia
                if (try? inbound.answerAnchored(sdp: answer, extraHeaders: outbound.crossing(event.headers))) == nil {
                    try inbound.answerAnchored(sdp: answer)
                }
                if !wasEarly {
                    outbound.fireMediaEvent(.audioStarted)
                    inbound.fireMediaEvent(.audioStarted)
                }
                self.watch(settings: watchdog)
            } catch {
                inbound.refuse(code: 500)
                try? outbound.hangup()
                session.release()
            }
        }
        Bridge.linkEnds(inbound: inbound, outbound: outbound) {
            MediaEventRouter.shared.unregister(session.id)
            session.release()
        }
    }

    /// The callee's answer (183 or 2xx) to Legato's offer on leg B: points
    /// leg B at it and returns Legato's answer to the caller's offer.
    private func answerInitialOffer(with calleeAnswer: SessionDescription) throws(SRTPNegotiator.Refusal) -> SIPBody {
        guard let section = calleeAnswer.media.first else { throw .init(reason: "Callee Sent No Usable SDP") }
        let outcome = try b.srtp.accept(section)
        apply(.b, sdp: calleeAnswer, outcome: outcome)
        return sdp(for: .a, from: calleeAnswer, announcement: initialAnswer, rtcpMux: initialOfferMuxes)
    }

    /// True when the first media section of `sdp` carries `a=rtcp-mux`.
    static func muxes(_ sdp: SessionDescription) -> Bool {
        sdp.media.first?.hasAttribute("rtcp-mux") ?? false
    }

    // MARK: - re-INVITE (SessionRewriter)

    func rewriteOffer(from call: Call, body: SIPBody) -> RewriteResult {
        guard let leg = leg(of: call), pending == nil else { return .refuse(code: 491, reason: nil) }
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

    func rewriteAnswer(from call: Call, body: SIPBody?) -> RewriteResult {
        guard let pending, let leg = leg(of: call), leg == pending.from.other else {
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

    func offerFailed(to call: Call) {
        pending = nil
    }

    // MARK: - blind transfer

    /// The leg `call` is on, if it is one of the bridge's calls.
    func legOf(_ call: Call) -> RelayLeg? { leg(of: call) }

    /// Legato's offer to a transfer target that will take over `leg` (the
    /// transferor's leg): the remaining party's current SDP rewritten for
    /// `leg`'s ports and keys, so the remaining party needs no re-INVITE.
    func transferOffer(replacing leg: RelayLeg, remaining: Call) throws(SRTPNegotiator.Refusal) -> SIPBody {
        guard let body = remaining.remoteSession, let sdp = try? SDPParser.parse(body.text), !sdp.media.isEmpty else {
            throw .init(reason: "No Session To Transfer")
        }
        return try offer(to: leg, from: sdp)
    }

    /// The target answered: it now owns `leg` (media re-pointed at it, no
    /// re-INVITE of the remaining party), and the watchdog follows the new pair.
    func completeTransfer(replacing leg: RelayLeg, with target: Call) throws(SRTPNegotiator.Refusal) {
        guard let sdp = target.remoteSession.flatMap({ try? SDPParser.parse($0.text) }), let first = sdp.media.first else {
            throw .init(reason: "Target Sent No Usable SDP")
        }
        var state = self[leg]
        let outcome = try state.srtp.accept(first)
        self[leg] = state
        apply(leg, sdp: sdp, outcome: outcome)
        self[leg].holds = false
        if leg == .a { inbound = target } else { outbound = target }
        if let inbound, let outbound {
            MediaEventRouter.shared.register(session.id, inbound: inbound, outbound: outbound)
        }
        if let watchdogSettings { watch(settings: watchdogSettings) }
    }

    // MARK: - SDP and session

    private func leg(of call: Call) -> RelayLeg? {
        if call === inbound { return .a }
        if call === outbound { return .b }
        return nil
    }

    private subscript(leg: RelayLeg) -> LegState {
        get { leg == .a ? a : b }
        set { if leg == .a { a = newValue } else { b = newValue } }
    }

    /// Legato's offer on `leg`: `source` (the other side's offer) rewritten
    /// with Legato's address, `leg`'s ports and `leg`'s own crypto lines.
    /// rtcp-mux is offered (with `a=rtcp` as fallback) when the other side
    /// offered it.
    private func offer(to leg: RelayLeg, from source: SessionDescription) throws(SRTPNegotiator.Refusal) -> SIPBody {
        var state = self[leg]
        let announcement = try state.srtp.offer()
        self[leg] = state
        return sdp(for: leg, from: source, announcement: announcement, rtcpMux: Self.muxes(source), offering: true)
    }

    /// `source` rewritten for `leg` with the next `o=` version of that leg.
    /// An answer accepting rtcp-mux names no separate RTCP port.
    private func sdp(for leg: RelayLeg, from source: SessionDescription,
                     announcement: SRTPNegotiator.Announcement, rtcpMux: Bool, offering: Bool = false) -> SIPBody {
        self[leg].version += 1
        return RelaySDP.body(from: source, address: address, ports: session.ports[leg], announcement: announcement,
                             rtcpMux: rtcpMux, offering: offering, version: self[leg].version,
                             sessionID: self[leg].sessionID, ice: self[leg].remoteOffersICE ? self[leg].ice : nil)
    }

    /// Points `leg` at the first media section of `sdp` (that leg's remote's
    /// SDP) and sets its SRTP. Commands reach the worker in order.
    private func apply(_ leg: RelayLeg, sdp: SessionDescription, outcome: SRTPNegotiator.Outcome) {
        let session = self.session
        let keys = outcome.keys
        let muxes = Self.muxes(sdp)
        let remote = RelaySDP.remoteEndpoints(of: sdp)
        self[leg].remoteOffersICE = sdp.offersICE
        Task {
            do {
                try await session.setSRTP(leg, keys)
                try await session.setRTCPMux(leg, muxes)
                if let (rtp, rtcp) = remote {
                    try await session.setRemote(leg, rtp: rtp, rtcp: rtcp)
                }
            } catch {
                Logger(label: "legato.relay").error("relay.apply-failed", metadata: [
                    "media.session": "\(session.id)", "error": "\(error)"])
            }
        }
    }

    // MARK: - watchdog

    /// Polls the session's receive times once a second while both calls are
    /// connected: leg A's silence is the caller's, leg B's the callee's.
    /// Silence while the call is on hold does not count.
    private func watch(settings: WatchdogSettings) {
        watchdogSettings = settings
        watchGeneration += 1
        let generation = watchGeneration
        let now = ContinuousClock.now
        let stop = Duration.milliseconds(Int(settings.stopAfter * 1000))
        let hangup = settings.hangupAfter > 0 ? Duration.milliseconds(Int(settings.hangupAfter * 1000)) : nil
        var dogs = [RTPWatchdog(stopAfter: stop, hangupAfter: hangup, start: now),
                    RTPWatchdog(stopAfter: stop, hangupAfter: hangup, start: now)]
        let session = self.session
        Task { @SIPActor [weak self] in
            while true {
                try? await Task.sleep(for: .seconds(1))
                guard let self, self.watchGeneration == generation,
                      let inbound = self.inbound, let outbound = self.outbound,
                      inbound.state == .connected, outbound.state == .connected,
                      let stats = try? await session.stats() else { return }
                if self.isOnHold {
                    for index in dogs.indices { dogs[index].exempt(until: .now) }
                    continue
                }
                let legs: [(Call, RelayLegStats)] = [(inbound, stats.a), (outbound, stats.b)]
                for (index, (call, leg)) in legs.enumerated() {
                    switch dogs[index].observe(lastPacket: leg.lastPacketAt, now: .now) {
                    case .unchanged: break
                    case .stopped: call.fireMediaEvent(.rtpStopped)
                    case .resumed: call.fireMediaEvent(.rtpResumed)
                    case .expired:
                        call.logger.warning("media.rtp-timeout", metadata: [
                            "media.silence": "\(settings.hangupAfter)", "media.session": "\(session.id)"])
                        try? inbound.hangup()
                        try? outbound.hangup()
                        return
                    }
                }
            }
        }
    }
}

extension RelayLeg {
    /// The other leg of the session.
    var other: RelayLeg { self == .a ? .b : .a }
}
