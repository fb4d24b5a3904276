import Testing
import LegatoSIP
@testable import LegatoCall

@Suite struct HoldDetectionTests {
    func offer(_ direction: String?, address: String = "192.0.2.10") -> SIPBody {
        var text = "v=0\r\no=- 1 2 IN IP4 \(address)\r\ns=-\r\nc=IN IP4 \(address)\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
        if let direction { text += "a=\(direction)\r\n" }
        return SIPBody(contentType: "application/sdp", text: text)
    }

    @Test @SIPActor func sendonlyAndInactiveHold() {
        #expect(Call.holds(offer("sendonly")))
        #expect(Call.holds(offer("inactive")))
    }

    @Test @SIPActor func sendrecvRecvonlyAndNoAttributeDoNot() {
        #expect(!Call.holds(offer("sendrecv")))
        #expect(!Call.holds(offer("recvonly")))
        #expect(!Call.holds(offer(nil)))
    }

    @Test @SIPActor func rfc2543ZeroAddressHolds() {
        #expect(Call.holds(offer(nil, address: "0.0.0.0")))
    }

    @Test @SIPActor func notSDPIsNoHold() {
        #expect(!Call.holds(SIPBody(contentType: "application/sdp", text: "garbage")))
    }
}
