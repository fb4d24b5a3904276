import Testing
@testable import LegatoSecurity

@Suite("Admission chain")
struct AdmissionChainTests {
    let outsider = IPAddress("203.0.113.5")!
    let trunkAddress = IPAddress("198.51.100.7")!

    func request(_ source: IPAddress, method: String? = "INVITE", newDialog: Bool = true, ua: String? = nil,
                 listener: Int = 0) -> AdmissionRequest {
        AdmissionRequest(listener: listener, source: source, method: method, isNewDialog: newDialog, userAgent: ua)
    }

    func policy(cps: Int = 0, action: AdmissionPolicy.ScannerAction = .drop) throws -> AdmissionPolicy {
        AdmissionPolicy(
            listeners: [0: .init(allowFrom: [CIDR("203.0.113.0/24")!, CIDR("198.51.100.0/24")!],
                                 denyFrom: [CIDR("203.0.113.66")!])],
            trusted: [CIDR("203.0.113.200")!],
            trunkSources: [(name: "carrier", sources: [CIDR("198.51.100.0/28")!])],
            scanners: try ScannerMatcher(patterns: ScannerMatcher.defaultPatterns), scannerAction: action,
            perSourceCPS: cps, blockSeconds: 10)
    }

    @Test("ACL: deny_from and outside allow_from get dropped, on that listener only")
    func acl() throws {
        var chain = AdmissionChain(policy: try policy())
        #expect(chain.admit(request(IPAddress("203.0.113.66")!), now: 0) == .drop(.acl))
        #expect(chain.admit(request(IPAddress("192.0.2.1")!), now: 0) == .drop(.acl))
        #expect(chain.admit(request(IPAddress("192.0.2.1")!, method: "OPTIONS"), now: 0) == .drop(.acl))
        #expect(chain.admit(request(IPAddress("192.0.2.1")!, listener: 1), now: 0) == .accept(trunk: nil))
        #expect(chain.admit(request(outsider), now: 0) == .accept(trunk: nil))
        #expect(chain.admit(request(outsider, method: nil, newDialog: false), now: 0) == .accept(trunk: nil))
    }

    @Test("Scanner user agents are dropped, or refused 403 when configured; trunks are exempt")
    func scanners() throws {
        var drop = AdmissionChain(policy: try policy())
        #expect(drop.admit(request(outsider, ua: "friendly-scanner"), now: 0) == .drop(.scanner))
        #expect(drop.admit(request(outsider, ua: "SIPVicious 0.3"), now: 0) == .drop(.scanner))
        #expect(drop.admit(request(outsider, method: "OPTIONS", ua: "sipcli/v1.8"), now: 0) == .drop(.scanner))
        #expect(drop.admit(request(outsider, ua: "Linphone/5.2"), now: 0) == .accept(trunk: nil))
        #expect(drop.admit(request(trunkAddress, ua: "friendly-scanner"), now: 0) == .accept(trunk: "carrier"))
        var forbid = AdmissionChain(policy: try policy(action: .forbid))
        #expect(forbid.admit(request(outsider, ua: "VaxSIPUserAgent/3.1"), now: 0) == .reject(status: 403, .scanner))
    }

    @Test("Rate limit: per source, new dialogs only, blocked for block_seconds, trunk and trusted exempt")
    func rateLimit() throws {
        var chain = AdmissionChain(policy: try policy(cps: 3))
        let verdicts = (0..<5).map { chain.admit(request(outsider), now: 0.1 * Double($0)) }
        #expect(verdicts == [.accept(trunk: nil), .accept(trunk: nil), .accept(trunk: nil), .drop(.rateLimit),
                             .drop(.blocked)])
        // Blocked sources get nothing, in-dialog requests included, until block_seconds pass.
        #expect(chain.admit(request(outsider, method: "BYE", newDialog: false), now: 5) == .drop(.blocked))
        #expect(chain.admit(request(outsider), now: 10.2) == .drop(.blocked))
        #expect(chain.admit(request(outsider), now: 10.4) == .accept(trunk: nil))
        // Another source is not affected by the first one's flood.
        #expect(chain.admit(request(IPAddress("203.0.113.9")!), now: 0.5) == .accept(trunk: nil))
        for i in 0..<50 {
            #expect(chain.admit(request(trunkAddress), now: Double(i) * 0.001) == .accept(trunk: "carrier"))
            #expect(chain.admit(request(IPAddress("203.0.113.200")!), now: Double(i) * 0.001) == .accept(trunk: nil))
        }
    }

    @Test("In-dialog requests do not count towards the limit")
    func inDialogNotCounted() throws {
        var chain = AdmissionChain(policy: try policy(cps: 1))
        #expect(chain.admit(request(outsider), now: 0) == .accept(trunk: nil))
        for _ in 0..<10 {
            #expect(chain.admit(request(outsider, method: "ACK", newDialog: false), now: 0.2) == .accept(trunk: nil))
        }
        #expect(chain.admit(request(outsider), now: 1.5) == .accept(trunk: nil))
    }

    @Test("Refusal reasons have stable names")
    func reasonNames() {
        #expect(RefusalReason.allCases.map(\.rawValue) == [
            "acl", "scanner", "rate_limit", "blocked", "auth_required", "auth_failed", "overload", "trunk_max_calls",
            "trunk_max_cps", "destination_denied", "transfer_denied", "malformed"])
    }
}
