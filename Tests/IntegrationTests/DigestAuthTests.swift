import Foundation
import Testing

extension Integration {
    /// Inbound digest authentication for sources that are not trunks (issue #10).
    @Suite("Digest authentication")
    struct DigestAuth {
        func conf(_ test: TestContext) -> LegatoConf {
            var conf = test.conf()
            conf.extraSections = ["users:", "  alice:", "    password: wonderland"]
            return conf
        }

        @Test("A caller that answers the 401 challenge with the right password is bridged")
        func digestCallSucceeds() async throws {
            let test = try TestContext()
            var uac = test.uac("uac-digest.xml")
            uac.extraArguments = ["-au", "alice", "-ap", "wonderland"]
            let (result, log) = try await withLegato(conf(test), artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: uac, uas: test.uas("uas-answer.xml"))
                try await legato.expectNoCallsLeft()
                return (result, legato.log)
            }
            // The scenario itself requires the 401 before the 200.
            expectSuccess(result.uac)
            expectSuccess(result.uas)
            #expect(!log.contains("reason=auth_failed"), "\(log)")
            #expect(log.components(separatedBy: "call.inbound").count == 2, "one call: the authenticated INVITE")
        }

        @Test("No enumeration oracle: the same challenge for any user, the same 403 for a wrong password and an unknown user")
        func noEnumerationOracle() async throws {
            let test = try TestContext()
            let callee = try UDPSocket(port: test.ports.uas)
            let (challenges, forbidden, calleeGot, log) = try await withLegato(conf(test), artifacts: test.artifacts) { legato in
                let socket = try UDPSocket(address: "127.0.0.3")
                func exchange(user: String, authorization: String?) throws -> String {
                    var request = Security.request("INVITE", from: socket, address: "127.0.0.3", to: test.ports.legato,
                                                   user: "1000")
                    request = request.replacingOccurrences(of: "From: <sip:probe@", with: "From: <sip:\(user)@")
                    if let authorization {
                        request = request.replacingOccurrences(of: "Max-Forwards: 70\r\n",
                                                               with: "Max-Forwards: 70\r\nAuthorization: \(authorization)\r\n")
                    }
                    try socket.send(request, toPort: test.ports.legato)
                    var final = ""
                    let deadline = ContinuousClock.now + .seconds(5)
                    while final.isEmpty, ContinuousClock.now < deadline,
                          let datagram = socket.receive(timeout: .seconds(5)) {
                        if !datagram.text.hasPrefix("SIP/2.0 100") { final = datagram.text }
                    }
                    return final
                }
                let known = try exchange(user: "alice", authorization: nil)
                let unknown = try exchange(user: "mallory", authorization: nil)
                let nonce = known.firstMatch(of: /nonce="([^"]+)"/).map { String($0.1) } ?? ""
                func credentials(_ user: String) -> String {
                    "Digest username=\"\(user)\", realm=\"legato\", nonce=\"\(nonce)\", uri=\"sip:1000@127.0.0.1:\(test.ports.legato)\", "
                        + "response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5, cnonce=\"c\", qop=auth, nc=00000001"
                }
                let wrongPassword = try exchange(user: "alice", authorization: credentials("alice"))
                let unknownUser = try exchange(user: "mallory", authorization: credentials("mallory"))
                return ([known, unknown], [wrongPassword, unknownUser], callee.receiveAll(for: .milliseconds(200)),
                        legato.log)
            }
            /// Status line and header names and values, without what differs per request.
            func shape(_ response: String) -> [String] {
                response.components(separatedBy: "\r\n").filter { !$0.isEmpty }
                    .filter { line in !["Via:", "From:", "To:", "Call-ID:", "CSeq:", "Content-Length:"].contains { line.hasPrefix($0) } }
                    .map { $0.replacing(/nonce="[^"]*"/, with: "nonce=N") }
            }
            #expect(challenges[0].hasPrefix("SIP/2.0 401"), "\(challenges[0])")
            #expect(challenges[0].components(separatedBy: "WWW-Authenticate:").count == 3,
                    "an MD5 and a SHA-256 challenge: \(challenges[0])")
            #expect(shape(challenges[0]) == shape(challenges[1]))
            #expect(forbidden[0].hasPrefix("SIP/2.0 403"), "\(forbidden[0])")
            #expect(shape(forbidden[0]) == shape(forbidden[1]))
            #expect(calleeGot.isEmpty, "no B leg without authentication")
            #expect(log.contains("security.refused src=127.0.0.3 reason=auth_failed"), "\(log)")
            #expect(!log.contains("call.inbound"), "an unauthenticated INVITE is not a call")
        }
    }
}
