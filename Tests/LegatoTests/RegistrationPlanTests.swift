import Testing
@testable import Legato

@Suite struct RegistrationPlanTests {
    func plan(_ trunk: String, user: String = "u", password: String = "p", uri: String = "sip:192.0.2.1:5060",
              expires: Int = 3600) -> RegistrationPlan {
        RegistrationPlan(trunk: trunk, uri: uri, username: user, password: password, realm: nil, expires: expires)
    }

    @Test("Unchanged plans do nothing")
    func unchanged() {
        let running = ["a": plan("a"), "b": plan("b")]
        let changes = RegistrationPlan.changes(running: running, wanted: running)
        #expect(changes.stop.isEmpty)
        #expect(changes.start.isEmpty)
    }

    @Test("Removed trunks stop, added ones start, changed ones stop and start again")
    func changes() {
        let running = ["gone": plan("gone"), "same": plan("same"), "password": plan("password"),
                       "registrar": plan("registrar"), "expiry": plan("expiry")]
        let wanted = ["same": plan("same"), "password": plan("password", password: "new"),
                      "registrar": plan("registrar", uri: "sip:192.0.2.9:5060"), "expiry": plan("expiry", expires: 60),
                      "added": plan("added")]
        let changes = RegistrationPlan.changes(running: running, wanted: wanted)
        #expect(changes.stop == ["expiry", "gone", "password", "registrar"])
        #expect(changes.start.map(\.trunk) == ["added", "expiry", "password", "registrar"])
    }
}
