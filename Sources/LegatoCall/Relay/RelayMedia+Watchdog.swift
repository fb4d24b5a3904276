import Logging
import LegatoMedia
import LegatoSIP

extension RelayMedia {
    // MARK: - watchdog

    /// Polls the session's receive times once a second while both calls are
    /// connected: leg A's silence is the caller's, leg B's the callee's.
    /// Silence while the call is on hold does not count.
    func watch(settings: WatchdogSettings) {
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
                      let inbound = self.bridge?.a, let outbound = self.bridge?.b,
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
