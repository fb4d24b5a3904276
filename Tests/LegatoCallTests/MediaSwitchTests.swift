import Testing
@testable import LegatoCall
import LegatoConfig
import LegatoMedia
import LegatoSIP

/// `CallBridge.switchToRelay` / `switchToDirect` with in-memory legs and a
/// real media pool on loopback: the re-INVITE sequence on each side, the
/// SDP each is offered (addresses, ports, `o=`), the refusals, rollbacks.
@Suite("Media mode switch with fake legs", .serialized)
@SIPActor
struct MediaSwitchTests {
    static let ports = 44700...44799

    /// The bodies of the re-INVITEs `leg` sent.
    static func reinvites(_ leg: FakeLeg) -> [String] {
        leg.sent.compactMap { if case .reinvite(let body?, _) = $0 { return body } else { return nil } }
    }

    /// Waits (up to 3 s) until `condition` holds.
    static func until(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return condition()
    }

    static func plan(_ pool: MediaWorkerPool) -> RelayPlan {
        RelayPlan(pool: pool, address: "127.0.0.1", policies: .init(a: .optional, b: .optional),
                  watchdog: .init(stopAfter: 7, hangupAfter: 0), allowRelatch: false, ice: .remove)
    }

    /// The `m=audio` port and the `o=` line of an SDP.
    static func port(_ sdp: String) -> Int? {
        sdp.split(whereSeparator: \.isNewline).first { $0.hasPrefix("m=audio ") }.flatMap { Int($0.split(separator: " ")[1]) }
    }
    static func origin(_ sdp: String) -> String? {
        sdp.split(whereSeparator: \.isNewline).first { $0.hasPrefix("o=") }.map { String($0.dropFirst(2)).trimmingWhitespace }
    }

