import LegatoMedia
import Testing

extension Integration {
    /// `Call.answer()` outside a bridge, through the `echo` route action:
    /// Legato answers with its own SDP and sends the caller's media back.
    @Suite("Echo (answer with anchored media)")
    struct Echo {
        @Test("echo route: Legato answers with its own SDP, RTP comes back byte for byte, ports are freed",
              arguments: [false, true])
        func echoAnswersWithAnchoredMedia(srtp: Bool) async throws {
            let test = try TestContext()
            let relayLow = test.relayLow
            var conf = test.relayConf(mode: "direct")
            conf.routes.insert(.init(name: "echo", ruriUser: "^echo$", action: .echo), at: 0)
            let caller = try SRTPRelay.side(srtp)
            let media = try UDPSocket(port: test.ports.spare)
            var uac = test.uac("uac-media-keys.xml", service: "echo")
            uac.keys = ["rtp_port": "\(test.ports.spare)", "proto": caller.proto, "crypto": caller.cryptoLine(tag: 7)]

            try await withLegato(conf, artifacts: test.artifacts) { legato in
                let process = try await SippProcess.start(uac, artifacts: test.artifacts)
                var ok: SIPMessage?
                _ = await waitUntil(timeout: .seconds(10)) {
                    ok = process.trace.responses(to: "INVITE", .received, code: 200).first
                    return ok != nil
                }
                let answer = try #require(ok, "no 200").body
                let port = try #require(RelayMedia.audioPort(in: answer))
                #expect((relayLow...(relayLow + 19)).contains(port), "\(answer)")
                #expect(answer.contains("c=IN IP4 127.0.0.1"))
                #expect(SRTPRelay.mLine(in: answer)?.contains(caller.proto) == true, "\(answer)")
                var hears: SRTPContext?
                var sends: SRTPContext?
                if srtp {
                    let line = try #require(SRTPRelay.crypto(in: answer), "no crypto in \(answer)")
                    #expect(line.tag == 7)
                    #expect(line.key != caller.key.inlineKey)
                    hears = try SRTPContext(direction: .inbound,
                                            keys: try SRTPKeyMaterial(suite: .aesCM128HMACSHA1_80, inlineKey: line.key))
                    sends = try SRTPContext(direction: .outbound, keys: caller.key)
                } else {
                    #expect(SRTPRelay.crypto(in: answer) == nil)
                }
                var echoed = 0
                for sequence in 0..<5 {
                    let packet = RelayMedia.rtpPacket(sequence: UInt16(sequence))
                    try media.send(try SRTPRelay.outgoing(packet, sends), toPort: port)
                    if let back = media.receive(timeout: .seconds(2)), SRTPRelay.incoming(back.bytes, hears) == packet {
                        echoed += 1
                    }
                }
                #expect(echoed == 5)
                expectSuccess(try await process.finish())
                try await legato.expectNoCallsLeft()
                try await Task.sleep(for: .milliseconds(300))
                #expect((relayLow...(relayLow + 1)).allSatisfy { !Ports.isBound($0, udp: true) },
                        "the echo call's ports are still bound")
            }
        }
    }
}
