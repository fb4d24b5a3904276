import Testing
import LegatoSIP
@testable import LegatoCall

@Suite struct CallInputRulesTests {
    @Test func customHeadersMustStartWithX() {
        #expect(throws: CallError.headerNameNotCustom("Subject")) {
            try CallInputRules.validateExtraHeaders([SIPHeader(name: "Subject", value: "hi")])
        }
        #expect(throws: Never.self) {
            try CallInputRules.validateExtraHeaders([SIPHeader(name: "x-lower", value: "ok"),
                                                     SIPHeader(name: "X-Upper", value: "ok")])
        }
    }

    @Test func headerValuesWithCRLFAreRefused() {
        #expect(throws: CallError.headerValueHasLineBreak(name: "X-Evil")) {
            try CallInputRules.validateExtraHeaders([SIPHeader(name: "X-Evil", value: "a\r\nVia: injected")])
        }
        #expect(throws: CallError.headerValueHasLineBreak(name: "X-Evil")) {
            try CallInputRules.validateExtraHeaders([SIPHeader(name: "X-Evil", value: "a\nb")])
        }
    }

    @Test func headerNamesMustBeTokens() {
        #expect(throws: CallError.headerNameInvalid("X-Bad Name")) {
            try CallInputRules.validateExtraHeaders([SIPHeader(name: "X-Bad Name", value: "v")])
        }
        #expect(throws: CallError.headerNameInvalid("X-Colon:")) {
            try CallInputRules.validateExtraHeaders([SIPHeader(name: "X-Colon:", value: "v")])
        }
    }

    @Test func customDataLimitIs200Bytes() {
        #expect(throws: Never.self) { try CallInputRules.validateCustomData(String(repeating: "a", count: 200)) }
        #expect(throws: CallError.customDataTooLong(bytes: 201)) {
            try CallInputRules.validateCustomData(String(repeating: "a", count: 201))
        }
        // Bytes, not characters: 67 three-byte characters are 201 bytes.
        #expect(throws: CallError.customDataTooLong(bytes: 201)) {
            try CallInputRules.validateCustomData(String(repeating: "€", count: 67))
        }
    }

    @Test(arguments: [300, 404, 486, 603, 699])
    func rejectCodesInRangeAreAccepted(code: Int) {
        #expect(throws: Never.self) { try CallInputRules.validateRejectCode(code) }
    }

    @Test(arguments: [0, 100, 180, 200, 299, 700, 1000, -486])
    func rejectCodesOutOfRangeAreRefused(code: Int) {
        #expect(throws: CallError.rejectCodeOutOfRange(code)) { try CallInputRules.validateRejectCode(code) }
    }

    @Test func errorsNameTheRule() {
        #expect(CallError.headerNameNotCustom("Subject").description.contains("X-"))
        #expect(CallError.customDataTooLong(bytes: 300).description.contains("200"))
        #expect(CallError.rejectCodeOutOfRange(200).description.contains("300-699"))
    }

    @Test func bodiesUpTo8192BytesAreAccepted() throws {
        try CallInputRules.validateBody(String(repeating: "a", count: 8192), method: "sendInfo")
        // Bytes, not characters: 4,097 two-byte characters are 8,194 bytes.
        #expect(throws: CallError.bodyTooLong(method: "sendMessage", bytes: 8194)) {
            try CallInputRules.validateBody(String(repeating: "é", count: 4097), method: "sendMessage")
        }
        #expect(throws: CallError.bodyTooLong(method: "sendInfo", bytes: 8193)) {
            try CallInputRules.validateBody(String(repeating: "a", count: 8193), method: "sendInfo")
        }
    }

    @Test(arguments: ["application/dtmf-relay", "text/plain", "application/x-legato+json", "text/plain;charset=utf-8",
                      "application/vnd.3gpp.ussd+xml"])
    func wellFormedMimeTypesAreAccepted(type: String) {
        #expect(throws: Never.self) { try CallInputRules.validateMimeType(type) }
    }

    @Test(arguments: ["", "text", "text/", "/plain", "text/plain/extra", "te xt/plain", "text/pl@in",
                      "text/plain\r\nX-Injected: 1", "text/plain;\nq=1"])
    func malformedMimeTypesAreRefused(type: String) {
        #expect(throws: CallError.invalidMimeType(type)) { try CallInputRules.validateMimeType(type) }
    }
}
