import Testing
import LegatoSecurity

extension Integration {
    /// Outbound digest auth: `trunks.NAME.username` / `password` (issue #10):
    /// a trunk's 401/407 is answered once per request; a second challenge fails
    /// the call; `register: true` keeps a registration alive.
    @Suite("Outbound digest")
    struct OutboundDigest {
        static let username = "trunkuser"
        static let password = "s3cret-pass"

        func conf(_ test: TestContext, extra: [String] = []) -> LegatoConf {
            var conf = test.conf()
            conf.trunkExtra = ["local": ["    username: \(Self.username)", "    password: \"\(Self.password)\""] + extra]
            return conf
        }

        /// Checks the Digest `header` against the password: RFC 2617 MD5 with
        /// qop=auth, computed here from the header's own nonce, cnonce and nc.
        static func expectValidDigest(_ header: String?, method: String, realm: String) {
            guard let header, let credentials = DigestCredentials(header: header) else {
                Issue.record("no usable credentials: \(header ?? "none")")
                return
            }
            #expect(credentials.username == username)
            #expect(credentials.realm == realm)
            let md5 = DigestAlgorithm.md5
            let ha1 = md5.hash("\(username):\(realm):\(password)")
            let ha2 = md5.hash("\(method):\(credentials.uri)")
            let expected: String
            if let qop = credentials.qop, let cnonce = credentials.cnonce, let nc = credentials.nonceCount {
                let ncText = String(nc, radix: 16)
                let padded = String(repeating: "0", count: max(0, 8 - ncText.count)) + ncText
                expected = md5.hash("\(ha1):\(credentials.nonce):\(padded):\(cnonce):\(qop):\(ha2)")
            } else {
                expected = md5.hash("\(ha1):\(credentials.nonce):\(ha2)")
            }
            #expect(credentials.response == expected, "digest response does not match the password: \(header)")
        }

        @Test("A trunk's 407 is answered once with a correct digest for the password, and the call connects")
        func challengeAnsweredOnce() async throws {
            let test = try TestContext()
            let result = try await withLegato(conf(test), artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: test.uac("uac-basic.xml"), uas: test.uas("uas-challenge-once.xml"))
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(result.uac)
            expectSuccess(result.uas)
            let invites = result.uas?.trace.requests("INVITE", .received) ?? []
            #expect(invites.count == 2)
            #expect(invites.first?.header("Proxy-Authorization") == nil)
            Self.expectValidDigest(invites.last?.header("Proxy-Authorization"), method: "INVITE", realm: "carrier")
            // Later requests in the dialog carry the credentials too (no new challenge needed).
            let bye = result.uas?.trace.requests("BYE", .received).first
            Self.expectValidDigest(bye?.header("Proxy-Authorization"), method: "BYE", realm: "carrier")
        }

        @Test("A blind-transfer target routed to a trunk with credentials: its 407 is answered once and the transfer completes")
        func transferLegAnswersTheChallenge() async throws {
            let test = try TestContext()
            var s = Integration.BlindTransfer.setup(test, targetScenario: "uas-challenge-once.xml", final: "200 OK")
            s.conf.trunkExtra = ["transfer-target": ["    username: \(Self.username)", "    password: \"\(Self.password)\""]]
            s.transferor.substitutions["<!--PROGRESS"] = ""
            s.transferor.substitutions["PROGRESS-->"] = ""
            let (transferor, invites) = try await Integration.BlindTransfer.runToTarget(s, test)
            expectSuccess(transferor)
            #expect(invites.count == 2)
            #expect(invites.first?.header("Proxy-Authorization") == nil)
            Self.expectValidDigest(invites.last?.header("Proxy-Authorization"), method: "INVITE", realm: "carrier")
        }

        @Test("A second challenge fails the call (the caller gets the mapped 503) and nothing more is sent")
        func secondChallengeFailsTheCall() async throws {
            let test = try TestContext()
            let result = try await withLegato(conf(test), artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: test.refusedCaller(service: "1000", expecting: 503),
                                                 uas: test.uas("uas-challenge-twice.xml"))
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(result.uac)
            expectSuccess(result.uas)
            let invites = result.uas?.trace.requests("INVITE", .received) ?? []
            #expect(invites.count == 2, "one retry with credentials, no more")
            Self.expectValidDigest(invites.last?.header("Proxy-Authorization"), method: "INVITE", realm: "carrier")
        }

        @Test("register: true — REGISTER answered 401 is sent again with credentials, then refreshed before expiry")
        func registrationWithChallengeAndRefresh() async throws {
            let test = try TestContext()
            var registrar = test.uas("uas-registrar.xml")
            registrar.timeLimit = .seconds(30)
            let registrarProcess = try await SippProcess.start(registrar, artifacts: test.artifacts)
            let result = try await withLegato(conf(test, extra: ["    register: true", "    register_expires: 10"]),
                                              artifacts: test.artifacts) { legato in
                try await registrarProcess.finish(within: .seconds(30))
            }
            expectSuccess(result)
            let registers = result.trace.requests("REGISTER", .received)
            #expect(registers.count == 3, "REGISTER, again with credentials, then a refresh")
            #expect(registers.first?.header("Authorization") == nil)
            #expect(registers.first?.header("Expires") == "10")
            for register in registers.dropFirst() {
                Self.expectValidDigest(register.header("Authorization"), method: "REGISTER", realm: "carrier")
            }
        }
    }
}
