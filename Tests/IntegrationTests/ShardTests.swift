import Foundation
import LegatoSIP
import Testing

extension Integration {
    /// `signalling.shards`: several processes share one listener address and
    /// port; every message of a dialog reaches the shard that owns its Call-ID.
    @Suite("Shards")
    struct Shards {
        @Test("shards: 2 — 300 calls through one listener, both shards take calls, none fails; ctl reload and drain reach both; SIGTERM stops both")
        func twoShardsShareOneListener() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.signallingExtra = ["  shards: 2"]
            var uas = test.uas("uas-answer.xml")
            uas.calls = 300
            uas.timeLimit = .seconds(120)
            var uac = test.uac("uac-basic.xml")
            uac.calls = 300
            uac.rate = 60
            uac.limit = 60
            uac.pauseMilliseconds = 200
            uac.timeLimit = .seconds(90)

            let legato = try await LegatoProcess.start(conf, artifacts: test.artifacts)
            let control = legato.conf.controlSocket ?? ""
            do {
                let bothReady = await Self.shardReady(legato)
                try #require(bothReady, "shard 1 did not log legato.ready; log \(legato.logPath)")
                // Two processes, one address: both hold the listener's UDP port.
                #expect(legato.log.split(separator: "\n").filter { $0.contains("legato.shard-inbox") }.count == 2,
                        "log \(legato.logPath)")

                let load = try await test.call(uac: uac, uas: uas)
                #expect(load.uac.exitCode == 0, "caller: \(load.uac.errors.prefix(3000))")
                #expect(load.uac.successfulCalls == 300, "\(load.uac.finalStatistics)")
                #expect(load.uac.failedCalls == 0, "\(load.uac.finalStatistics)")
                #expect(load.uas?.successfulCalls == 300, "\(load.uas?.finalStatistics ?? [:])")

                // Whichever shard answered, the caller saw one Contact: the listener's.
                let contacts = Set(load.uac.trace.responses(to: "INVITE", .received, code: 200).compactMap { $0.header("Contact") }
                    .map { $0.contains("127.0.0.1:\(conf.port)") })
                #expect(contacts == [true], "200 OK Contacts not all on 127.0.0.1:\(conf.port)")
                // Each B leg's Call-ID is one its shard owns: the callee's answers reached it (no failed call above),
                // and B-leg Call-IDs are not the caller's.
                let callerIDs = Set(load.uac.trace.requests("INVITE", .sent).compactMap { $0.header("Call-ID") })
                let calleeIDs = Set((load.uas?.trace.requests("INVITE", .received) ?? []).compactMap { $0.header("Call-ID") })
                #expect(calleeIDs.count == 300 && callerIDs.isDisjoint(with: calleeIDs))

                // Both shards took calls, and together all of them.
                var totals: [Int] = []
                for socket in [control, control + ".1"] {
                    let status = try await LegatoProcess.ctl(socket: socket, ["status", "--json"])
                    let json = try #require(try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any],
                                            "ctl status on \(socket): \(status.output)")
                    totals.append(json["calls_total"] as? Int ?? -1)
                    #expect(json["calls"] as? Int == 0, "\(socket): \(status.output)")
                }
                #expect(totals.allSatisfy { $0 > 30 } && totals.reduce(0, +) == 300, "calls per shard: \(totals)")

