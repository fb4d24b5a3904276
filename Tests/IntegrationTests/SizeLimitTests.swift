import Testing

extension Integration.Security {
    @Test("security.max_message_bytes / max_body_bytes: an oversize datagram gets no answer (logged as malformed); one within the limits gets its answer")
    func oversizeMessagesGetNothing() async throws {
        let test = try TestContext()
        var conf = test.conf()
        conf.extraSections = ["security:", "  max_message_bytes: 4000", "  max_body_bytes: 1000"]
        let (bigBody, bigHeaders, withinLimits, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
            let socket = try UDPSocket(address: "127.0.0.9")
            func exchange(body: Int, padding: Int) throws -> [UDPSocket.Datagram] {
                var request = Self.request("OPTIONS", from: socket, address: "127.0.0.9", to: test.ports.legato)
                let pad = padding > 0 ? "X-Pad: " + String(repeating: "p", count: padding) + "\r\n" : ""
                request = request.replacingOccurrences(
                    of: "Content-Length: 0\r\n\r\n",
                    with: pad + "Content-Type: text/plain\r\nContent-Length: \(body)\r\n\r\n" + String(repeating: "b", count: body))
                try socket.send(request, toPort: test.ports.legato)
                return socket.receiveAll(for: .seconds(1))
            }
            let bigBody = try exchange(body: 1_500, padding: 0)
            let bigHeaders = try exchange(body: 0, padding: 4_500)
            let withinLimits = try exchange(body: 900, padding: 2_000)
            return (bigBody, bigHeaders, withinLimits, legato.log)
        }
        #expect(bigBody.isEmpty, "\(bigBody.map(\.text))")
        #expect(bigHeaders.isEmpty, "\(bigHeaders.map(\.text))")
        #expect(withinLimits.first?.text.hasPrefix("SIP/2.0 ") == true, "\(withinLimits.map(\.text))")
        #expect(log.contains("security.refused src=127.0.0.9 reason=malformed"), "\(log)")
        #expect(log.contains("body too large (1500 bytes)"), "\(log)")
    }
}

extension Integration.Security {
    /// TCP/TLS streams: sofia takes messages up to 64 KiB (`NTATAG_MAXSIZE`,
    /// `CSofiaShim/shim.c`); a bigger one is answered 413 and not processed.
    /// UDP keeps the wire gate's limits, and a datagram as large as the gate
    /// lets through (here 60,000 bytes) is still read and answered by sofia.
    @Test("A TCP message over 64 KiB gets 413 and nothing else; 60 kB over UDP and a normal TCP OPTIONS are answered 200")
    func streamSizeLimit() async throws {
        let test = try TestContext()
        var conf = test.conf()
        conf.transports = ["udp", "tcp"]
        conf.extraSections = ["security:", "  max_message_bytes: 65535", "  max_body_bytes: 65535"]
        func options(via transport: String, body: Int) -> String {
            let branch = "z9hG4bK" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            return "OPTIONS sip:127.0.0.1:\(test.ports.legato) SIP/2.0\r\nVia: SIP/2.0/\(transport) 127.0.0.3:5;rport;branch=\(branch)\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.3>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
                + "Call-ID: \(branch)\r\nCSeq: 1 OPTIONS\r\nContent-Type: text/plain\r\nContent-Length: \(body)\r\n\r\n"
                + String(repeating: "b", count: body)
        }
        let (oversize, normal, udp, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
            let oversize = try Self.tcpExchange(from: "127.0.0.3", to: test.ports.legato,
                                                text: options(via: "TCP", body: 100_000), window: .seconds(2))
            let normal = try Self.tcpExchange(from: "127.0.0.3", to: test.ports.legato,
                                              text: options(via: "TCP", body: 10), window: .seconds(2))
            let socket = try UDPSocket(address: "127.0.0.3")
            try socket.send(options(via: "UDP", body: 60_000), toPort: test.ports.legato)
            let udp = socket.receiveAll(for: .seconds(1))
            return (oversize, normal, udp, legato.log)
        }
        #expect(oversize.hasPrefix("SIP/2.0 413"), "\(oversize.prefix(200))")
        #expect(!oversize.contains("SIP/2.0 200"), "\(oversize.prefix(400))")
        #expect(normal.hasPrefix("SIP/2.0 200"), "\(normal.prefix(200))")
        #expect(udp.first?.text.hasPrefix("SIP/2.0 200") == true, "\(udp.map { $0.text.prefix(200) })")
        #expect(!log.contains("Assertion"), "\(log)")
    }
}
