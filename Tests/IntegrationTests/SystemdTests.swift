import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// systemd: the unit verifies, and the daemon speaks sd_notify's protocol
    /// (READY=1 after the listeners bind, WATCHDOG=1 from the signalling loop, STOPPING=1).
    @Suite("systemd")
    struct Systemd {
        /// A datagram socket bound where systemd's notify socket would be.
        final class NotifySocket {
            let path: String
            let fd: Int32

            init() throws {
                path = NSTemporaryDirectory() + "legato-notify-\(UInt32.random(in: 0...UInt32.max)).sock"
                fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
                var address = sockaddr_un()
                address.sun_family = sa_family_t(AF_UNIX)
                withUnsafeMutableBytes(of: &address.sun_path) { raw in
                    for (i, b) in path.utf8.enumerated() { raw[i] = b }
                }
                let bound = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
                }
                guard fd >= 0, bound == 0 else { throw HarnessError("cannot bind \(path)") }
                var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            }

            deinit {
                close(fd)
                unlink(path)
            }

            /// Every datagram received so far (waits up to 200 ms for the next).
            func drain() -> [String] {
                var messages: [String] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    if n <= 0 { return messages }
                    messages.append(String(decoding: buffer[0..<n], as: UTF8.self))
                }
            }
        }

        @Test("Type=notify: READY=1 once listening, WATCHDOG=1 pings, STOPPING=1 on SIGTERM")
        func notifyProtocol() async throws {
            let test = try TestContext()
            let notify = try NotifySocket()
            let legato = try await LegatoProcess.start(test.conf(), artifacts: test.artifacts,
                                                       environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "600000"])
            var received: [String] = []
            _ = await waitUntil(timeout: .seconds(5)) {
                received += notify.drain()
                return received.contains { $0.hasPrefix("READY=1") } && received.filter { $0 == "WATCHDOG=1" }.count >= 2
            }
            #expect(received.contains { $0.hasPrefix("READY=1") }, "\(received)")
            #expect(received.filter { $0 == "WATCHDOG=1" }.count >= 2, "pings every WATCHDOG_USEC/3: \(received)")
            // READY comes after the listener is bound: a call works at once.
            let probe = try await SippProcess.run(test.uac("uac-options.xml"), artifacts: test.artifacts)
            expectSuccess(probe)
            #expect(try await legato.stop() == 0)
            received += notify.drain()
            #expect(received.contains("STOPPING=1"), "\(received)")
        }

        @Test("systemd/legato.service passes systemd-analyze verify")
        func unitVerifies() async throws {
            let analyze = "/usr/bin/systemd-analyze"
            guard FileManager.default.isExecutableFile(atPath: analyze) else {
                Issue.record("systemd-analyze is not installed (scripts/setup --test installs systemd)")
                return
            }
            let test = try TestContext()
            let unit = try String(contentsOf: Paths.packageRoot.appendingPathComponent("systemd/legato.service"), encoding: .utf8)
            #expect(unit.contains("Type=notify"))
            #expect(unit.contains("AmbientCapabilities=CAP_NET_BIND_SERVICE"))
            #expect(unit.contains("ProtectSystem=strict"))
            #expect(unit.contains("ReadWritePaths="))
            #expect(unit.contains("WatchdogSec="))
            // verify checks that ExecStart's binary exists: point it at the built one.
            let local = unit.replacingOccurrences(of: "/usr/local/bin/legato", with: try Paths.legatoBinary())
            let path = try test.artifacts.write(local, to: "legato.service")
            let out = test.artifacts.path("verify.out")
            let child = try ChildProcess(analyze, ["verify", path], timeLimit: .seconds(60), stdout: out, stderr: out + ".err")
            let status = await child.waitForExit(timeout: .seconds(65))
            #expect(status == 0, "systemd-analyze verify: \(Artifacts.read(out))\(Artifacts.read(out + ".err"))")
        }

        @Test("scripts/install --root stages the binary, unit, conf, logrotate file and docs")
        func installStagesEverything() async throws {
            let test = try TestContext()
            let stage = test.artifacts.path("stage")
            let out = test.artifacts.path("install.out")
            let script = Paths.packageRoot.appendingPathComponent("scripts/install").path
            let child = try ChildProcess("/bin/bash", [script, "--binary", try Paths.legatoBinary(), "--root", stage],
                                         timeLimit: .seconds(60), stdout: out, stderr: out + ".err")
            let status = await child.waitForExit(timeout: .seconds(65))
            #expect(status == 0, "\(Artifacts.read(out))\(Artifacts.read(out + ".err"))")
            for file in ["usr/local/bin/legato", "etc/systemd/system/legato.service", "etc/legato/legato.conf",
                         "etc/logrotate.d/legato", "usr/local/share/doc/legato/operations.md"] {
                #expect(FileManager.default.fileExists(atPath: "\(stage)/\(file)"), "missing \(file)")
            }
            let rotate = Artifacts.read("\(stage)/etc/logrotate.d/legato")
            #expect(rotate.contains("SIGUSR1"), "logrotate reopens the CDR file with SIGUSR1")
        }
    }
}
