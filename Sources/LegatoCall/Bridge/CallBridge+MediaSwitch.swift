import LegatoMedia
import LegatoSDP
import LegatoSIP

/// Switching a connected bridge between relayed and direct media with
/// Legato's own re-INVITEs to both sides (RFC 3264 offer/answer, one at a
/// time; a remote offer meanwhile gets 491).
///
/// Relay → direct: B is offered A's own SDP, then A is offered B's answer;
/// the relay session is then released (ports closed, no watchdog, no media
/// events). Direct → relay: a new relay session is allocated with the
/// bridge's `RelayPlan`; A is offered Legato's SDP for leg A built from B's
/// SDP, then B Legato's SDP for leg B built from A's answer. Each side's
/// `o=` line keeps its session id and gets a higher version with every SDP.
extension CallBridge {
    /// Moves a connected relay-mode call to direct media: both endpoints are
    /// re-INVITEd with each other's SDP and Legato's relay ports are released.
    ///
    /// Refused before any re-INVITE (`MediaSwitchError`) when a side is not
    /// connected, an offer is in flight, the bridge is direct already, or
    /// Legato terminates SRTP differently on the two legs. If a side rejects
    /// its re-INVITE, what was changed is rolled back (the call stays relayed
    /// and up) and `.rejected` is thrown.
    public func switchToDirect() async throws(MediaSwitchError) {
        guard let relay = media as? RelayMedia else { throw .alreadyInMode }
        try checkSwitchable()
        guard relay.canGoDirect else { throw .srtpTerminated }
        guard let aSDP = a.remoteSession, aSDP.isSDP else { throw .noSession }
        switching = true
        defer { switching = false }
        logger.info("bridge.media-switch", metadata: ["media.to": "direct"])
        var origins = relay.origins
        let bAnswer = await offerAndWait(to: .b, body: origins[.b]!.stamp(aSDP))
        relay.b.origin = origins[.b]!
        guard let bSDP = Self.acceptedSDP(bAnswer) else {
            await restoreRelay(relay, on: .b, after: bAnswer)
            throw .rejected(side: .b, status: Self.failure(bAnswer))
        }
        let aAnswer = await offerAndWait(to: .a, body: origins[.a]!.stamp(bSDP))
        relay.a.origin = origins[.a]!
        guard Self.acceptedSDP(aAnswer) != nil else {
            // B talks straight to A now: offer it the relay again.
            await restoreRelay(relay, on: .b, after: nil)
            throw .rejected(side: .a, status: Self.failure(aAnswer))
        }
        media = nil
        directOrigins = origins
        a.media = nil
        b.media = nil
        relay.close()
        onEnd = {}
        logger.info("bridge.media-direct", metadata: ["media.session": "\(relay.session.id)"])
    }

    /// Moves a connected direct-mode call back to relayed media: a new relay
    /// session is allocated (the bridge's `RelayPlan`), A and then B are
    /// re-INVITEd with Legato's SDP for their leg; media events and the RTP
    /// watchdog follow the new session.
    ///
    /// Refused before any re-INVITE when a side is not connected, an offer is
    /// in flight, the bridge is relayed already, or it has no `RelayPlan`;
    /// `.mediaUnavailable` when no ports are free. If a side rejects its
    /// re-INVITE, A is given B's SDP again (direct), the session is released
    /// and `.rejected` is thrown; the call stays up.
    public func switchToRelay() async throws(MediaSwitchError) {
        guard media == nil else { throw .alreadyInMode }
        guard let plan = relayPlan else { throw .relayUnavailable }
        try checkSwitchable()
        guard let bBody = b.remoteSession, let bSDP = try? SDPParser.parse(bBody.text), !bSDP.media.isEmpty,
              a.remoteSession?.isSDP == true else { throw .noSession }
        switching = true
        defer { switching = false }
        logger.info("bridge.media-switch", metadata: ["media.to": "relay"])
        let session: RelaySession
        do {
            session = try await plan.allocate(RelaySDP.nextSessionID(), plan.sessionOptions)
        } catch {
            logger.error("bridge.media-switch-no-session", metadata: ["error": "\(error)"])
            throw .mediaUnavailable
        }
        guard a.state == .connected, b.state == .connected else {
            session.release()
            throw .notConnected
        }
        var seen: [BridgeSide: SDPOrigin] = [:]
        for side in BridgeSide.allCases { seen[side] = origin(seenBy: side) }
        let relay = RelayMedia.forSwitch(session: session, plan: plan, origins: seen)
        relay.bridge = self
        relay.prepoint(.b, at: bBody)
        let toA: SIPBody
        do throws(SRTPNegotiator.Refusal) { toA = try relay.offer(to: .a, from: bSDP) } catch {
            session.release()
            throw .noSession
        }
        let aAnswer = await offerAndWait(to: .a, body: toA)
        do throws(SRTPNegotiator.Refusal) {
            guard (200..<300).contains(aAnswer.status) else { throw .init(reason: "rejected") }
            try relay.acceptAnswer(on: .a, body: aAnswer.body)
        } catch {
            saveDirectOrigins(relay)
            session.release()
            throw .rejected(side: .a, status: Self.failure(aAnswer))
        }
        let bAnswer: SIPMessage
        do throws(SRTPNegotiator.Refusal) {
            guard let aSDP = a.remoteSession.flatMap({ try? SDPParser.parse($0.text) }) else { throw .init(reason: "") }
            bAnswer = await offerAndWait(to: .b, body: try relay.offer(to: .b, from: aSDP))
            guard (200..<300).contains(bAnswer.status) else { throw .init(reason: "rejected") }
            try relay.acceptAnswer(on: .b, body: bAnswer.body)
        } catch {
            saveDirectOrigins(relay)
            // A talks to the relay now: give it B's SDP again.
            if let current = b.remoteSession, var origin = directOrigins?[.a] {
                _ = await offerAndWait(to: .a, body: origin.stamp(current))
                directOrigins?[.a] = origin
            }
            session.release()
            throw .rejected(side: .b, status: 488)
        }
        relay.a.holds = a.remoteHolds
        relay.b.holds = b.remoteHolds
        media = relay
        directOrigins = nil
        relay.attach(to: self, watchdog: plan.watchdog)
        onEnd = { relay.close() }
        logger.info("bridge.media-relay", metadata: ["media.session": "\(session.id)"])
    }

