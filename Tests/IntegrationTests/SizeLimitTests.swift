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
