import Testing
@testable import LegatoCall
import LegatoSIP

@Suite("SessionTimer (RFC 4028 per leg)")
struct SessionTimerTests {
    let policy = SessionTimer.Policy(interval: 1800, minSE: 90)

    func header(_ actions: [SessionTimer.Action]) -> [SIPHeader]? {
        for case .refresh(_, let headers) in actions { return headers }
        return nil
    }

    @Test("an outbound INVITE offers the interval and Min-SE, without Supported: timer")
    func offer() {
        let headers = SessionTimer.offerHeaders(policy)
        #expect(headers == [SIPHeader(name: "Session-Expires", value: "1800"), SIPHeader(name: "Min-SE", value: "90")])
        #expect(SessionTimer.offerHeaders(.off).isEmpty)
    }

    @Test("a 2xx without Session-Expires means no timer (RFC 4028 §7.2): nothing is armed")
    func noTimerWithoutSessionExpires() {
        var timer = SessionTimer(policy: policy)
        #expect(timer.handle(.confirmed(response: .init(allowsUpdate: false))).isEmpty)
        #expect(timer.interval == nil)
        #expect(timer.handle(.timerFired(canReinvite: true)).isEmpty)
    }

    @Test("an inbound INVITE with neither Session-Expires nor Supported: timer gets no timer")
    func noTimerInbound() {
        var timer = SessionTimer(policy: policy)
        #expect(timer.handle(.answered(request: .init())).isEmpty)
        #expect(timer.responseHeaders.isEmpty)
    }

