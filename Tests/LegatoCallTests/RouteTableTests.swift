import Testing
import LegatoConfig
import LegatoSIP
@testable import LegatoCall

@Suite struct RouteTableTests {
    static let bridge = RouteAction.bridge(.init(trunk: "t", mode: .direct))

    @Test func firstMatchingRouteWins() throws {
        let table = try RouteTable([
            RouteConfig(name: "premium", match: RouteMatch(requestUser: "^900"), action: .reject(code: 403, reason: nil)),
            RouteConfig(name: "all", match: RouteMatch(requestUser: ".*"), action: Self.bridge),
        ])
        #expect(table.match(requestUser: "9001", fromUser: "a", headers: [])?.route.name == "premium")
        #expect(table.match(requestUser: "1001", fromUser: "a", headers: [])?.route.name == "all")
    }

    /// `fallback: next`: the search goes on after the named route, skipping
    /// routes that do not match.
    @Test func matchAfterARouteSkipsItAndWhatDoesNotMatch() throws {
        let table = try RouteTable([
            RouteConfig(name: "first", match: RouteMatch(requestUser: "^1"), action: Self.bridge),
            RouteConfig(name: "other", match: RouteMatch(requestUser: "^2"), action: Self.bridge),
            RouteConfig(name: "backup", match: RouteMatch(requestUser: "^1"), action: Self.bridge),
        ])
        #expect(table.match(requestUser: "100", fromUser: "a", headers: [], after: "first")?.route.name == "backup")
        #expect(table.match(requestUser: "100", fromUser: "a", headers: [], after: "backup") == nil)
        #expect(table.match(requestUser: "100", fromUser: "a", headers: [], after: nil)?.route.name == "first")
    }

    @Test func noMatchGivesNil() throws {
        let table = try RouteTable([RouteConfig(name: "digits", match: RouteMatch(requestUser: "^[0-9]+$"), action: Self.bridge)])
        #expect(table.match(requestUser: "alice", fromUser: "a", headers: []) == nil)
    }

    @Test func allConditionsMustHold() throws {
        let table = try RouteTable([RouteConfig(
            name: "gold", match: RouteMatch(requestUser: "^1", fromUser: "^vip", headers: ["X-Tier": "^gold$"]),
            action: Self.bridge)])
        let gold = [SIPHeader(name: "x-tier", value: "gold")]
        #expect(table.match(requestUser: "100", fromUser: "vip7", headers: gold) != nil)
        #expect(table.match(requestUser: "100", fromUser: "bob", headers: gold) == nil)
        #expect(table.match(requestUser: "100", fromUser: "vip7", headers: []) == nil)
        #expect(table.match(requestUser: "100", fromUser: "vip7",
                            headers: [SIPHeader(name: "X-Tier", value: "silver")]) == nil)
    }

    @Test func capturesFeedTheUserTemplate() throws {
        let table = try RouteTable([RouteConfig(name: "strip", match: RouteMatch(requestUser: "^0(0)?([0-9]+)$"),
                                                action: Self.bridge)])
        let m = try #require(table.match(requestUser: "0044123", fromUser: "", headers: []))
        #expect(RouteTable.expand("+$2", user: "0044123", captures: m.captures) == "+44123")
        #expect(RouteTable.expand("${user}", user: "0044123", captures: m.captures) == "0044123")
        #expect(RouteTable.expand("x$9", user: "u", captures: m.captures) == "x")
    }

    @Test func userTemplateExpandsInOnePass() {
        let captures = ["0044123", "0", "44123"]
        #expect(RouteTable.expand("plain", user: "u", captures: captures) == "plain")
        #expect(RouteTable.expand("${user}-$1-$2", user: "u", captures: captures) == "u-0-44123")
        // A dialed user that itself holds "$1" is inserted as is, not expanded again.
        #expect(RouteTable.expand("${user}", user: "a$1", captures: captures) == "a$1")
        #expect(RouteTable.expand("$0$x$", user: "u", captures: captures) == "$0$x$")
        #expect(RouteTable.expand("$10", user: "u", captures: captures) == "00")
        #expect(RouteTable.expand("${use", user: "u", captures: captures) == "${use")
        #expect(RouteTable.expand("é${user}ü", user: "ß", captures: []) == "éßü")
    }

    @Test func emptyMatchMatchesEverything() throws {
        let table = try RouteTable([RouteConfig(name: "any", match: RouteMatch(), action: Self.bridge)])
        #expect(table.match(requestUser: "", fromUser: "", headers: []) != nil)
    }
}
