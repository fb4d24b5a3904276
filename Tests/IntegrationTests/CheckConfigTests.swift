import Foundation
import Testing

extension Integration {
    /// `legato check-config FILE`: exit 0 when valid, 2 with FILE:LINE:COLUMN: KEY: message otherwise.
    @Suite("check-config")
    struct CheckConfig {
        struct Outcome {
            let status: Int32
            let output: String
        }

        static func checkConfig(_ path: String, _ test: TestContext) async throws -> Outcome {
            let output = test.artifacts.path("check-config.out")
            let child = try ChildProcess(try Paths.legatoBinary(), ["check-config", path], timeLimit: .seconds(30),
                                         stdout: output + ".stdout", stderr: output)
            guard let status = await child.waitForExit(timeout: .seconds(40)) else {
                await child.forceKill()
                throw HarnessError("legato check-config did not finish")
            }
            return Outcome(status: status, output: Artifacts.read(output) + Artifacts.read(output + ".stdout"))
        }

        @Test("the conf the tests generate is valid: exit 0")
        func generatedConfIsValid() async throws {
            let test = try TestContext()
            let path = try test.artifacts.write(test.conf().yaml, to: "good.conf")
            let outcome = try await Self.checkConfig(path, test)
            #expect(outcome.status == 0, "\(outcome.output)")
        }

        @Test("a bad port: non-zero exit naming file:line and listeners[0].port")
        func badPortIsReportedWithFileLineAndKey() async throws {
            let test = try TestContext()
            let yaml = """
                listeners:
                  - address: 127.0.0.1
                    port: not-a-port
                    transports: [udp]
                trunks:
                  local:
                    uri: sip:127.0.0.1:25080
                routes:
                  - name: all
                    match: { ruri_user: ".*" }
                    action: bridge
                    trunk: local

                """
            let path = try test.artifacts.write(yaml, to: "bad-port.conf")
            let outcome = try await Self.checkConfig(path, test)
            #expect(outcome.status == 2, "\(outcome.output)")
            #expect(outcome.output.contains("\(path):3:"), "no file:line in: \(outcome.output)")
            #expect(outcome.output.contains("listeners[0].port"), "no key in: \(outcome.output)")
        }

        @Test("a route to an unknown trunk: non-zero exit naming file:line and routes[0].trunk")
        func unknownTrunkIsReportedWithFileLineAndKey() async throws {
            let test = try TestContext()
            let yaml = """
                listeners:
                  - address: 127.0.0.1
                    port: 25060
                trunks:
                  local:
                    uri: sip:127.0.0.1:25080
                routes:
                  - name: all
                    match: { ruri_user: ".*" }
                    action: bridge
                    trunk: nowhere

                """
            let path = try test.artifacts.write(yaml, to: "unknown-trunk.conf")
            let outcome = try await Self.checkConfig(path, test)
            #expect(outcome.status == 2, "\(outcome.output)")
            #expect(outcome.output.contains("\(path):11:"), "no file:line in: \(outcome.output)")
            #expect(outcome.output.contains("routes[0].trunk"), "no key in: \(outcome.output)")
        }
    }
}
