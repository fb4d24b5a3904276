import Testing
import LegatoConfig
import LegatoSIP
@testable import LegatoCall

@Suite struct HeaderFilterTests {
    @Test func defaultPolicyCopiesEveryXHeaderAndNothingElse() throws {
        let filter = try HeaderFilter(HeaderPolicy())
        let headers = [SIPHeader(name: "X-Account", value: "1"), SIPHeader(name: "x-lower", value: "2"),
                       SIPHeader(name: "Subject", value: "s"), SIPHeader(name: "User-Agent", value: "u")]
        #expect(filter.filter(headers).map(\.name) == ["X-Account", "x-lower"])
    }

    @Test func denyWinsOverAllow() throws {
        let filter = try HeaderFilter(HeaderPolicy(allow: ["^X-"], deny: ["^X-Secret"]))
        #expect(filter.permits("X-Public"))
        #expect(!filter.permits("X-Secret-Token"))
        #expect(!filter.permits("x-secret"))
    }

    @Test func allowListRestricts() throws {
        let filter = try HeaderFilter(HeaderPolicy(allow: ["^X-Billing-"], deny: []))
        #expect(filter.permits("X-Billing-Id"))
        #expect(!filter.permits("X-Other"))
    }

    @Test func nonXHeadersNeverCrossWhateverThePatterns() throws {
        let filter = try HeaderFilter(HeaderPolicy(allow: [".*"], deny: []))
        #expect(!filter.permits("P-Asserted-Identity"))
    }

    @Test func badPatternThrows() {
        #expect(throws: (any Error).self) { try HeaderFilter(HeaderPolicy(allow: ["(unclosed"], deny: [])) }
    }
}
