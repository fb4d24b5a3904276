import Testing
@testable import LegatoCall

@Suite struct CallStateMachineTests {
    typealias M = CallStateMachine

    @Test func inboundRingThenAnswerConnects() {
        var m = M(incoming: true)
        #expect(m.state == .alerting)
        #expect(m.handle(.ring) == [.respond(180)])
        #expect(m.handle(.answer) == [.respond(200), .fireConnected, .fireStateChanged(old: .alerting, new: .connected)])
        #expect(m.state == .connected)
    }

    @Test func inboundRejectFiresDisconnectedAtOnce() {
        var m = M(incoming: true)
        #expect(m.handle(.reject(code: 486)) == [
            .respond(486), .fireDisconnected(code: 486, reason: "Rejected", direction: .local),
            .fireStateChanged(old: .alerting, new: .terminated)])
        #expect(!m.allows(.answer))
    }

    @Test func inboundCancelEndsWithoutSendingAnything() {
        var m = M(incoming: true)
        let actions = m.handle(.remoteCancel)
        #expect(actions.first == .fireDisconnected(code: 487, reason: "Request Terminated", direction: .remote))
        #expect(!actions.contains { if case .respond = $0 { return true } else { return false } })
        #expect(m.state == .terminated)
    }

    @Test func inboundHangupBeforeAnswerSends480() {
        var m = M(incoming: true)
        #expect(m.handle(.hangup).first == .respond(480))
    }

    @Test func outboundSuccessAcksAndConnects() {
        var m = M(incoming: false)
        #expect(m.state == .progressing)
        #expect(m.handle(.provisional(status: 180)) == [.fireRinging(status: 180)])
        #expect(m.handle(.success) == [.stopNoAnswerTimer, .sendAck, .fireConnected,
                                       .fireStateChanged(old: .progressing, new: .connected)])
    }

    @Test func outboundFailureFiresFailed() {
        var m = M(incoming: false)
        #expect(m.handle(.failure(status: 486, reason: "Busy Here")) == [
            .stopNoAnswerTimer, .fireFailed(code: 486, reason: "Busy Here"),
            .fireStateChanged(old: .progressing, new: .terminated)])
    }

    @Test func cancelThen200RaceByesTheLateDialog() {
        var m = M(incoming: false)
        #expect(m.handle(.hangup).contains(.sendCancel))
        #expect(m.state == .terminated)
        // The late 2xx opened a dialog: ACK it and BYE it; the call must not connect.
        #expect(m.handle(.success) == [.sendAck, .sendBye])
        #expect(m.state == .terminated)
        #expect(m.handle(.dialogEnded(status: 200, reason: "")) == [])
        #expect(m.dialogGone)
    }

    @Test func cancelThen487IsQuiet() {
        var m = M(incoming: false)
        _ = m.handle(.hangup)
        #expect(m.handle(.failure(status: 487, reason: "Request Terminated")) == [])
    }

    @Test func noAnswerTimeoutCancelsAndFails480() {
        var m = M(incoming: false)
        #expect(m.handle(.noAnswerTimeout) == [.sendCancel, .fireFailed(code: 480, reason: "No Answer"),
                                               .fireStateChanged(old: .progressing, new: .terminated)])
        // The answer after the timeout must not connect the call.
        #expect(m.handle(.success) == [.sendAck, .sendBye])
        #expect(m.state == .terminated)
    }

    @Test func byeByeRaceEndsOnce() {
        var m = M(incoming: true)
        _ = m.handle(.answer)
        let local = m.handle(.hangup)
        #expect(local.contains(.sendBye))
        // The remote BYE crossing ours fires nothing more.
        #expect(m.handle(.remoteBye) == [])
        #expect(m.handle(.dialogEnded(status: 200, reason: "")) == [])
    }

    @Test func remoteByeDisconnects() {
        var m = M(incoming: false)
        _ = m.handle(.success)
        #expect(m.handle(.remoteBye) == [.fireDisconnected(code: 200, reason: "BYE", direction: .remote),
                                         .fireStateChanged(old: .connected, new: .terminated)])
    }

    @Test func apiMethodsRefusedInWrongState() {
        let outbound = M(incoming: false)
        #expect(!outbound.allows(.ring))
        #expect(!outbound.allows(.answer))
        #expect(outbound.allows(.hangup))
        var inbound = M(incoming: true)
        _ = inbound.handle(.answer)
        #expect(!inbound.allows(.reject(code: 486)))
        #expect(inbound.allows(.hangup))
    }

    @Test func dialogLossWhileRingingFailsOutbound() {
        var m = M(incoming: false)
        #expect(m.handle(.dialogEnded(status: 408, reason: "Request Timeout")).contains(
            .fireFailed(code: 408, reason: "Request Timeout")))
    }
}