    @Test("a caller supporting timers refreshes itself: 200 says refresher=uac with Require: timer, expiry armed")
    func callerRefreshes() {
        var timer = SessionTimer(policy: policy)
        let actions = timer.handle(.answered(request: .init(expires: 90, supportsTimer: true)))
        #expect(actions == [.arm(seconds: 60)])
        #expect(timer.responseHeaders == [SIPHeader(name: "Session-Expires", value: "90;refresher=uac"),
                                          SIPHeader(name: "Require", value: "timer")])
        #expect(timer.handle(.timerFired(canReinvite: true)) == [.disarm, .end(.sessionExpired)])
    }

    @Test("Session-Expires without Supported: timer (inserted by a proxy) makes Legato the refresher")
    func legatoRefreshesForCallerWithoutSupport() {
        var timer = SessionTimer(policy: policy)
        #expect(timer.handle(.answered(request: .init(expires: 600))) == [.arm(seconds: 300)])
        #expect(timer.refresher == .legato)
        #expect(timer.responseHeaders == [SIPHeader(name: "Session-Expires", value: "600;refresher=uas")])
    }

    @Test("Legato never accepts more than its own interval nor less than the request's Min-SE")
    func intervalBounds() {
        var timer = SessionTimer(policy: SessionTimer.Policy(interval: 300, minSE: 90))
        _ = timer.handle(.answered(request: .init(expires: 7200, supportsTimer: true)))
        #expect(timer.interval == 300)
        var other = SessionTimer(policy: SessionTimer.Policy(interval: 300, minSE: 90))
        _ = other.handle(.answered(request: .init(expires: 120, minSE: 200, supportsTimer: true)))
        #expect(other.interval == 200)
        #expect(SessionTimer.isTooSmall(.init(expires: 60), policy))
        #expect(!SessionTimer.isTooSmall(.init(expires: 90), policy))
        #expect(!SessionTimer.isTooSmall(.init(expires: 60), .off))
    }

    @Test("refresher=uac in the callee's 2xx: Legato refreshes at half the interval, by UPDATE when allowed")
    func refreshByUpdate() {
        var timer = SessionTimer(policy: policy)
        #expect(timer.handle(.confirmed(response: .init(expires: 90, refresher: "uac", allowsUpdate: true)))
                == [.arm(seconds: 45)])
        let actions = timer.handle(.timerFired(canReinvite: true))
        #expect(actions == [.refresh(.update, headers: [SIPHeader(name: "Session-Expires", value: "90;refresher=uac"),
                                                        SIPHeader(name: "Supported", value: "timer")])])
        #expect(timer.handle(.timerFired(canReinvite: true)).isEmpty, "one refresh in flight at a time")
        #expect(timer.handle(.localRequestAnswered(status: 200, response: .init())) == [.arm(seconds: 45)])
    }

    @Test("a peer without UPDATE in Allow is refreshed by re-INVITE, deferred while an offer is pending")
    func refreshByReinvite() {
        var timer = SessionTimer(policy: policy)
        _ = timer.handle(.confirmed(response: .init(expires: 90, refresher: "uac", allowsUpdate: false)))
        #expect(timer.handle(.timerFired(canReinvite: false)) == [.arm(seconds: 2)])
        #expect(timer.handle(.timerFired(canReinvite: true))
                == [.refresh(.reinvite, headers: [SIPHeader(name: "Session-Expires", value: "90;refresher=uac")])])
        #expect(timer.refreshInFlight == .reinvite)
    }

    @Test("501 or 405 to a refresh UPDATE keep the call and switch to re-INVITE", arguments: [501, 405])
    func rejectedUpdate(status: Int) {
        var timer = SessionTimer(policy: policy)
        _ = timer.handle(.confirmed(response: .init(expires: 90, refresher: "uac", allowsUpdate: true)))
        _ = timer.handle(.timerFired(canReinvite: true))
        let actions = timer.handle(.localRequestAnswered(status: status, response: .init()))
        #expect(actions == [.arm(seconds: 1)])
        #expect(!actions.contains(.end(.refreshFailed)))
        guard case .refresh(.reinvite, _)? = timer.handle(.timerFired(canReinvite: true)).first else {
            Issue.record("the next refresh is a re-INVITE")
            return
        }
    }

    @Test("408 or 481 to a refresh end the call (RFC 4028 §10)", arguments: [408, 481])
    func fatalRefreshFailure(status: Int) {
        var timer = SessionTimer(policy: policy)
        _ = timer.handle(.confirmed(response: .init(expires: 90, refresher: "uac", allowsUpdate: true)))
        _ = timer.handle(.timerFired(canReinvite: true))
        #expect(timer.handle(.localRequestAnswered(status: status, response: .init())) == [.disarm, .end(.refreshFailed)])
    }

    @Test("other rejections leave the session up and retry later", arguments: [403, 488, 500, 503])
    func otherRejections(status: Int) {
        var timer = SessionTimer(policy: policy)
        _ = timer.handle(.confirmed(response: .init(expires: 100, refresher: "uac", allowsUpdate: false)))
        _ = timer.handle(.timerFired(canReinvite: true))
        #expect(timer.handle(.localRequestAnswered(status: status, response: .init())) == [.arm(seconds: 25)])
        #expect(timer.interval == 100)
    }

    @Test("491 to a refresh retries after 2 s; 422 retries with the peer's Min-SE")
    func glareAndTooSmall() {
        var timer = SessionTimer(policy: policy)
        _ = timer.handle(.confirmed(response: .init(expires: 90, refresher: "uac", allowsUpdate: true)))
        _ = timer.handle(.timerFired(canReinvite: true))
        #expect(timer.handle(.localRequestAnswered(status: 491, response: .init())) == [.arm(seconds: 2)])
        _ = timer.handle(.timerFired(canReinvite: true))
        #expect(timer.handle(.localRequestAnswered(status: 422, response: .init(minSE: 300))) == [.arm(seconds: 0.5)])
        #expect(timer.interval == 300)
    }

    @Test("the remote side's refresh re-arms the expiry and may change interval and refresher")
    func remoteRefresh() {
        var timer = SessionTimer(policy: policy)
        _ = timer.handle(.answered(request: .init(expires: 90, supportsTimer: true)))
        #expect(timer.handle(.remoteRefreshed(request: .init(expires: 120, refresher: "uac"))) == [.arm(seconds: 88)])
        #expect(timer.interval == 120)
        #expect(timer.handle(.remoteRefreshed(request: .init(expires: 120, refresher: "uas"))) == [.arm(seconds: 60)])
        #expect(timer.refresher == .legato)
        #expect(timer.handle(.remoteRefreshed(request: .init())) == [.arm(seconds: 60)], "no Session-Expires keeps the timer")
    }

    @Test("a relayed offer answered 2xx counts as a refresh of the leg; its failure is not a refresh failure")
    func relayedOffer() {
        var timer = SessionTimer(policy: policy)
        _ = timer.handle(.confirmed(response: .init(expires: 90, refresher: "uas")))
        #expect(timer.requestHeaders == [SIPHeader(name: "Session-Expires", value: "90;refresher=uas")])
        #expect(timer.handle(.localRequestAnswered(status: 200, response: .init())) == [.arm(seconds: 60)])
        #expect(timer.handle(.localRequestAnswered(status: 500, response: .init())).isEmpty)
    }

    @Test("policy off: no headers and no timer, whatever the remote side says")
    func policyOff() {
        var timer = SessionTimer(policy: .off)
        #expect(timer.handle(.answered(request: .init(expires: 90, supportsTimer: true))).isEmpty)
        #expect(timer.handle(.confirmed(response: .init(expires: 90, refresher: "uac"))).isEmpty)
        #expect(timer.responseHeaders.isEmpty)
    }
}
