import Testing
@testable import LegatoSIP

@Suite struct SIPHeaderTests {
    @Test func parsesHeaderBlock() {
        let headers = SIPHeader.parseBlock("X-A: 1\r\nX-B:two words \r\nbroken line\r\nX-Empty:")
        #expect(headers == [SIPHeader(name: "X-A", value: "1"), SIPHeader(name: "X-B", value: "two words"),
                            SIPHeader(name: "X-Empty", value: "")])
    }

    @Test func wireBlockJoinsWithCRLF() {
        let headers = [SIPHeader(name: "X-A", value: "1"), SIPHeader(name: "X-B", value: "2")]
        #expect(headers.wireBlock == "X-A: 1\r\nX-B: 2")
    }

    @Test func lookupIsCaseInsensitive() {
        let headers = [SIPHeader(name: "X-Route", value: "gold")]
        #expect(headers.first(named: "x-route") == "gold")
        #expect(headers.first(named: "X-Other") == nil)
    }

    @Test func customHeadersAreXPrefixed() {
        #expect(SIPHeader(name: "x-foo", value: "").isCustom)
        #expect(!SIPHeader(name: "Subject", value: "").isCustom)
    }

    @Test func bodyKnowsSDP() {
        #expect(SIPBody(contentType: "application/SDP", text: "v=0").isSDP)
        #expect(!SIPBody(contentType: "text/plain", text: "hi").isSDP)
        #expect(SIPBody(contentType: "application/sdp", text: "v=0\r\n").text == "v=0\r\n")
    }

    @Test func standardReasons() {
        #expect(SIPStatus.defaultReason(486) == "Busy Here")
        #expect(SIPStatus.defaultReason(483) == "Too Many Hops")
        #expect(SIPStatus.defaultReason(499) == "Client Error")
    }
}
