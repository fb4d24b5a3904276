import Testing

extension Integration {
    /// Relay ↔ direct media mid-call (`CallBridge.switchToDirect` /
    /// `switchToRelay`): the route option `direct_after_answer` with sipp.
    @Suite("Media switch")
    struct MediaSwitch {
        @Test("direct_after_answer: each side gets exactly one re-INVITE naming the other endpoint, and the relay ports close")
        func directAfterAnswer() async throws {
            let test = try TestContext()
            var conf = test.relayConf()
            let route = try #require(conf.routes.firstIndex { $0.name == "to-local" })
            conf.routes[route].directAfterAnswer = true
            let relay = test.relayLow...(test.relayLow + 19)
            let (caller, callee, boundDuring, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let calleeProcess = try await SippProcess.start(test.uas("uas-switched-direct.xml"), artifacts: test.artifacts)
                let callerProcess = try await SippProcess.start(test.uac("uac-switched-direct.xml"), artifacts: test.artifacts)
                // While the call is still up (the caller talks 4 s after the re-INVITE).
                var bound: [Int] = [-1]
                let deadline = ContinuousClock.now + .seconds(8)
                while ContinuousClock.now < deadline, !bound.isEmpty {
                    try await Task.sleep(for: .milliseconds(100))
                    guard callerProcess.trace.requests("INVITE", .received).count == 1 else { continue }
                    bound = await legato.boundUDPPorts(in: relay)
                }
                let caller = try await callerProcess.finish()
                let callee = try await calleeProcess.finish(within: .seconds(15))
                try await legato.expectNoCallsLeft()
                return (caller, callee, bound, legato.log)
            }
            expectSuccess(caller)
            expectSuccess(callee)
            #expect(boundDuring.isEmpty, "relay ports still bound after the switch to direct: \(boundDuring); log \(log.suffix(2000))")
            #expect(log.contains("bridge.media-direct"), "no switch logged")
            // The caller: one re-INVITE, whose SDP names the callee's media port, not Legato's.
            let callerInvites = caller.trace.requests("INVITE", .received)
            #expect(callerInvites.count == 1)
            let toCaller = try #require(callerInvites.first)
            #expect(RelayMedia.audioPort(in: toCaller.body) == test.ports.uasMedia, "\(toCaller.body)")
            #expect(toCaller.body.contains("c=IN IP4 127.0.0.1"))
            // The callee: the initial INVITE (relay port) and one re-INVITE naming the caller's media port.
            let calleeInvites = callee.trace.requests("INVITE", .received)
            #expect(calleeInvites.count == 2)
            let initial = try #require(calleeInvites.first), toCallee = try #require(calleeInvites.last)
            #expect(relay.contains(RelayMedia.audioPort(in: initial.body) ?? 0), "\(initial.body)")
            #expect(RelayMedia.audioPort(in: toCallee.body) == test.ports.uacMedia, "\(toCallee.body)")
            // o=: each side sees one session id from Legato, one version higher.
            #expect(Self.origin(initial.body)?.id == Self.origin(toCallee.body)?.id)
            #expect((Self.origin(toCallee.body)?.version ?? 0) == (Self.origin(initial.body)?.version ?? 0) + 1)
            let answer = try #require(caller.trace.responses(to: "INVITE", .received, code: 200).first)
            #expect(Self.origin(answer.body)?.id == Self.origin(toCaller.body)?.id)
            #expect((Self.origin(toCaller.body)?.version ?? 0) == (Self.origin(answer.body)?.version ?? 0) + 1)
        }

        /// The session id and version of an SDP's `o=` line.
        static func origin(_ sdp: String) -> (id: String, version: Int)? {
            guard let line = sdp.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("o=") }) else { return nil }
            let fields = line.split(separator: " ")
            guard fields.count >= 3, let version = Int(fields[2]) else { return nil }
            return (String(fields[1]), version)
        }
    }
}
