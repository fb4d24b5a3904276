import Testing
@testable import LegatoCall

@Suite struct URIPartsTests {
    @Test func readsUserHostAndTransport() {
        let uri = "sip:1000@127.0.0.1:5080;transport=TCP"
        #expect(URIParts.user(of: uri) == "1000")
        #expect(URIParts.hostPort(of: uri) == "127.0.0.1:5080")
        #expect(URIParts.host(of: uri) == "127.0.0.1")
        #expect(URIParts.transport(of: uri) == "tcp")
    }

    @Test func handlesIPv6AndNoUser() {
        let uri = "sip:[::1]:5080"
        #expect(URIParts.user(of: uri) == nil)
        #expect(URIParts.host(of: uri) == "[::1]")
        #expect(URIParts.hostPort(of: uri) == "[::1]:5080")
    }

    @Test func userWithPasswordKeepsOnlyUser() {
        #expect(URIParts.user(of: "sip:alice:secret@example.invalid") == "alice")
    }

    @Test func replacesOrRemovesUser() {
        #expect(URIParts.replacingUser(in: "sip:127.0.0.1:5080", with: "42") == "sip:42@127.0.0.1:5080")
        #expect(URIParts.replacingUser(in: "sip:old@127.0.0.1", with: "new") == "sip:new@127.0.0.1")
        #expect(URIParts.replacingUser(in: "sip:old@127.0.0.1", with: "") == "sip:127.0.0.1")
        #expect(URIParts.replacingUser(in: "sips:h.invalid", with: "1") == "sips:1@h.invalid")
    }

    @Test func addsTransportOnlyWhenNeeded() {
        #expect(URIParts.withTransport("sip:1@h.invalid", "udp") == "sip:1@h.invalid")
        #expect(URIParts.withTransport("sip:1@h.invalid", "tcp") == "sip:1@h.invalid;transport=tcp")
        #expect(URIParts.withTransport("sip:1@h.invalid;transport=udp", "tcp") == "sip:1@h.invalid;transport=udp")
    }
}
