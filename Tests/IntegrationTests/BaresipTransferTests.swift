import Testing

extension Integration {
    /// Blind transfer (REFER) between real SIP clients: baresip A calls
    /// baresip B through Legato, B transfers A to baresip C with its
    /// `/transfer` command, and what each one hears is checked by tone.
    @Suite("Baresip transfer")
    struct BaresipTransfer {
        static let callerTone = 440.0
        static let transferorTone = 1000.0
        static let targetTone = 2000.0
        /// The tones looked for: the three sent plus distractors; anything but the expected one winning fails.
        static let candidates: [Double] = [300, 440, 700, 1000, 1500, 2000, 2500]

        @Test("relay mode: B transfers A to C with /transfer; C answers, A and C hear each other, B and every leg are released")
        func relayBlindTransfer() async throws {
            let test = try TestContext()
            let relayLow = test.relayLow
            var conf = test.relayConf()
            for index in conf.routes.indices { conf.routes[index].blindTransfer = true }

            let tonePaths = (caller: test.artifacts.path("tone-440.wav"), transferor: test.artifacts.path("tone-1000.wav"),
                             target: test.artifacts.path("tone-2000.wav"))
            try ToneAudio.writeTone(frequency: Self.callerTone, seconds: 60, to: tonePaths.caller)
            try ToneAudio.writeTone(frequency: Self.transferorTone, seconds: 60, to: tonePaths.transferor)
            try ToneAudio.writeTone(frequency: Self.targetTone, seconds: 60, to: tonePaths.target)
            let callerOptions = Baresip.Options.caller(test.ports, tone: tonePaths.caller)
            let transferorOptions = Baresip.Options.callee(test.ports, tone: tonePaths.transferor)
            let targetOptions = Baresip.Options.third(test.ports, tone: tonePaths.target, user: "carol")
            let targetURI = "sip:carol@127.0.0.1:\(targetOptions.sipPort)"
            conf.routeTransferTarget(user: "carol", port: targetOptions.sipPort)

            let (a, b, c, marks) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await withBaresip(targetOptions, artifacts: test.artifacts) { c in
                    try await withBaresip(transferorOptions, artifacts: test.artifacts) { b in
                        try await withBaresip(callerOptions, artifacts: test.artifacts) { a in
                            let logs = "logs \(a.logPath) \(b.logPath) \(c.logPath) \(legato.logPath)"
                            try await BaresipMedia.establish(a, b, legato)
                            let talked = await waitUntil(timeout: .seconds(12), interval: .milliseconds(100)) {
                                a.recordedSeconds() >= 2.5 && b.recordedSeconds() >= 2.5
                            }
                            #expect(talked, "no audio between A and B before the transfer; \(logs)")

                            let referredAt = a.recordedSeconds()
                            try await b.transfer(to: targetURI)
                            try #require(await c.waitForEvent("CALL_ESTABLISHED", timeout: .seconds(15)),
                                         "C did not get (or answer) the transferred call; \(logs)")
                            // C answers at once: from here on A's audio comes from C.
                            let transferredAt = a.recordedSeconds()
                            // Legato hangs up B after the final NOTIFY (and baresip closes
                            // the call itself on a 2xx sipfrag): either way B's call ends.
                            #expect(await b.waitForEvent("CALL_CLOSED", timeout: .seconds(10)),
                                    "B's call was not released after the transfer; \(logs)")
                            let talkedToC = await waitUntil(timeout: .seconds(15), interval: .milliseconds(100)) {
                                a.recordedSeconds() >= transferredAt + 4 && c.recordedSeconds() >= 4
                            }
                            #expect(talkedToC, """
                                not 4 s of audio between A and C: A heard \(a.recordedSeconds() - transferredAt) s \
                                after the transfer, C \(c.recordedSeconds()) s; \(logs)
                                """)
                            a.control.pump()
                            #expect(!a.control.events.contains { $0.type == "CALL_CLOSED" },
                                    "A's call ended during the transfer; \(logs)")
                            #expect(a.control.events.filter { $0.type == "CALL_ESTABLISHED" }.count == 1,
                                    "A saw more than one call; \(logs)")

                            try await a.control.command("hangup")
                            #expect(await a.waitForEvent("CALL_CLOSED", timeout: .seconds(5)), "log \(a.logPath)")
                            #expect(await c.waitForEvent("CALL_CLOSED", timeout: .seconds(5)),
                                    "A's hangup did not end C's call; \(logs)")
                            return (a, b, c, (referred: referredAt, connected: transferredAt))
                        }
                    }
                }
                try await legato.expectNoCallsLeft()
                #expect(legato.log.contains("media.ports.allocated=0 "), "relay ports left allocated; log \(legato.logPath)")
                #expect(legato.log.contains("transfer.complete"), "log \(legato.logPath)")
                return result
            }

            // Wire facts: B sent the REFER and got 202 and the sipfrag NOTIFYs; C was dialled by Legato.
            #expect(b.log.contains("REFER sip:"), "B sent no REFER; log \(b.logPath)")
            #expect(b.log.contains("SIP/2.0 202"), "B's REFER was not answered 202; log \(b.logPath)")
            #expect(b.log.contains("NOTIFY sip:") && b.log.contains("message/sipfrag"),
                    "B got no sipfrag NOTIFY; log \(b.logPath)")
            #expect(!b.log.contains("transfer fail"), "B was told the transfer failed; log \(b.logPath)")
            #expect(c.log.contains("INVITE \(targetURI)"), "C was not dialled at \(targetURI); log \(c.logPath)")
            #expect(c.log.contains("Referred-By:"), "C's INVITE has no Referred-By; log \(c.logPath)")
            // A was never re-INVITEd: one offer/answer only (relay re-pointed inside Legato).
            #expect(a.control.events.filter { $0.type == "CALL_REMOTE_SDP" }.count <= 1, "log \(a.logPath)")

            // Relay mode: A's and C's RTP came from Legato's relay ports only.
            let relay = relayLow...(relayLow + 19)
            for side in [a, c] {
                let ports = side.rtpSources.compactMap { $0.split(separator: ":").last.flatMap { Int($0) } }
                #expect(!ports.isEmpty && ports.allSatisfy(relay.contains),
                        "\(side.options.name) got RTP from \(side.rtpSources), not from \(relay); log \(side.logPath)")
            }

            // Before the transfer A heard B and B heard A.
            let heardByA = try a.recording()
            Self.expectDominant(heardByA.slice(from: 0.3, to: marks.referred - 0.2), Self.transferorTone,
                                "A before the transfer", minimum: 1, path: a.recordingPath())
            Self.expectDominant(try b.recording(), Self.callerTone, "B", minimum: 1.5, path: b.recordingPath())
            // After it, A hears C (skipping the switch) and C hears A.
            Self.expectDominant(heardByA.dropFirst(seconds: marks.connected + 1), Self.targetTone, "A after the transfer",
                                minimum: 2.5, path: a.recordingPath())
            Self.expectDominant(try c.recording(), Self.callerTone, "C", minimum: 3.5, path: c.recordingPath())
        }

        /// `audio` (at least `minimum` s) is dominated by `tone` and mostly not silent.
        static func expectDominant(_ audio: ToneAudio.Recording, _ tone: Double, _ what: String, minimum: Double,
                                   path: String?, sourceLocation: SourceLocation = #_sourceLocation) {
            let dominant = ToneAudio.dominant(of: candidates, in: audio)
            let loud = ToneAudio.nonSilentFraction(of: audio)
            let file = path ?? "?"
            #expect(audio.seconds >= minimum, "\(what): only \(audio.seconds) s of audio; \(file)",
                    sourceLocation: sourceLocation)
            #expect(dominant?.frequency == tone && (dominant?.ratio ?? 0) > 10,
                    "\(what) heard \(dominant.map(String.init(describing:)) ?? "nothing"), not \(Int(tone)) Hz; \(file)",
                    sourceLocation: sourceLocation)
            #expect(loud > 0.8, "\(what): \(Int((1 - loud) * 100)) % silence; \(file)", sourceLocation: sourceLocation)
        }
    }
}
