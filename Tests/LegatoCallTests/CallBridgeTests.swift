import Testing
@testable import LegatoCall
import LegatoConfig
import LegatoSIP

/// Bridge and call flows with in-memory legs: what crosses between the two
/// sides, checked on what each fake leg was asked to send.
@Suite("CallBridge with fake legs")
@SIPActor
struct CallBridgeTests {
    @Test("direct bridge: 180 and 200 of the callee reach the caller with the callee's SDP; the caller's BYE ends the callee")
    func progressAnswerAndEnd() {
        let (a, aLeg) = Fake.inbound()
        let (b, bLeg) = Fake.outbound()
        let bridge = CallBridge.direct(inbound: a, outbound: b)
        bLeg.deliver(.response(Fake.response(180)))
        #expect(aLeg.statuses == [180])
        bLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 5000))))
        #expect(aLeg.statuses == [180, 200])
        guard case .respond(200, let body?, _) = aLeg.sent.last else { Issue.record("no 200 with SDP"); return }
        #expect(body.contains("m=audio 5000"))
        #expect(bLeg.sent.contains(.ack(body: nil)))
        aLeg.deliver(.ack(Fake.request("ACK")))
        #expect(a.state == .connected && b.state == .connected)
        aLeg.deliver(.bye(nil))
        #expect(bLeg.sent.last == .bye)
        #expect(a.state == .terminated && b.state == .terminated)
        #expect(a.bridge == nil && b.bridge == nil, "a finished bridge lets its calls go")
        _ = bridge
    }

    @Test("the callee's failure rejects the unanswered caller with the mapped code", arguments: [(486, 486), (407, 503), (302, 480)])
    func failureMapping(codes: (Int, Int)) {
        let (a, aLeg) = Fake.inbound()
        let (b, bLeg) = Fake.outbound()
        CallBridge.direct(inbound: a, outbound: b)
        bLeg.deliver(.response(Fake.response(codes.0)))
        #expect(aLeg.statuses == [codes.1])
        #expect(a.state == .terminated)
    }

    @Test("re-INVITE from either side goes to the other unchanged (direct); the answer comes back with hold events")
    func reinviteRelayed() {
        let (_, a, aLeg, _, bLeg) = Fake.connectedDirect()
        var events: [CallEventKind] = []
        for kind in [CallEventKind.reInviteReceived, .reInviteAccepted, .onHold, .offHold] {
            a.addEventListener(kind) { events.append($0.kind) }
        }
        aLeg.deliver(.reinvite(Fake.request("INVITE", body: Fake.sdp("sendonly"))))
        guard case .reinvite(let offer?, _) = bLeg.sent.last else { Issue.record("\(bLeg.sent)"); return }
        #expect(offer.contains("a=sendonly"))
        bLeg.deliver(.response(Fake.response(200, body: Fake.sdp("recvonly", port: 5002))))
        #expect(bLeg.sent.last == .ack(body: nil))
        guard case .respond(200, let answer?, _) = aLeg.sent.last else { Issue.record("\(aLeg.sent)"); return }
        #expect(answer.contains("a=recvonly"))
        #expect(events == [.reInviteReceived, .reInviteAccepted, .onHold])
    }

    @Test("glare: an offer from one side while the other side's is pending gets 491, from either side")
    func glare() {
        let (_, _, aLeg, _, bLeg) = Fake.connectedDirect()
        aLeg.deliver(.reinvite(Fake.request("INVITE", body: Fake.sdp())))
        bLeg.deliver(.reinvite(Fake.request("INVITE", body: Fake.sdp())))
        #expect(bLeg.statuses == [491])
        let answers = Box<[Int]>([])
        aLeg.deliver(.update(Fake.serverRequest("UPDATE", body: Fake.sdp(), answers: answers)))
        #expect(answers.value == [491])
        bLeg.deliver(.response(Fake.response(200, body: Fake.sdp())))
        #expect(aLeg.statuses == [200], "the pending one completes")
    }

    @Test("a rejected re-INVITE returns its code and fires ReInviteRejected; the call goes on")
    func rejectedReinvite() {
        let (_, a, aLeg, b, bLeg) = Fake.connectedDirect()
        var rejected: Int?
        a.addEventListener(.reInviteRejected) { if case .reInviteRejected(_, let code, _) = $0 { rejected = code } }
        aLeg.deliver(.reinvite(Fake.request("INVITE", body: Fake.sdp())))
        bLeg.deliver(.response(Fake.response(488)))
        #expect(aLeg.statuses == [488])
        #expect(rejected == 488)
        #expect(a.state == .connected && b.state == .connected)
        aLeg.deliver(.reinvite(Fake.request("INVITE", body: Fake.sdp())))
        #expect(bLeg.sent.filter { if case .reinvite = $0 { return true } else { return false } }.count == 2,
                "no offer is left pending after a failure")
    }

    @Test("UPDATE with an offer is relayed with its X-headers; the far side's answer answers it")
    func updateRelayed() {
        let (_, _, aLeg, _, bLeg) = Fake.connectedDirect()
        let answers = Box<[Int]>([])
        let tag = SIPHeader(name: "X-Tag", value: "u1")
        aLeg.deliver(.update(Fake.serverRequest("UPDATE", body: Fake.sdp("sendonly"), headers: [tag], answers: answers)))
        guard case .update(let body?, let headers) = bLeg.sent.last else { Issue.record("\(bLeg.sent)"); return }
        #expect(body.contains("a=sendonly"))
        #expect(headers.contains(tag))
        bLeg.deliver(.updateResponse(Fake.response(200, body: Fake.sdp("recvonly"))))
        #expect(answers.value == [200])
    }

    @Test("an UPDATE without body is a refresh of its own leg: answered 200 there, nothing crosses")
    func refreshStaysOnLeg() {
        let (_, _, aLeg, _, bLeg) = Fake.connectedDirect()
        let answers = Box<[Int]>([])
        aLeg.deliver(.update(Fake.serverRequest("UPDATE", answers: answers)))
        #expect(answers.value == [200])
        #expect(bLeg.sent.isEmpty)
    }

    @Test("INFO crosses with its body and allowed X-headers; the far side's 415 answers the sender")
    func infoRelayed() throws {
        let (_, a, aLeg, _, bLeg) = Fake.connectedDirect()
        a.relayHeaderFilter = try HeaderFilter(HeaderPolicy(allow: ["^X-"], deny: ["^X-Secret"]))
        let answers = Box<[Int]>([])
        let headers = [SIPHeader(name: "X-Keep", value: "1"), SIPHeader(name: "X-Secret", value: "2")]
        aLeg.deliver(.info(Fake.serverRequest("INFO", body: SIPBody(contentType: "application/x-test", text: "hi"),
                                              headers: headers, answers: answers)))
        guard case .info(let body, let sentHeaders) = bLeg.sent.last else { Issue.record("\(bLeg.sent)"); return }
        #expect(body == "hi")
        #expect(sentHeaders == [SIPHeader(name: "X-Keep", value: "1")])
        bLeg.deliver(.infoResponse(Fake.response(415)))
        #expect(answers.value == [415])
    }

    @Test("a MESSAGE relayed to a side that ends before answering is answered 481")
    func messageToEndedSide() {
        let (_, _, aLeg, _, bLeg) = Fake.connectedDirect()
        let answers = Box<[Int]>([])
        aLeg.deliver(.message(Fake.serverRequest("MESSAGE", body: SIPBody(contentType: "text/plain", text: "x"),
                                                 answers: answers)))
        bLeg.deliver(.bye(nil))
        #expect(answers.value == [481])
    }

    @Test("an offer pending when its target ends is answered 481")
    func offerToEndedSide() {
        let (_, _, aLeg, _, bLeg) = Fake.connectedDirect()
        aLeg.deliver(.reinvite(Fake.request("INVITE", body: Fake.sdp())))
        bLeg.deliver(.bye(nil))
        #expect(aLeg.statuses.first == 481)
    }

    @Test("100rel end to end: the callee's reliable 183 goes out reliably and the caller's PRACK goes on to the callee")
    func reliableProvisionalEndToEnd() {
        let (a, aLeg) = Fake.inbound()
        a.remoteSupports100rel = true
        let (b, bLeg) = Fake.outbound()
        CallBridge.direct(inbound: a, outbound: b)
        bLeg.deliver(.response(Fake.response(183, body: Fake.sdp(port: 5000), rseq: 7)))
        guard case .respond(183, _, let headers) = aLeg.sent.last else { Issue.record("\(aLeg.sent)"); return }
        #expect(headers.contains(SIPHeader(name: "Require", value: "100rel")))
        #expect(!bLeg.sent.contains { if case .prack = $0 { return true } else { return false } })
        let answers = Box<[Int]>([])
        aLeg.deliver(.prack(Fake.serverRequest("PRACK", answers: answers)))
        #expect(bLeg.sent.last == .prack(rseq: 7, cseq: 1, body: nil))
        bLeg.deliver(.prackResponse(Fake.response(200)))
        #expect(answers.value == [200])
    }

    @Test("100rel terminated on the callee's leg when the caller does not support it")
    func reliableProvisionalTerminated() {
        let (a, aLeg) = Fake.inbound()
        let (b, bLeg) = Fake.outbound()
        CallBridge.direct(inbound: a, outbound: b)
        bLeg.deliver(.response(Fake.response(180, rseq: 3)))
        #expect(bLeg.sent.last == .prack(rseq: 3, cseq: 1, body: nil))
        guard case .respond(180, _, let headers) = aLeg.sent.last else { Issue.record("\(aLeg.sent)"); return }
        #expect(!headers.contains(SIPHeader(name: "Require", value: "100rel")))
    }

    @Test("transfer re-pointing: a new call replaces a side; offers then go to it and the old call's end ends nothing")
    func replaceSide() {
        let (bridge, a, aLeg, b, bLeg) = Fake.connectedDirect()
        let (c, cLeg) = Fake.outbound(id: "target")
        cLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 6000))))
        bridge.unlink()
        bridge.replace(.b, with: c)
        #expect(b.bridge == nil && c.bridge === bridge)
        try? b.hangup()
        #expect(a.state == .connected, "the transferor's end does not end the transferee")
        aLeg.deliver(.reinvite(Fake.request("INVITE", body: Fake.sdp("sendonly"))))
        #expect(cLeg.sent.contains { if case .reinvite = $0 { return true } else { return false } })
        #expect(!bLeg.sent.contains { if case .reinvite = $0 { return true } else { return false } })
        cLeg.deliver(.bye(nil))
        #expect(a.state == .terminated, "ends are linked again after the replacement")
    }

    @Test("Legato's own offer to a side (direct transfer) is ACKed there and goes nowhere else")
    func localOffer() {
        let (bridge, a, aLeg, _, bLeg) = Fake.connectedDirect()
        #expect(bridge.offerLocally(to: .a, body: Fake.sdp(port: 7000)))
        guard case .reinvite(let body?, _) = aLeg.sent.last else { Issue.record("\(aLeg.sent)"); return }
        #expect(body.contains("m=audio 7000"))
        bLeg.deliver(.reinvite(Fake.request("INVITE", body: Fake.sdp())))
        #expect(bLeg.statuses == [491], "glare with Legato's own offer")
        aLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 4002))))
        #expect(aLeg.sent.last == .ack(body: nil))
        #expect(a.remoteSession?.text.contains("m=audio 4002") == true)
        #expect(!bridge.hasOfferInFlight)
    }

    @Test("delayed offer in direct mode: the caller's answer in its ACK goes on in the callee's ACK")
    func delayedOffer() {
        let (a, aLeg) = Fake.inbound(offer: nil)
        let (b, bLeg) = Fake.outbound(offer: nil)
        CallBridge.direct(inbound: a, outbound: b)
        bLeg.deliver(.response(Fake.response(200, body: Fake.sdp(port: 5000))))
        #expect(!bLeg.sent.contains { if case .ack = $0 { return true } else { return false } }, "the ACK waits")
        aLeg.deliver(.ack(Fake.request("ACK", body: Fake.sdp(port: 4000))))
        guard case .ack(let answer?) = bLeg.sent.last else { Issue.record("\(bLeg.sent)"); return }
        #expect(answer.contains("m=audio 4000"))
    }
}
