import LegatoConfig
import LegatoMedia
import LegatoSDP
import LegatoSIP

/// What a media-mode switch (`CallBridge.switchToDirect`, `switchToRelay`)
/// needs of the relay: a relay made for a bridge already connected, the
/// answers to Legato's own offers on each leg, and its end.
extension RelayMedia {
    /// A relay for a bridge switched to relay mode mid-call: both legs get
    /// fresh negotiators under `plan`'s policies; each leg continues the
    /// `o=` line its side saw last (`origins`).
    static func forSwitch(session: RelaySession, plan: RelayPlan, origins: [BridgeSide: SDPOrigin]) -> RelayMedia {
        RelayMedia(session: session, address: plan.address, policies: plan.policies,
                   initialAnswer: .init(cryptos: [], secureProfile: false),
                   a: SRTPNegotiator(policy: plan.policies.a), origins: origins)
    }

    /// Whether the endpoints could take over media from Legato: SRTP is off
    /// on both legs, or on both under the same policy (the endpoints then key
    /// SRTP between themselves, RFC 4568, from the SDP they exchange).
    var canGoDirect: Bool {
        guard a.secure == b.secure else { return false }
        return !a.secure || a.srtp.policy == b.srtp.policy
    }

    /// `leg`'s remote answered Legato's offer on that leg (`offer(to:from:)`):
    /// the leg is pointed at it with the SRTP the answer settles.
    func acceptAnswer(on leg: RelayLeg, body: SIPBody?) throws(SRTPNegotiator.Refusal) {
        guard let body, body.isSDP, let sdp = try? SDPParser.parse(body.text), let first = sdp.media.first else {
            throw .init(reason: "Peer Sent No Usable SDP")
        }
        var state = self[leg]
        let outcome = try state.srtp.accept(first)
        self[leg] = state
        apply(leg, sdp: sdp, outcome: outcome)
    }

    /// Points `leg` at its remote's current SDP without SRTP (while the other
    /// leg is being re-INVITEd the relay already carries that way).
    func prepoint(_ leg: RelayLeg, at body: SIPBody?) {
        guard let body, let sdp = try? SDPParser.parse(body.text), let first = sdp.media.first,
              first.attributes("crypto").isEmpty else { return }
        apply(leg, sdp: sdp, outcome: .plain)
    }

    /// Starts relaying for `bridge`'s calls: media events reach them and the
    /// RTP watchdog runs (a bridge switched to relay mode mid-call).
    func attach(to bridge: CallBridge, watchdog: WatchdogSettings) {
        self.bridge = bridge
        bridge.a.media = (session, .a)
        bridge.b.media = (session, .b)
        MediaEventRouter.shared.register(session.id, a: bridge.a, b: bridge.b)
        watch(settings: watchdog)
    }

    /// Ends relaying: no more media events or watchdog, the session's ports
    /// are closed. Idempotent (a bridge's end after a switch to direct).
    func close() {
        watchdog?.stop()
        watchdog = nil
        MediaEventRouter.shared.unregister(session.id)
        session.release()
    }
}