                // `reload` and `drain` on shard 0's socket act on every shard.
                let reloaded = try await LegatoProcess.ctl(socket: control, ["reload", "--json"])
                #expect(reloaded.output.contains(#""reloaded":true"#)
                        && reloaded.output.contains(#""shards":[{"shard":1,"answer":{"reloaded":true"#), "\(reloaded.output)")
                let drained = try await LegatoProcess.ctl(socket: control, ["drain"])
                #expect(drained.output.hasPrefix("ok: draining") && drained.output.contains("shard 1: ok: draining"),
                        "\(drained.output)")
                let other = try await LegatoProcess.ctl(socket: control + ".1", ["status", "--json"])
                #expect(other.output.contains(#""state":"draining""#), "\(other.output)")
            } catch {
                _ = try? await legato.stop()
                if legato.isRunning { await legato.forceKill() }
                throw error
            }
            let status = try await legato.stop()
            #expect(status == 0, "log \(legato.logPath)")
            #expect(legato.log.contains("legato.shard-stopped"), "log \(legato.logPath)")
            // No shard outlives the first process.
            let left = await waitUntil(timeout: .seconds(5)) { Self.processes(using: legato.configPath).isEmpty }
            #expect(left, "processes still running with \(legato.configPath): \(Self.processes(using: legato.configPath))")
        }

        @Test("relay media: each shard anchors calls on its own slice of the port range, and frees every port")
        func relayUsesEachShardsSlice() async throws {
            let test = try TestContext()
            let low = test.ports.base + 30_000
            let high = low + 399
            var conf = test.conf()
            conf.signallingExtra = ["  shards: 2"]
            conf.mediaSection = ["  mode: relay", "  address: 127.0.0.1", "  port_min: \(low)", "  port_max: \(high)"]
            var uas = test.uas("uas-answer.xml")
            uas.calls = 100
            uas.timeLimit = .seconds(60)
            var uac = test.uac("uac-basic.xml")
            uac.calls = 100
            uac.rate = 50
            uac.limit = 50
            uac.pauseMilliseconds = 200
            uac.timeLimit = .seconds(50)
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                let ready = await Self.shardReady(legato)
                try #require(ready, "log \(legato.logPath)")
                let load = try await test.call(uac: uac, uas: uas)
                #expect(load.uac.successfulCalls == 100 && load.uac.failedCalls == 0, "\(load.uac.finalStatistics)")
                // The caller's answers name Legato's relay ports: from both halves of the range (shard 0: the
                // lower, shard 1: the upper).
                let ports = load.uac.trace.responses(to: "INVITE", .received, code: 200).compactMap { answer -> Int? in
                    guard let line = answer.body.split(separator: "\r\n").first(where: { $0.hasPrefix("m=audio ") }) else { return nil }
                    return Int(line.split(separator: " ")[1])
                }
                #expect(ports.count == 100 && ports.allSatisfy { (low...high).contains($0) }, "\(ports)")
                let middle = low + 200
                #expect(ports.contains { $0 < middle } && ports.contains { $0 >= middle }, "\(ports.sorted())")
                try await Task.sleep(for: .milliseconds(500))
                let bound = LegatoProcess.boundUDPPorts(of: Self.processes(using: legato.configPath), in: low...high)
                #expect(bound.isEmpty, "relay ports still bound after the calls: \(bound)")
            }
        }

        @Test("a shard that dies is started again; calls work afterwards")
        func deadShardIsRestarted() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.signallingExtra = ["  shards: 2"]
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                let ready = await Self.shardReady(legato)
                try #require(ready, "log \(legato.logPath)")
                let shards = Self.processes(using: legato.configPath)
                try #require(shards.count == 2, "\(shards)")
                // The child is the one whose parent is the other.
                let child = try #require(shards.first { Self.parent(of: $0).map(shards.contains) ?? false })
                kill(child, SIGKILL)
                #expect(await legato.waitForLog("legato.shard-exited"), "log \(legato.logPath)")
                let back = await waitUntil(timeout: .seconds(10)) {
                    Self.readyLines(legato, shard: 1) == 2
                }
                try #require(back, "shard 1 did not start again; log \(legato.logPath)")
                var uas = test.uas("uas-answer.xml")
                uas.calls = 40
                var uac = test.uac("uac-basic.xml")
                uac.calls = 40
                uac.rate = 20
                let result = try await test.call(uac: uac, uas: uas)
                #expect(result.uac.successfulCalls == 40, "\(result.uac.finalStatistics)")
                #expect(result.uac.failedCalls == 0, "\(result.uac.finalStatistics)")
            }
        }

        @Test("a new INVITE for a shard that is behind gets the stateless 503 from the shard that received it")
        func backloggedOwnerIsShedAtTheReceiver() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.signallingExtra = ["  shards: 2", "  overload_queue_bytes: 16384"]
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                let ready = await Self.shardReady(legato)
                try #require(ready, "log \(legato.logPath)")
                let shards = Self.processes(using: legato.configPath)
                let child = try #require(shards.first { Self.parent(of: $0).map(shards.contains) ?? false })
                // Shard 1 stops reading: its inbox fills.
                kill(child, SIGSTOP)
                defer { kill(child, SIGCONT) }
                // A socket the kernel hands to shard 0 (an OPTIONS owned by shard 0 is answered).
                var chosen: UDPSocket?
                for attempt in 0..<16 where chosen == nil {
                    let socket = try UDPSocket()
                    try socket.send(Self.request("OPTIONS", callID: Self.callID(owner: 0), port: socket.port,
                                                 to: conf.port), toPort: conf.port)
                    if let reply = socket.receive(timeout: .milliseconds(700)), reply.text.hasPrefix("SIP/2.0 200") {
                        chosen = socket
                    }
                }
                let socket = try #require(chosen, "no source port reached shard 0")
                // New INVITEs that shard 1 owns, one every 20 ms (shard 0's own queue stays short): passed
                // on until shard 1's inbox is past the threshold, then refused by shard 0.
                for n in 0..<40 {
                    try socket.send(Self.request("INVITE", callID: Self.callID(owner: 1), port: socket.port,
                                                 to: conf.port), toPort: conf.port)
                    try await Task.sleep(for: .milliseconds(20))
                }
                let replies = socket.receiveAll(for: .seconds(1)).map(\.text)
                let shed = replies.filter { $0.hasPrefix("SIP/2.0 503") && $0.contains("Retry-After: 5") && $0.contains(";tag=sl") }
                #expect(shed.count >= 15, "503s from shard 0 for shard 1's INVITEs: \(shed.count) of 40; \(replies.prefix(3))")
                #expect(!replies.contains { $0.hasPrefix("SIP/2.0 100") }, "shard 1 is stopped: nothing but 503 can answer")
                #expect(legato.log.contains("reason=overload"), "log \(legato.logPath)")
            }
        }

        /// Waits (10 s at most) until shard 1 has logged `legato.ready`.
        static func shardReady(_ legato: LegatoProcess) async -> Bool {
            await waitUntil(timeout: .seconds(10)) { readyLines(legato, shard: 1) >= 1 }
        }

        /// How many times shard `shard` logged `legato.ready` (once per start).
        static func readyLines(_ legato: LegatoProcess, shard: Int) -> Int {
            legato.log.split(separator: "\n").filter { $0.contains("shard=\(shard) ") && $0.contains("legato.ready") }.count
        }

        /// A Call-ID that shard `owner` of 2 owns (the router's own choice of one).
        static func callID(owner: Int) throws -> String {
            try #require(SignallingShards.makeCallID(index: owner, count: 2))
        }

        static func request(_ method: String, callID: String, port: Int, to target: Int) -> String {
            let branch = "z9hG4bK-\(UInt32.random(in: 0...UInt32.max))"
            return "\(method) sip:1000@127.0.0.1:\(target) SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:\(port);branch=\(branch)\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:shard@127.0.0.1>;tag=\(UInt32.random(in: 0...UInt32.max))\r\n"
                + "To: <sip:1000@127.0.0.1>\r\nCall-ID: \(callID)\r\nCSeq: 1 \(method)\r\n"
                + "Contact: <sip:shard@127.0.0.1:\(port)>\r\nContent-Length: 0\r\n\r\n"
        }

        /// PIDs of the `legato` processes whose command line names `path` (not the `timeout` wrapping them).
        static func processes(using path: String) -> [Int32] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap { Int32($0) }.filter { pid in
                guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                      let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8),
                      comm.trimmingCharacters(in: .whitespacesAndNewlines) == "legato" else { return false }
                let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                return arguments.contains("run") && arguments.contains(path)
            }
        }

        static func parent(of pid: Int32) -> Int32? {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 ? Int32(fields[1]) : nil
        }
    }
}
