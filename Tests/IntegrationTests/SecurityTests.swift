import Foundation
import Testing

extension Integration {
    /// Admission on the wire (issue #10): requests from 127.0.0.2, 127.0.0.3 …
    /// as other sources; what Legato sends back (or does not) is read off the wire.
    @Suite("Security and admission")
    struct Security {
        /// A hand-made out-of-dialog request from `socket` to Legato.
        static func request(_ method: String, from socket: UDPSocket, address: String, to port: Int,
                            user: String = "1000", userAgent: String = "probe") -> String {
            let branch = "z9hG4bK" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let callID = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let body = method == "INVITE"
                ? "v=0\r\no=p 1 1 IN IP4 \(address)\r\ns=-\r\nc=IN IP4 \(address)\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n" : ""
            return """
                \(method) sip:\(user)@127.0.0.1:\(port) SIP/2.0\r
                Via: SIP/2.0/UDP \(address):\(socket.port);branch=\(branch);rport\r
                Max-Forwards: 70\r
                From: <sip:probe@\(address)>;tag=\(callID.prefix(6))\r
                To: <sip:\(user)@127.0.0.1>\r
                Call-ID: \(callID)\r
                CSeq: 1 \(method)\r
                Contact: <sip:probe@\(address):\(socket.port)>\r
                User-Agent: \(userAgent)\r
                \(body.isEmpty ? "" : "Content-Type: application/sdp\r\n")Content-Length: \(body.utf8.count)\r
                \r
                \(body)
                """
        }

        @Test("ACL: a source in deny_from or outside allow_from gets no answer at all, not even to OPTIONS; others do")
        func aclRefusal() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.listenerExtra = ["    allow_from: [127.0.0.1/32, 127.0.0.3/32, 127.0.0.2/32]",
                                  "    deny_from: [127.0.0.2/32]"]
            let callee = try UDPSocket(port: test.ports.uas)
            let (refusedGot, outsideGot, allowedGot, calleeGot, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let refused = try UDPSocket(address: "127.0.0.2")
                try refused.send(Self.request("OPTIONS", from: refused, address: "127.0.0.2", to: test.ports.legato),
                                 toPort: test.ports.legato)
                try refused.send(Self.request("INVITE", from: refused, address: "127.0.0.2", to: test.ports.legato),
                                 toPort: test.ports.legato)
                let outside = try UDPSocket(address: "127.0.0.4")
                try outside.send(Self.request("OPTIONS", from: outside, address: "127.0.0.4", to: test.ports.legato),
                                 toPort: test.ports.legato)
                let allowed = try UDPSocket(address: "127.0.0.3")
                try allowed.send(Self.request("OPTIONS", from: allowed, address: "127.0.0.3", to: test.ports.legato),
                                 toPort: test.ports.legato)
                let allowedGot = allowed.receive(timeout: .seconds(5))
                // Long enough for 100 Trying, a final response and their retransmissions to show.
                let refusedGot = refused.receiveAll(for: .seconds(3))
                let outsideGot = outside.receiveAll(for: .milliseconds(200))
                return (refusedGot, outsideGot, allowedGot, callee.receiveAll(for: .milliseconds(200)), legato.log)
            }
            #expect(refusedGot.isEmpty, "\(refusedGot.map(\.text))")
            #expect(outsideGot.isEmpty, "\(outsideGot.map(\.text))")
            #expect(allowedGot?.text.hasPrefix("SIP/2.0 200") == true, "\(allowedGot?.text ?? "nothing")")
            #expect(calleeGot.isEmpty, "no B leg for a refused INVITE")
            #expect(log.contains("security.refused src=127.0.0.2 reason=acl"), "\(log)")
            #expect(log.contains("security.refused src=127.0.0.4 reason=acl"), "\(log)")
            #expect(!log.contains("call.inbound"), "a refused request is not a call")
        }