    /// The caller ACKed the answer of a `direct_after_answer` bridge: both
    /// legs are connected and no INVITE transaction is left, so the switch
    /// to direct media starts (once; a refusal leaves the call relayed).
    func switchToDirectAfterAnswer() {
        directAfterAnswer = false
        Task { @SIPActor [weak self] in
            guard let self else { return }
            do {
                try await self.switchToDirect()
            } catch {
                self.logger.warning("bridge.direct-after-answer-failed", metadata: ["error": "\(error)"])
            }
        }
    }

    // MARK: - helpers

    private func checkSwitchable() throws(MediaSwitchError) {
        guard a.state == .connected, b.state == .connected, linksEnds else { throw .notConnected }
        guard !hasOfferInFlight, pendingUpdate == nil,
              !a.hasOfferInFlight, !b.hasOfferInFlight else { throw .offerInFlight }
    }

    /// Sends Legato's re-INVITE with `body` to `side` and returns its final
    /// response (the call ACKs a 2xx); 491 if another offer holds the bridge,
    /// 481 if the side ends first.
    func offerAndWait(to side: BridgeSide, body: SIPBody) async -> SIPMessage {
        await withCheckedContinuation { continuation in
            localAnswerWaiter = (side, continuation)
            guard offerLocally(to: side, body: body) else {
                localOfferSettled(side: side, response: SIPMessage(status: 491, reason: nil, body: nil, headers: []))
                return
            }
        }
    }

    /// The final response to Legato's own offer to `side` (or its end): the waiting switch goes on.
    func localOfferSettled(side: BridgeSide, response: SIPMessage) {
        guard let waiter = localAnswerWaiter, waiter.side == side else { return }
        localAnswerWaiter = nil
        waiter.continuation.resume(returning: response)
    }

    /// In direct mode after a switch, `body` bears the `o=` line `side` saw last, one version on.
    func stampedDirect(_ body: SIPBody, for side: BridgeSide) -> SIPBody {
        guard media == nil, directOrigins?[side] != nil else { return body }
        return directOrigins![side]!.stamp(body)
    }

    /// The `o=` line `side` saw last: after a switch Legato's, else (a
    /// bridge direct from the start) the one of the other side's SDP.
    private func origin(seenBy side: BridgeSide) -> SDPOrigin? {
        directOrigins?[side] ?? SDPOrigin(of: self[side.other].remoteSession)
    }

    /// A failed switch to relay: the origins the relay stamped stay the ones each side saw.
    private func saveDirectOrigins(_ relay: RelayMedia) {
        directOrigins = relay.origins
    }

    /// `side` refused (or broke off) the direct offer: it is offered the relay
    /// again (Legato's SDP for its leg, from the other side's SDP) unless the
    /// refusal left it where it was.
    private func restoreRelay(_ relay: RelayMedia, on side: BridgeSide, after answer: SIPMessage?) async {
        if let answer, !(200..<300).contains(answer.status) { return }
        guard self[side].state == .connected,
              let other = self[side.other].remoteSession.flatMap({ try? SDPParser.parse($0.text) }),
              let body = try? relay.offer(to: side.relayLeg, from: other) else { return }
        let response = await offerAndWait(to: side, body: body)
        if (200..<300).contains(response.status) { try? relay.acceptAnswer(on: side.relayLeg, body: response.body) }
    }

    /// The SDP of a 2xx, if it has one.
    private static func acceptedSDP(_ response: SIPMessage) -> SIPBody? {
        guard (200..<300).contains(response.status), let body = response.body, body.isSDP else { return nil }
        return body
    }

    private static func failure(_ response: SIPMessage) -> Int {
        (200..<300).contains(response.status) ? 488 : response.status
    }
}
