import Foundation
import Testing
@testable import Legato
#if canImport(Glibc)
import Glibc
#endif

/// sd_notify's datagram protocol, against a socket the test binds where systemd would.
@Suite struct SystemdNotifierTests {
    @Test func noSocketNoNotification() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(notifier.socketPath == nil)
        #expect(!notifier.notify("READY=1"))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "1000"]).watchdogMicroseconds == nil)
    }

    @Test func sendsStatesToNotifySocket() throws {
        let path = NSTemporaryDirectory() + "legato-notify-\(UInt32.random(in: 0...UInt32.max)).sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd); unlink(path) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"])
        #expect(notifier.watchdogMicroseconds == 30_000_000)
        for state in ["READY=1", "WATCHDOG=1", "STOPPING=1"] {
            #expect(notifier.notify(state))
            var buffer = [UInt8](repeating: 0, count: 256)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            #expect(n > 0)
            #expect(String(decoding: buffer[0..<max(0, n)], as: UTF8.self) == state)
        }
    }
}
