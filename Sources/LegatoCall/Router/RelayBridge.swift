import Logging
import LegatoMedia
import LegatoSDP
import LegatoSIP

/// Bridges an inbound call to a new outbound call with media anchored in
/// Legato (relay mode, VoxEngine's `answer`): one relay session per bridged
/// call, leg A facing the caller and leg B the callee. Each side sees only
/// Legato's address and ports in the SDP; everything else of the SDP
/// (codecs, fmtp, direction, telephone-event) passes through.
///
/// Scope today: plain RTP, the first media section relayed (other sections
/// are answered with port 0), offer in the INVITE (a delayed offer is refused
/// with 488). SRTP, re-INVITE, watchdog and early-media timeout come with the
/// rest of the media-engine issue.
@SIPActor
enum RelayBridge {
    private static var nextSessionNumber: UInt64 = 0

    /// RTP watchdog timeouts in seconds (`media.rtp_timeout`, `media.rtp_hangup_timeout`; 0 = never hang up).
    struct WatchdogSettings: Sendable {
        var stopAfter: Double
        var hangupAfter: Double
    }

    static func start(inbound: Call, uri: String, options: CallSIPOptions, engine: CallEngine,
                      media: MediaWorkerPool, address: String, watchdog: WatchdogSettings) {
        guard let body = inbound.remoteSession, body.isSDP, let offer = try? SDPParser.parse(body.text),
              !offer.media.isEmpty else {
            inbound.refuse(code: 488, reason: "Relay Needs An SDP Offer",
                           headers: [SIPHeader(name: "Accept", value: "application/sdp")])
            return
        }
        nextSessionNumber += 1
        let sessionID = MediaSessionID(nextSessionNumber)
        Task { @SIPActor in
            let session: RelaySession
            do {
                session = try await media.createRelaySession(id: sessionID, address: address)
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
                                                            "media.ports.b": "\(session.ports.b.rtp)"])
            setRemote(session, .a, from: offer)
            var outboundOptions = options
            outboundOptions.offer = SIPBody(contentType: "application/sdp",
                                            text: rewrite(offer, address: address, ports: session.ports.b).text)
            let outbound: Call
            do {
                outbound = try engine.callSIP(uri, options: outboundOptions)
            } catch {
                session.release()
                inbound.logger.error("route.call-failed", metadata: ["error": "\(error)"])
                inbound.refuse(code: 500)
                return
            }
            MediaEventRouter.shared.register(sessionID, inbound: inbound, outbound: outbound)
            wire(inbound: inbound, outbound: outbound, session: session, address: address, watchdog: watchdog)
        }
    }

    private static func wire(inbound: Call, outbound: Call, session: RelaySession, address: String,
                             watchdog: WatchdogSettings) {
        outbound.addEventListener(.ringing) { [weak inbound, weak outbound] event in
            guard let inbound, let outbound, case .ringing(_, _, let early) = event else { return }
            if let early, let sdp = try? SDPParser.parse(early.text) {
                setRemote(session, .b, from: sdp)
                if (try? inbound.startEarlyMediaAnchored(sdp: body(rewrite(sdp, address: address, ports: session.ports.a)))) != nil {
                    outbound.fireMediaEvent(.audioStarted)
                    inbound.fireMediaEvent(.audioStarted)
                }
            } else {
                try? inbound.ring()
            }
        }
        outbound.addEventListener(.connected) { [weak inbound, weak outbound] _ in
            guard let outbound else { return }
            guard let inbound, inbound.state == .alerting,
                  let answer = outbound.remoteSession.flatMap({ try? SDPParser.parse($0.text) }) else {
                try? outbound.hangup()
                inbound?.refuse(code: 488, reason: "Callee Sent No Usable SDP")
                session.release()
                return
            }
            setRemote(session, .b, from: answer)
            do {
                let wasEarly = inbound.isInEarlyMedia
                try inbound.answerAnchored(sdp: body(rewrite(answer, address: address, ports: session.ports.a)))
                if !wasEarly {
                    outbound.fireMediaEvent(.audioStarted)
                    inbound.fireMediaEvent(.audioStarted)
                }
                watch(session, inbound: inbound, outbound: outbound, settings: watchdog)
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

    /// Polls the session's receive times once a second while both calls are
    /// connected: leg A's silence is the caller's, leg B's the callee's.
    private static func watch(_ session: RelaySession, inbound: Call, outbound: Call, settings: WatchdogSettings) {
        let now = ContinuousClock.now
        let stop = Duration.milliseconds(Int(settings.stopAfter * 1000))
        let hangup = settings.hangupAfter > 0 ? Duration.milliseconds(Int(settings.hangupAfter * 1000)) : nil
        var dogs = [RTPWatchdog(stopAfter: stop, hangupAfter: hangup, start: now),
                    RTPWatchdog(stopAfter: stop, hangupAfter: hangup, start: now)]
        Task { @SIPActor [weak inbound, weak outbound] in
            while true {
                try? await Task.sleep(for: .seconds(1))
                guard let inbound, let outbound, inbound.state == .connected, outbound.state == .connected,
                      let stats = try? await session.stats() else { return }
                let legs: [(Call, RelayLegStats)] = [(inbound, stats.a), (outbound, stats.b)]
                for (index, (call, leg)) in legs.enumerated() {
                    let last = [leg.rtp.lastPacketAt, leg.rtcp.lastPacketAt].compactMap { $0 }.max()
                    switch dogs[index].observe(lastPacket: last, now: .now) {
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

    /// Points leg `leg` of the session at the first media section of `sdp`.
    private static func setRemote(_ session: RelaySession, _ leg: RelayLeg, from sdp: SessionDescription) {
        guard let section = sdp.media.first, section.port > 0, let host = sdp.connectionAddress(of: 0) else { return }
        let rtcpPort = section.attributes("rtcp").first.flatMap { Int($0.split(separator: " ").first ?? "") }
        let rtp = MediaEndpoint(host: host, port: section.port)
        let rtcp = MediaEndpoint(host: host, port: rtcpPort ?? section.port + 1)
        Task { try? await session.setRemote(leg, rtp: rtp, rtcp: rtcp) }
    }

    private static func rewrite(_ sdp: SessionDescription, address: String, ports: RelayLegPorts) -> SessionDescription {
        var addresses: [RelayAddress?] = Array(repeating: nil, count: sdp.media.count)
        addresses[0] = RelayAddress(address: address, rtpPort: ports.rtp, rtcpPort: ports.rtcp)
        return sdp.rewrittenForRelay(addresses: addresses, origin: address, version: 1)
    }

    private static func body(_ sdp: SessionDescription) -> SIPBody {
        SIPBody(contentType: "application/sdp", text: sdp.text)
    }
}
