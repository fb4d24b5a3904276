import Foundation
import Logging
import Testing
@testable import LegatoSIP

/// sofia's own calls to `su_root_yield` bind to Legato's no-op (root_yield.c)
/// and not to sofia's, which would dispatch socket events nested inside nta's
/// timer run. Driven by the real stack: six INVITEs to a UDP socket that never
/// answers, the loop held past Timer A so their retransmissions come due in
/// one nta timer run (nta yields after every fifth), and nua's one-second
/// stack timer (it yields once per handle).
@Suite struct RootYieldTests {
    @Test func sofiaTimerYieldsReachLegatosNoOp() async throws {
        let hole = try UDPHole()
        defer { hole.close() }
        let port = try UDPHole.freePort()
        let before = RootYield.skipped
        let endpoint = try await Task { @SIPActor in
            let endpoint = try SIPEndpoint(url: "sip:127.0.0.1:\(port);transport=udp", address: "127.0.0.1",
                                           port: port, userAgent: "root-yield-test", logger: Logger(label: "t"))
            for n in 0..<6 {
                let target = "sip:hole\(n)@127.0.0.1:\(hole.port)"
                endpoint.makeOutboundLeg(from: "sip:test@127.0.0.1:\(port)", to: target)?
                    .invite(requestURI: target, maxForwards: 70, body: nil, headers: [])
            }
            return endpoint
        }.value
        // Hold the loop past Timer A (500 ms): all six retransmissions are then due together.
        await Task { @SIPActor in usleep(700_000) }.value
        try await Task.sleep(for: .milliseconds(1_800))
        let invites = hole.drainCount()
        #expect(invites >= 12, "six INVITEs and at least one retransmission each reached the socket (got \(invites))")
        #expect(RootYield.skipped > before, "sofia's yields went to Legato's su_root_yield")
        // nua's shutdown waits out the unanswered INVITEs' CANCELs (32 s): let it finish in the background.
        Task { @SIPActor in await endpoint.shutdown() }
    }
}

/// A UDP socket on 127.0.0.1 that receives and never answers.
private struct UDPHole {
    let fd: Int32
    let port: Int

    init() throws {
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EBADF) }
        port = try UDPHole.bind(fd)
        var flags = fcntl(fd, F_GETFL)
        flags |= O_NONBLOCK
        _ = fcntl(fd, F_SETFL, flags)
    }

    /// A UDP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { Glibc.close(fd) }
        return try bind(fd)
    }

    private static func bind(_ fd: Int32) throws -> Int {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa -> Bool in
                Glibc.bind(fd, sa, len) == 0 && getsockname(fd, sa, &len) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Datagrams waiting (INVITEs and their retransmissions), read and counted.
    func drainCount() -> Int {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var count = 0
        while recv(fd, &buffer, buffer.count, 0) > 0 { count += 1 }
        return count
    }

    func close() { Glibc.close(fd) }
}
