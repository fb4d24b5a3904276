import Logging
import LegatoConfig
import LegatoMedia
import LegatoSDP
import LegatoSIP

/// Starting a relay-mode bridge: the relay session, the outbound call with
/// Legato's offer, the `CallBridge` that owns both calls, and the callee's
/// progress and answer turned into Legato's answers to the caller.
extension RelayMedia {
    /// Starts the bridge: checks the caller's offer against leg A's SRTP
    /// policy, creates the relay session, places the outbound call with the
    /// offer rewritten for leg B, and wires progress, answer and ends.
    static func start(inbound: Call, uri: String, options: CallSIPOptions, engine: CallEngine,
                      media: MediaWorkerPool, address: String, policies: Policies, watchdog: WatchdogSettings,
                      allowRelatch: Bool = false, ice: ICEMode = .remove, onBridged: @escaping @SIPActor (CallBridge) -> Void = { _ in }) {
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
            let relay = RelayMedia(session: session, address: address, policies: policies,
                                   initialAnswer: answerA, a: negotiatorA)
            relay.initialOfferMuxes = Self.muxes(offer)
            relay.apply(.a, sdp: offer, outcome: outcomeA)
            var outboundOptions = options
            do throws(SRTPNegotiator.Refusal) {
                outboundOptions.offer = try relay.offer(to: .b, from: offer)
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
            outbound.relayHeaderFilter = inbound.peerHeaderFilter
            let bridge = CallBridge.join(a: inbound, b: outbound, media: relay, linksEnds: true) {
                MediaEventRouter.shared.unregister(session.id)
                session.release()
            }
            relay.bridge = bridge
            bridge.relayPlan = RelayPlan(pool: media, address: address, policies: policies, watchdog: watchdog,
                                         allowRelatch: allowRelatch, ice: ice)
            inbound.media = (session, .a)
            outbound.media = (session, .b)
            MediaEventRouter.shared.register(sessionID, a: inbound, b: outbound)
            relay.wire(inbound: inbound, outbound: outbound, watchdog: watchdog)
            onBridged(bridge)
        }
    }

    func wire(inbound: Call, outbound: Call, watchdog: WatchdogSettings) {
        let session = self.session
        outbound.addEventListener(.ringing) { [weak self, weak inbound, weak outbound] event in
            guard let self, let inbound, let outbound,
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
        outbound.addEventListener(.connected) { [weak self, weak inbound, weak outbound] event in
            guard let self, let outbound else { return }
            guard let inbound, inbound.state == .alerting else {
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
    }

    /// The callee's answer (183 or 2xx) to Legato's offer on leg B: points
    /// leg B at it and returns Legato's answer to the caller's offer.
    func answerInitialOffer(with calleeAnswer: SessionDescription) throws(SRTPNegotiator.Refusal) -> SIPBody {
        guard let section = calleeAnswer.media.first else { throw .init(reason: "Callee Sent No Usable SDP") }
        let outcome = try b.srtp.accept(section)
        apply(.b, sdp: calleeAnswer, outcome: outcome)
        return sdp(for: .a, from: calleeAnswer, announcement: initialAnswer, rtcpMux: initialOfferMuxes)
    }

    /// True when the first media section of `sdp` carries `a=rtcp-mux`.
    static func muxes(_ sdp: SessionDescription) -> Bool {
        sdp.media.first?.hasAttribute("rtcp-mux") ?? false
    }

}
