import Testing
@testable import LegatoCall
import LegatoSIP

/// The box of rarely used call state: absent until a write, reads give the
/// defaults, writes land; and the flat listener list keeps its order and
/// removal rules.
@Suite("Call optional state and listeners")
@SIPActor
struct CallOptionalStateTests {
    @Test("a bridged direct call that rings, answers and ends never allocates the box")
    func directCallHasNoBox() {
        let (a, aLeg) = Fake.inbound()
        let (b, bLeg) = Fake.outbound()
        let bridge = CallBridge.direct(inbound: a, outbound: b)
        bLeg.deliver(.response(Fake.response(180)))
        bLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 5000))))
        aLeg.deliver(.ack(Fake.request("ACK")))
        #expect(a.state == .connected && b.state == .connected)
        #expect(a.optionalStorage == nil && b.optionalStorage == nil)
        aLeg.deliver(.bye(nil))
        #expect(a.optionalStorage == nil && b.optionalStorage == nil)
        _ = bridge
    }

    @Test("reads of an absent box give the defaults; a nil write allocates nothing; a write allocates and lands")
    func readsDefaultWritesLand() throws {
        let (call, _) = Fake.inbound()
        #expect(call.customData() == nil && call.toneHandling == nil && call.infoOrigins.isEmpty)
        #expect(call.anchorAwaitsAck == false && call.mediaApps.playback == nil)
        call.toneHandling = nil
        call.anchorAwaitsAck = false
        #expect(call.optionalStorage == nil)
        try call.setCustomData("note")
        #expect(call.optionalStorage != nil)
        #expect(call.customData() == "note")
        call.infoOrigins.append(nil)
        call.mediaApps.vad = true
        call.anchorAwaitsAck = true
        #expect(call.infoOrigins.count == 1 && call.mediaApps.vad && call.anchorAwaitsAck)
        call.infoOrigins.removeFirst()
        #expect(call.infoOrigins.isEmpty)
    }

    @Test("listeners run in the order added, only for their kind; one removed no longer runs")
    func listenerOrderAndRemoval() {
        let (a, aLeg) = Fake.inbound()
        let (b, bLeg) = Fake.outbound()
        var seen: [String] = []
        let first = a.addEventListener(.disconnected) { _ in seen.append("first") }
        a.addEventListener(.connected) { _ in seen.append("connected") }
        a.addEventListener(.disconnected) { _ in seen.append("second") }
        a.addEventListener(.disconnected) { _ in seen.append("third") }
        a.removeEventListener(first)
        let bridge = CallBridge.direct(inbound: a, outbound: b)
        bLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 5000))))
        aLeg.deliver(.ack(Fake.request("ACK")))
        aLeg.deliver(.bye(nil))
        #expect(seen == ["connected", "second", "third"])
        _ = bridge
    }
}
