import Foundation
import Testing

extension Integration {
    /// Listeners beyond UDP/TCP on IPv4: IPv6 and TLS.
    @Suite("IPv6 and TLS listeners")
    struct Listeners {
        @Test("a call over IPv6: caller on [::1] to Legato on [::1] to a callee on [::1]")
        func callOverIPv6() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.address = "::1"
            conf.trunks[0].uri = "sip:[::1]:\(test.ports.uas)"
            var uac = test.uac("uac-basic.xml")
            uac.localIP = "::1"
            var uas = test.uas("uas-answer.xml")
            uas.localIP = "::1"
            let (caller, callee) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await test.call(uac: uac, uas: uas)
                try await legato.expectNoCallsLeft()
                return result
            }
            expectSuccess(caller)
            expectSuccess(callee)
            let invite = try #require(callee?.trace.requests("INVITE", .received).first)
            // Legato's own IPv6 address in the callee's view, never the caller's port.
            #expect(invite.header("Via")?.contains("[::1]") == true, "\(invite.raw)")
            #expect(invite.header("Contact")?.contains("\(test.ports.uac)") == false, "\(invite.raw)")
        }

        @Test("OPTIONS over TLS gets 200 when a certificate and key are configured")
        func optionsOverTLS() async throws {
            let test = try TestContext()
            let dir = test.artifacts.directory.path
            let openssl = try ChildProcess("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-keyout", "\(dir)/key.pem", "-out", "\(dir)/cert.pem"],
                timeLimit: .seconds(30), stdout: "\(dir)/openssl.out", stderr: "\(dir)/openssl.err")
            #expect(await openssl.waitForExit(timeout: .seconds(30)) == 0)
            var conf = test.conf()
            let tlsPort = test.ports.spare
            conf.extraListeners = [
                "  - address: 127.0.0.1",
                "    transports: [tls]",
                "    tls_port: \(tlsPort)",
                "    tls_certificate: \(dir)/cert.pem",
                "    tls_key: \(dir)/key.pem",
            ]
            let answer = try await withLegato(conf, artifacts: test.artifacts) { _ in
                let request = """
                OPTIONS sip:127.0.0.1:\(tlsPort);transport=tls SIP/2.0\r
                Via: SIP/2.0/TLS 127.0.0.1:\(test.ports.uac);branch=z9hG4bK-tls-\(test.ports.base)\r
                Max-Forwards: 70\r
                From: <sip:probe@127.0.0.1>;tag=tls1\r
                To: <sip:127.0.0.1>\r
                Call-ID: tls-options-\(test.ports.base)@127.0.0.1\r
                CSeq: 1 OPTIONS\r
                Content-Length: 0\r
                \r

                """
                try request.write(toFile: "\(dir)/options.txt", atomically: true, encoding: .utf8)
                // s_client sends the request, then stays (sleep keeps stdin open) long enough to read the answer.
                let client = try ChildProcess("/bin/sh", ["-c",
                    "(cat '\(dir)/options.txt'; sleep 2) | /usr/bin/openssl s_client -quiet -connect 127.0.0.1:\(tlsPort)"],
                    timeLimit: .seconds(15), stdout: "\(dir)/tls.out", stderr: "\(dir)/tls.err")
                _ = await client.waitForExit(timeout: .seconds(15))
                return Artifacts.read("\(dir)/tls.out")
            }
            #expect(answer.hasPrefix("SIP/2.0 200"), "TLS answer: \(answer.prefix(500))")
            #expect(answer.contains("Call-ID: tls-options-\(test.ports.base)@127.0.0.1"), "\(answer.prefix(500))")
        }
    }
}
