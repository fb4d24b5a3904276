import Foundation
import Testing

extension Integration {
    /// Kamailio's dispatcher in front of two Legatos (`scripts/cluster-demo` on
    /// the test's own block of loopback ports): `ctl drain` on one instance
    /// during 100 calls/s loses no call; `kill -9` of the other loses at most
    /// the calls it held, and new calls succeed within the probe interval.
    @Suite("Cluster behind Kamailio")
    struct Cluster {
        @Test("drain during 100 calls/s loses nothing; kill -9 of one instance loses at most its calls")
        func drainAndKill() async throws {
            guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/kamailio") else {
                Issue.record("kamailio is not installed (scripts/setup --test installs it)")
                return
            }
            let test = try TestContext()
            let out = test.artifacts.path("cluster-demo.out")
            let script = Paths.packageRoot.appendingPathComponent("scripts/cluster-demo").path
            let child = try ChildProcess("/usr/bin/python3", [script, "--calls", "400", "--rate", "100", "--hold", "2000",
                                                              "--port-base", "\(test.ports.base)"],
                                         timeLimit: .seconds(240), stdout: out, stderr: out + ".err",
                                         environment: ["LEGATO_BIN": try Paths.legatoBinary()])
            let status = await child.waitForExit(timeout: .seconds(250))
            let text = Artifacts.read(out) + Artifacts.read(out + ".err")
            #expect(status == 0, "\(text)")
            func phase(_ name: String) -> [String: Any]? {
                guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("\(name):") }),
                      let brace = line.firstIndex(of: "{") else { return nil }
                return (try? JSONSerialization.jsonObject(with: Data(line[brace...].utf8))) as? [String: Any]
            }
            let drain = try #require(phase("drain"), "\(text)")
            #expect(drain["calls"] as? Int == 400, "\(drain)")
            #expect(drain["failed"] as? Int == 0, "draining lost calls: \(drain)")
            #expect((drain["cdr_a"] as? Int ?? 0) > 0 && (drain["cdr_b"] as? Int ?? 0) > 0, "both instances took calls: \(drain)")
            let kill = try #require(phase("kill"), "\(text)")
            let held = (kill["action"] as? [String: Any])?["b_held_at_kill"] as? Int ?? -1
            let failed = kill["failed"] as? Int ?? -1
            // Held = B's live calls sampled just before the kill, plus the calls arriving in
            // the ~0.1 s between that sample and the kill (10 at 100 calls/s).
            #expect(held >= 0 && failed <= held + 10, "kill -9 lost more than the killed instance held: \(kill)")
            #expect((kill["cdr_a"] as? Int ?? 0) > 0, "the surviving instance took the new calls: \(kill)")
            let firstNew = try #require(kill["first_new_call_after_kill_s"] as? Double, "no call answered after the kill: \(kill)")
            #expect(firstNew <= 3.0, "new calls succeed within the probe interval + fr_timer: \(kill)")
        }
    }
}