        @Test("Scanner user agents get nothing and no B leg; with scanner_action 403 they get 403", arguments: [false, true])
        func scannerRefusal(_ forbid: Bool) async throws {
            let test = try TestContext("scannerRefusal-\(forbid ? "403" : "drop")")
            var conf = test.conf()
            if forbid { conf.extraSections = ["security:", "  scanner_action: \"403\""] }
            let callee = try UDPSocket(port: test.ports.uas)
            let (scannerGot, optionsGot, calleeGot, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let scanner = try UDPSocket(address: "127.0.0.5")
                try scanner.send(Self.request("INVITE", from: scanner, address: "127.0.0.5", to: test.ports.legato,
                                              userAgent: "friendly-scanner"), toPort: test.ports.legato)
                let scannerGot = scanner.receiveAll(for: .seconds(3))
                let prober = try UDPSocket(address: "127.0.0.6")
                try prober.send(Self.request("OPTIONS", from: prober, address: "127.0.0.6", to: test.ports.legato,
                                             userAgent: "sipvicious"), toPort: test.ports.legato)
                let optionsGot = prober.receiveAll(for: .seconds(1))
                return (scannerGot, optionsGot, callee.receiveAll(for: .milliseconds(200)), legato.log)
            }
            if forbid {
                let statuses = scannerGot.map { $0.text.prefix(12) }.filter { !$0.hasPrefix("SIP/2.0 100") }
                #expect(statuses.first == "SIP/2.0 403 ", "\(scannerGot.map(\.text))")
            } else {
                #expect(scannerGot.isEmpty, "\(scannerGot.map(\.text))")
                #expect(optionsGot.isEmpty, "\(optionsGot.map(\.text))")
                #expect(log.contains("security.refused src=127.0.0.6 reason=scanner"), "\(log)")
            }
            #expect(calleeGot.isEmpty, "no B leg for a scanner")
            #expect(log.contains("security.refused src=127.0.0.5 reason=scanner"), "\(log)")
            #expect(!log.contains("call.inbound"), "a scanner's INVITE is not a call")
        }

        @Test("A 1,000 INVITE/s flood from one source is blocked while 20 calls from another all succeed")
        func floodFromOneSourceDoesNotHurtAnother() async throws {
            let test = try TestContext()
            var conf = test.conf()
            conf.extraSections = ["security:", "  rate_limit:", "    per_source_cps: 30", "    block_seconds: 60"]
            var flood = test.uac("uac-flood.xml", service: "666", role: "uac2")
            flood.localIP = "127.0.0.2"
            flood.remoteIP = "127.0.0.1"
            flood.calls = 5_000
            flood.rate = 1_000
            flood.timeLimit = .seconds(30)
            var uas = test.uas("uas-answer.xml")
            uas.calls = 20
            uas.timeLimit = .seconds(60)
            var uac = test.uac("uac-basic.xml")
            uac.localIP = "127.0.0.3"
            uac.remoteIP = "127.0.0.1"
            uac.calls = 20
            uac.rate = 10
            uac.pauseMilliseconds = 200
            uac.timeLimit = .seconds(50)
            let (flooder, legit, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
                let flooder = try await SippProcess.start(flood, artifacts: test.artifacts)
                try await Task.sleep(for: .milliseconds(500))
                let legit = try await test.call(uac: uac, uas: uas)
                let flooded = try await flooder.finish()
                try await legato.expectNoCallsLeft()
                return (flooded, legit, legato.log)
            }
            #expect(flooder.exitCode == 0, "\(flooder)")
            #expect(legit.uac.successfulCalls == 20, "\(legit.uac.finalStatistics)")
            #expect(legit.uac.failedCalls == 0, "\(legit.uac.finalStatistics)")
            #expect(legit.uas?.successfulCalls == 20, "\(legit.uas?.finalStatistics ?? [:])")
            #expect(log.contains("security.refused src=127.0.0.2 reason=rate_limit"), "\(log.suffix(3000))")
            #expect(!log.contains("security.refused src=127.0.0.3"), "the legitimate source is never refused")
            // At most the first second's allowance of the flood became (rejected) calls.
            let floodCalls = log.components(separatedBy: "call.from=sip:flood@").count - 1
            #expect(floodCalls <= 30, "\(floodCalls) flood INVITEs were admitted")
        }
    }
}

extension Integration.Security {
    /// Connects over TCP from `source` to 127.0.0.1:`port`, sends `text` and
    /// returns what arrives within `window` ("" when the connection is closed
    /// without a byte or nothing comes).
    static func tcpExchange(from source: String, to port: Int, text: String, window: Duration) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket(): errno \(errno)") }
        defer { close(fd) }
        var local = SocketAddress.loopback(port: 0)
        _ = inet_pton(AF_INET, source, &local.sin_addr)
        var remote = SocketAddress.loopback(port: port)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw HarnessError("bind(\(source)): errno \(errno)") }
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return "" }
        _ = text.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        let deadline = ContinuousClock.now + window
        while ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}

extension Integration.Security {
    @Test("ACL over TCP: a refused source's connection is closed without an answer; an allowed one gets 200 to OPTIONS")
    func aclOverTCP() async throws {
        let test = try TestContext()
        var conf = test.conf()
        conf.listenerExtra = ["    deny_from: [127.0.0.2]"]
        let (refused, allowed, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
            func options(_ source: String) -> String {
                let branch = "z9hG4bK" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
                return "OPTIONS sip:127.0.0.1:\(test.ports.legato) SIP/2.0\r\nVia: SIP/2.0/TCP \(source):5;branch=\(branch)\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:probe@\(source)>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
                    + "Call-ID: \(branch)\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
            }
            let refused = try Self.tcpExchange(from: "127.0.0.2", to: test.ports.legato, text: options("127.0.0.2"),
                                               window: .seconds(2))
            let allowed = try Self.tcpExchange(from: "127.0.0.3", to: test.ports.legato, text: options("127.0.0.3"),
                                               window: .seconds(2))
            return (refused, allowed, legato.log)
        }
        #expect(refused.isEmpty, "\(refused)")
        #expect(allowed.hasPrefix("SIP/2.0 200"), "\(allowed)")
        #expect(log.contains("security.refused src=127.0.0.2 reason=acl"), "\(log)")
    }
}

