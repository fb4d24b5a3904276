import Testing
import LegatoSIP
@testable import Legato

@Suite struct ShardRoleTests {
    let role = ShardRole(index: 0, count: 3, inboxes: [
        0: [.init(descriptor: 7, port: 40001), .init(descriptor: 8, port: 40002), .init(descriptor: 9, port: 40003)],
        2: [.init(descriptor: 10, port: 40011), .init(descriptor: 11, port: 40012), .init(descriptor: 12, port: 40013)],
    ])

    @Test func environmentRoundTrips() throws {
        let environment = role.environment(for: 2)
        #expect(environment["LEGATO_SHARD"] == "2/3")
        let child = try #require(ShardRole.fromEnvironment(environment))
        #expect(child.index == 2)
        #expect(child.count == 3)
        #expect(child.inboxes == role.inboxes)
        #expect(child.ownInbox(listener: 0) == .init(descriptor: 9, port: 40003))
        #expect(child.ownInbox(listener: 2) == .init(descriptor: 12, port: 40013))
        #expect(child.ownInbox(listener: 1) == nil)
    }

    @Test func noVariableIsNoShard() {
        #expect(ShardRole.fromEnvironment(["PATH": "/usr/bin"]) == nil)
    }

    @Test(arguments: [("3/3", ""), ("1/1", ""), ("-1/2", ""), ("a/2", ""), ("1/2", "0=7:40001"),
                      ("1/2", "0=7:40001,8:0"), ("1/2", "0=7-40001,8:40002"), ("1/2", "x=7:1,8:2")])
    func malformedIsRefused(index: String, inboxes: String) {
        #expect(ShardRole.parse(index: index, inboxes: inboxes) == nil)
    }
}
