import Testing

extension Integration {
    /// Two baresips through Legato while the bridge switches relay → direct
    /// → relay mid-call (the debug build's SIGUSR1 / SIGUSR2 hook, which calls
    /// `CallBridge.switchToDirect` / `switchToRelay`): each phase must carry
    /// both tones, and no relay port may be bound while media is direct.
    @Suite("Baresip media switch")
    struct BaresipMediaSwitch {
        typealias Media = BaresipMedia

        /// What each side had recorded when a phase started and ended.
        struct Phase {
            var name: String
            var caller: ClosedRange<Double>
            var callee: ClosedRange<Double>
        }

        @Test("relay → direct → relay mid-call: tones heard both ways in each phase, relay ports closed while direct")
        func relayDirectRelay() async throws {
            let test = try TestContext()
            let tones = try Media.tones(test)
            let callerOptions = Baresip.Options.caller(test.ports, tone: tones.caller)
            let calleeOptions = Baresip.Options.callee(test.ports, tone: tones.callee)
            let relay = test.relayLow...(test.relayLow + 19)
            let (caller, callee, phases, boundWhileDirect) = try await withLegato(test.relayConf(), artifacts: test.artifacts) { legato in
                let result = try await withBaresip(calleeOptions, artifacts: test.artifacts) { callee in
                    try await withBaresip(callerOptions, artifacts: test.artifacts) { caller in
                        try await Media.establish(caller, callee, legato)
                        var phases: [Phase] = []
                        var bound: [Int] = []
                        /// Talks 3 s more from now (after 0.5 s of settling) and records the phase.
                        func talk(_ name: String) async {
                            let from = (caller.recordedSeconds() + 0.5, callee.recordedSeconds() + 0.5)
                            let heard = await waitUntil(timeout: .seconds(15), interval: .milliseconds(100)) {
                                caller.recordedSeconds() >= from.0 + 3 && callee.recordedSeconds() >= from.1 + 3
                            }
                            #expect(heard, "\(name): not 3 s of audio both ways; logs \(caller.logPath) \(callee.logPath) \(legato.logPath)")
                            phases.append(Phase(name: name, caller: from.0...caller.recordedSeconds(),
                                                callee: from.1...callee.recordedSeconds()))
                        }
                        await talk("relay")
                        try await legato.switchMedia(toDirect: true)
                        try #require(await waitUntil(timeout: .seconds(10)) { legato.log.contains("bridge.media-direct") },
                                     "no switch to direct; log \(legato.logPath)")
                        await talk("direct")
                        bound = await legato.boundUDPPorts(in: relay)
                        try await legato.switchMedia(toDirect: false)
                        try #require(await waitUntil(timeout: .seconds(10)) { legato.log.contains("bridge.media-relay") },
                                     "no switch back to relay; log \(legato.logPath)")
                        await talk("relay again")
                        #expect(!(await legato.boundUDPPorts(in: relay)).isEmpty, "relayed again, but no relay port bound")
                        try await Media.hangUp(caller, callee)
                        return (caller, callee, phases, bound)
                    }
                }
                try await legato.expectNoCallsLeft()
                return result
            }
            #expect(boundWhileDirect.isEmpty, "relay ports bound while media was direct: \(boundWhileDirect)")
            #expect(phases.count == 3)
            for phase in phases {
                Self.expectHears(caller, Media.calleeTone, in: phase.caller, phase: phase.name)
                Self.expectHears(callee, Media.callerTone, in: phase.callee, phase: phase.name)
            }
            // While direct, each was offered the other's own media port (baresip logs its SIP trace).
            #expect(caller.log.contains("m=audio \(callee.options.rtpPort) "),
                    "the caller was never offered the callee's port; log \(caller.logPath)")
            #expect(callee.log.contains("m=audio \(caller.options.rtpPort) "),
                    "the callee was never offered the caller's port; log \(callee.logPath)")
        }

        /// `side`'s recording within `range` (seconds) is dominated by `tone` and mostly not silent.
        static func expectHears(_ side: Baresip, _ tone: Double, in range: ClosedRange<Double>, phase: String,
                                sourceLocation: SourceLocation = #_sourceLocation) {
            guard let recording = try? side.recording().slice(from: range.lowerBound, to: range.upperBound) else {
                Issue.record("\(side.options.name) recorded nothing; log \(side.logPath)", sourceLocation: sourceLocation)
                return
            }
            let dominant = ToneAudio.dominant(of: Media.candidates, in: recording)
            let loud = ToneAudio.nonSilentFraction(of: recording)
            #expect(recording.seconds >= 2.5, "\(phase): \(side.options.name) has \(recording.seconds) s",
                    sourceLocation: sourceLocation)
            #expect(dominant?.frequency == tone && (dominant?.ratio ?? 0) > 10,
                    "\(phase): \(side.options.name) heard \(dominant.map(String.init(describing:)) ?? "nothing"), not \(Int(tone)) Hz; log \(side.logPath)",
                    sourceLocation: sourceLocation)
            #expect(loud > 0.8, "\(phase): \(side.options.name) heard silence \(Int((1 - loud) * 100)) % of the time; log \(side.logPath)",
                    sourceLocation: sourceLocation)
        }
    }
}