extension Integration.Security {
    @Test("signalling.udp_buffer is applied to the SIP UDP socket and the granted size logged")
    func udpBufferIsSetAndLogged() async throws {
        let test = try TestContext()
        var conf = test.conf()
        conf.signallingExtra = ["  udp_buffer: 1048576"]
        let log = try await withLegato(conf, artifacts: test.artifacts) { legato in legato.log }
        let line = try #require(log.split(separator: "\n").first { $0.contains("legato.udp-buffer") }, "\(log)")
        #expect(line.contains("udp_buffer.requested=1048576"), "\(line)")
        let granted = line.firstMatch(of: /udp_buffer\.receive=([0-9]+)/).flatMap { Int($0.1) } ?? 0
        // Linux reports twice what was set; without CAP_NET_ADMIN the grant is capped by rmem_max.
        let capped = (try? String(contentsOfFile: "/proc/sys/net/core/rmem_max", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        #expect(granted >= 1_048_576 || (line.contains("forced=false") && granted >= capped), "\(line)")
    }

    @Test("NUL or a bare LF in a header: no answer at all, logged as malformed; a clean request still gets its answer")
    func malformedHeadersGetNothing() async throws {
        let test = try TestContext()
        let (nul, bareLF, clean, log) = try await withLegato(test.conf(), artifacts: test.artifacts) { legato in
            let socket = try UDPSocket(address: "127.0.0.7")
            func exchange(_ mutate: (String) -> String) throws -> [UDPSocket.Datagram] {
                let request = Self.request("OPTIONS", from: socket, address: "127.0.0.7", to: test.ports.legato)
                try socket.send(mutate(request), toPort: test.ports.legato)
                return socket.receiveAll(for: .seconds(1))
            }
            let nul = try exchange { $0.replacingOccurrences(of: "User-Agent: probe", with: "User-Agent: pro\u{0}be") }
            let bareLF = try exchange { $0.replacingOccurrences(of: "User-Agent: probe\r\n", with: "User-Agent: probe\nX-Evil: 1\r\n") }
            let clean = try exchange { $0 }
            return (nul, bareLF, clean, legato.log)
        }
        #expect(nul.isEmpty, "\(nul.map(\.text))")
        #expect(bareLF.isEmpty, "\(bareLF.map(\.text))")
        #expect(clean.first?.text.hasPrefix("SIP/2.0 200") == true, "\(clean.map(\.text))")
        #expect(log.contains("security.refused src=127.0.0.7 reason=malformed"), "\(log)")
    }
}

extension Integration.Security {
    @Test("Overload: while the loop lags, a new INVITE gets 503 with Retry-After and no call; once it recovers a call succeeds and nothing is left")
    func overloadShedsThenRecovers() async throws {
        let test = try TestContext()
        var conf = test.conf()
        conf.overloadLagMilliseconds = 100
        let (shed, after, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
            let socket = try UDPSocket(address: "127.0.0.8")
            // A 600 ms stall: the load monitor's next sample is 600 ms late.
            try await legato.freeze(for: .milliseconds(600))
            try await Task.sleep(for: .milliseconds(60))
            try socket.send(Self.request("INVITE", from: socket, address: "127.0.0.8", to: test.ports.legato),
                            toPort: test.ports.legato)
            let shed = socket.receiveAll(for: .milliseconds(500)).map(\.text)
            try await Task.sleep(for: .seconds(1))
            let after = try await test.call(uac: test.uac("uac-basic.xml"), uas: test.uas("uas-answer.xml"))
            try await legato.expectNoCallsLeft()
            return (shed, after, legato.log)
        }
        let final = shed.first { !$0.hasPrefix("SIP/2.0 100") }
        #expect(final?.hasPrefix("SIP/2.0 503") == true, "\(shed)")
        #expect(final?.contains("Retry-After: 5") == true, "\(final ?? "")")
        #expect(log.contains("legato.overloaded"), "\(log)")
        #expect(log.contains("security.refused src=127.0.0.8 reason=overload"), "\(log)")
        #expect(!log.contains("call.from=sip:probe@127.0.0.8"), "a shed INVITE is not a call")
        expectSuccess(after.uac)
        expectSuccess(after.uas)
    }
}
