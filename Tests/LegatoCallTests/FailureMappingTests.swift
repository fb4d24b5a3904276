import Testing
@testable import LegatoCall

@Suite struct FailureMappingTests {
    @Test(arguments: [404, 408, 480, 486, 487, 488, 500, 503, 600, 603, 604])
    func finalFailuresPassThrough(code: Int) {
        #expect(FailureMapping.inbound(forOutbound: code, reason: "R").code == code)
        #expect(FailureMapping.inbound(forOutbound: code, reason: "R").reason == "R")
    }

    @Test func authenticationChallengesBecome503() {
        #expect(FailureMapping.inbound(forOutbound: 401, reason: "Unauthorized").code == 503)
        #expect(FailureMapping.inbound(forOutbound: 407, reason: "Proxy Authentication Required").code == 503)
    }

    @Test func redirectsBecome480() {
        #expect(FailureMapping.inbound(forOutbound: 302, reason: "Moved").code == 480)
    }

    @Test func localErrorsBecome500() {
        #expect(FailureMapping.inbound(forOutbound: 900, reason: "Internal").code == 500)
    }

    @Test func emptyReasonGetsTheStandardPhrase() {
        #expect(FailureMapping.inbound(forOutbound: 486, reason: "").reason == "Busy Here")
    }
}