    @Test("direct → relay → direct: A then B re-INVITEd each way, SDP and o= per leg, relay ports released at the end")
    func roundTrip() async throws {
        let pool = try MediaWorkerPool(workerCount: 1, portRange: Self.ports)
        let (bridge, a, aLeg, b, bLeg) = Fake.connectedDirect()
        bridge.relayPlan = Self.plan(pool)
        let result = Box<Result<Void, MediaSwitchError>?>(nil)
        Task { @SIPActor in
            do throws(MediaSwitchError) { try await bridge.switchToRelay(); result.value = .success(()) }
            catch { result.value = .failure(error) }
        }
        #expect(await Self.until { !Self.reinvites(aLeg).isEmpty })
        let toA = try #require(Self.reinvites(aLeg).first)
        #expect(Self.ports.contains(Self.port(toA) ?? 0), "A is offered a relay port: \(toA)")
        #expect(Self.origin(toA) == "- 1 2 IN IP4 127.0.0.1", "A's o= continues the one it saw (B's)")
        #expect(Self.reinvites(bLeg).isEmpty, "B waits for A's answer")
        bLeg.deliver(.reinvite(Fake.request("INVITE", body: Fake.sdp())))
        #expect(bLeg.statuses == [491], "a remote offer during the switch meets glare")
        aLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 4002))))
        #expect(aLeg.sent.contains(.ack(body: nil)))
        #expect(await Self.until { !Self.reinvites(bLeg).isEmpty })
        let toB = try #require(Self.reinvites(bLeg).first)
        #expect(Self.ports.contains(Self.port(toB) ?? 0) && Self.port(toB) != Self.port(toA))
        #expect(Self.origin(toB) == "- 1 2 IN IP4 127.0.0.1")
        bLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 5002))))
        #expect(await Self.until { result.value != nil })
        #expect(result.value.map { if case .success = $0 { true } else { false } } == true, "\(String(describing: result.value))")
        #expect(bridge.media != nil && a.media != nil && b.media != nil)
        #expect(pool.allocatedPortPairs == 2)

        aLeg.clear(); bLeg.clear(); result.value = nil
        Task { @SIPActor in
            do throws(MediaSwitchError) { try await bridge.switchToDirect(); result.value = .success(()) }
            catch { result.value = .failure(error) }
        }
        #expect(await Self.until { !Self.reinvites(bLeg).isEmpty })
        let directB = try #require(Self.reinvites(bLeg).first)
        #expect(Self.port(directB) == 4002, "B is offered A's own SDP")
        #expect(Self.origin(directB) == "- 1 3 IN IP4 127.0.0.1", "B's o= goes one version on")
        #expect(Self.reinvites(aLeg).isEmpty)
        bLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 5004))))
        #expect(await Self.until { !Self.reinvites(aLeg).isEmpty })
        let directA = try #require(Self.reinvites(aLeg).first)
        #expect(Self.port(directA) == 5004, "A is offered B's answer")
        #expect(Self.origin(directA) == "- 1 3 IN IP4 127.0.0.1")
        aLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 4002))))
        #expect(await Self.until { result.value != nil })
        #expect(result.value.map { if case .success = $0 { true } else { false } } == true, "\(String(describing: result.value))")
        #expect(bridge.media == nil && a.media == nil && b.media == nil)
        #expect(await Self.until { pool.allocatedPortPairs == 0 }, "the relay session's ports are released")

        // Direct after a switch: SDP crossing keeps each side's o= going.
        aLeg.clear(); bLeg.clear()
        aLeg.deliver(.reinvite(Fake.request("INVITE", body: Fake.sdp("sendonly", port: 4002))))
        #expect(Self.reinvites(bLeg).first.flatMap(Self.origin) == "- 1 4 IN IP4 127.0.0.1")
    }

    @Test("refusals send no re-INVITE: mode already, no plan, offer in flight, SRTP terminated differently, not connected")
    func refusals() async throws {
        let pool = try MediaWorkerPool(workerCount: 1, portRange: 44800...44899)
        let (bridge, _, aLeg, _, bLeg) = Fake.connectedDirect()
        await #expect(throws: MediaSwitchError.alreadyInMode) { try await bridge.switchToDirect() }
        await #expect(throws: MediaSwitchError.relayUnavailable) { try await bridge.switchToRelay() }
        bridge.relayPlan = Self.plan(pool)
        aLeg.deliver(.reinvite(Fake.request("INVITE", body: Fake.sdp())))
        await #expect(throws: MediaSwitchError.offerInFlight) { try await bridge.switchToRelay() }
        bLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 5000))))
        #expect(Self.reinvites(aLeg).isEmpty)
        aLeg.clear(); bLeg.clear()

        let (a2, a2Leg) = Fake.inbound()
        let (b2, _) = Fake.outbound(id: "ringing")
        let unanswered = CallBridge.direct(inbound: a2, outbound: b2)
        unanswered.relayPlan = Self.plan(pool)
        await #expect(throws: MediaSwitchError.notConnected) { try await unanswered.switchToRelay() }
        #expect(Self.reinvites(a2Leg).isEmpty)

        // Relayed with SRTP on leg A only: the endpoints could not talk directly.
        let relayed = Task { @SIPActor in try await bridge.switchToRelay() }
        #expect(await Self.until { Self.reinvites(aLeg).count == 1 }, "\(aLeg.sent)")
        aLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 4000))))
        #expect(await Self.until { Self.reinvites(bLeg).count == 1 }, "\(bLeg.sent)")
        bLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 5000))))
        try await relayed.value
        let relay = try #require(bridge.media as? RelayMedia)
        relay.a.secure = true
        await #expect(throws: MediaSwitchError.srtpTerminated) { try await bridge.switchToDirect() }
        #expect(Self.reinvites(aLeg).count == 1 && Self.reinvites(bLeg).count == 1)
        relay.close()
    }

    @Test("a side rejecting the switch: the call stays up in its old mode and the error names the side")
    func rejections() async throws {
        let pool = try MediaWorkerPool(workerCount: 1, portRange: 44900...44999)
        let (bridge, a, aLeg, b, bLeg) = Fake.connectedDirect()
        bridge.relayPlan = Self.plan(pool)
        let toRelay = Task { @SIPActor in try await bridge.switchToRelay() }
        #expect(await Self.until { !Self.reinvites(aLeg).isEmpty })
        aLeg.deliver(.response(Fake.response(488)))
        await #expect(throws: MediaSwitchError.rejected(side: .a, status: 488)) { try await toRelay.value }
        #expect(bridge.media == nil && a.state == .connected && b.state == .connected)
        #expect(Self.reinvites(bLeg).isEmpty)
        #expect(await Self.until { pool.allocatedPortPairs == 0 })
        #expect(!bridge.hasOfferInFlight)

        // Relay again, then B refuses the direct offer: still relayed, nothing sent to A.
        let again = Task { @SIPActor in try await bridge.switchToRelay() }
        #expect(await Self.until { Self.reinvites(aLeg).count == 2 })
        aLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 4000))))
        #expect(await Self.until { Self.reinvites(bLeg).count == 1 })
        bLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 5000))))
        try await again.value
        let toDirect = Task { @SIPActor in try await bridge.switchToDirect() }
        #expect(await Self.until { Self.reinvites(bLeg).count == 2 })
        bLeg.deliver(.response(Fake.response(488)))
        await #expect(throws: MediaSwitchError.rejected(side: .b, status: 488)) { try await toDirect.value }
        #expect(bridge.media != nil && pool.allocatedPortPairs == 2)
        #expect(Self.reinvites(aLeg).count == 2)
        (bridge.media as? RelayMedia)?.close()
    }
}
