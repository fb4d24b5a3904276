import LegatoAudio
import LegatoConfig
import LegatoSIP

/// The conf's media applications: `action: play` / `action: say` routes
/// (answer, prompt, then hang up or bridge) and the bridge options `record`
/// and `ringback`.
extension ConfigRouter {
    /// Plays the route's prompt, then hangs up or bridges. With `then:
    /// hangup` the call is answered first; with `then: bridge` the prompt
    /// plays in early media (183) and the call is bridged afterwards.
    func announce(_ alerting: CallAlerting, route: RouteTable.Match, announcement: RouteAction.Announcement,
                  engine: CallEngine) {
        let inbound = alerting.call
        Task { @SIPActor in
            do throws(CallError) {
                if case .bridge = announcement.then {
                    try await inbound.startEarlyMedia()
                } else {
                    try await inbound.answer()
                }
            } catch {
                inbound.logger.warning("route.announce-failed", metadata: ["error": "\(error)"])
                switch error {
                case .offerNotAcceptable(_, let reason): inbound.refuse(code: 488, reason: reason)
                case .mediaUnavailable: inbound.refuse(code: 503, reason: "No Media Ports")
                default: inbound.refuse(code: 500)
                }
                return
            }
            let playback: UInt64
            switch announcement.content {
            case .file(let file): playback = inbound.startPlayback(url: file)
            case .speech(let text, let voice): playback = inbound.say(text, options: SayOptions(voice: voice))
            }
            inbound.addEventListener(.playbackFinished) { [weak self, weak inbound] event in
                guard let self, let inbound, case .playbackFinished(let id, _, _) = event, id == playback else { return }
                switch announcement.then {
                case .hangup:
                    try? inbound.hangup()
                case .bridge(let bridge):
                    guard inbound.state == .alerting else { return }
                    inbound.releaseAnchoredMedia()
                    self.bridge(alerting, route: route, bridge: bridge, engine: engine)
                }
            }
        }
    }

    /// `record: true` and `ringback:` on a relay bridge just started.
    func enableMediaApps(_ bridge: CallBridge, options: RouteAction.Bridge) {
        if let country = options.ringback { RelayMedia.enableRingback(country, bridge: bridge) }
        if options.record {
            let parameters = RecordParameters(stereo: true, format: RecordFormat(rawValue: recordFormat.rawValue) ?? .wav,
                                              directory: recordings)
            bridge.b.addEventListener(.connected) { [weak bridge] _ in
                bridge?.a.record(parameters)
            }
        }
    }
}

extension Call {
    /// Drops the call's own anchored media (a prompt played in early media
    /// before the call is bridged with a relay session of its own).
    func releaseAnchoredMedia() {
        guard let anchor = mediaAnchor else { return }
        mediaAnchor = nil
        media = nil
        mediaApps.playback = nil
        MediaEventRouter.shared.unregister(anchor.session.id)
        anchor.release()
    }
}
