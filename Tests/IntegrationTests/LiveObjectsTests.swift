import Foundation
import Testing

extension Integration {
    /// Nothing a call allocates outlives it: after a run of relayed calls the
    /// daemon's live `Call`, `CallBridge` and relay objects, sofia dialogs and
    /// relay ports are all back to zero (`ctl status --json` `live`, metrics).
    @Suite("Live objects")
    struct LiveObjects {
        /// `ctl status --json`'s `live` counts.
        static func live(_ legato: LegatoProcess) async throws -> [String: Int] {
            let status = try await legato.ctl("status", "--json")
            let fields = try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any]
            return fields?["live"] as? [String: Int] ?? [:]
        }

        @Test("300 relayed calls: live calls, bridges, relays, dialogs and relay ports return to zero")
        func relayedCallsFreeEverything() async throws {
            let test = try TestContext()
            var conf = test.relayConf()
            let metricsPort = test.ports.uacControl  // a UDP port of sipp's: free for TCP
            conf.metrics = "127.0.0.1:\(metricsPort)"
            var uas = test.uas("uas-answer.xml")
            uas.calls = 300
            uas.timeLimit = .seconds(90)
            var uac = test.uac("uac-basic.xml")
            uac.calls = 300
            uac.rate = 60
            uac.limit = 4  // the test's relay range holds 5 calls
            uac.pauseMilliseconds = 50
            uac.timeLimit = .seconds(90)
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                let idle = try await Self.live(legato)
                #expect(idle == ["calls": 0, "bridges": 0, "relays": 0, "dialogs": 0], "\(idle)")
                let result = try await test.call(uac: uac, uas: uas)
                #expect(result.uac.successfulCalls == 300, "\(result.uac.finalStatistics)")
                var live: [String: Int] = [:]
                _ = await waitUntilAsync(timeout: .seconds(10)) {
                    live = (try? await Self.live(legato)) ?? [:]
                    return live.values.allSatisfy { $0 == 0 } && !live.isEmpty
                }
                #expect(live == ["calls": 0, "bridges": 0, "relays": 0, "dialogs": 0], "objects left after 300 calls: \(live)")
                let metrics = try MetricsScrape.fetch(port: metricsPort)
                #expect(metrics.value("legato_relay_ports_in_use") == 0, "\(metrics.text)")
                #expect(metrics.value("legato_calls_active") == 0, "\(metrics.text)")
                #expect(metrics.value("legato_calls_total", #"disposition="answered""#) == 300, "\(metrics.text)")
                try await legato.expectNoCallsLeft()
            }
        }
    }
}
