import LegatoMedia
import Testing

extension Integration {
    /// SRTP terminated per leg in relay mode (SDES): each side gets Legato's
    /// own key, packets cross between an SRTP leg and a plain leg, and a
    /// packet whose tag does not verify is not forwarded.
    @Suite("SRTP relay")
    struct SRTPRelay {
        /// What one side of a call offers or answers.
        struct Side {
            var srtp: Bool
            /// The side's own key (what it protects with).
            var key: SRTPKeyMaterial
            var proto: String { srtp ? "RTP/SAVP" : "RTP/AVP" }
            func cryptoLine(tag: Int) -> String {
                srtp ? "a=crypto:\(tag) AES_CM_128_HMAC_SHA1_80 inline:\(key.inlineKey)" : "a=ptime:20"
            }
        }

        static func side(_ srtp: Bool) throws -> Side {
            Side(srtp: srtp, key: try .generate(for: .aesCM128HMACSHA1_80))
        }

        /// The first `a=crypto` of an SDP body, if any.
        static func crypto(in body: String) -> SDPCryptoLine? {
            body.split(whereSeparator: \.isNewline).lazy.compactMap { line -> SDPCryptoLine? in
                guard line.hasPrefix("a=crypto:") else { return nil }
                let fields = line.dropFirst("a=crypto:".count).split(separator: " ")
                guard fields.count >= 3, fields[2].hasPrefix("inline:") else { return nil }
                let key = fields[2].dropFirst("inline:".count).split(separator: "|").first.map(String.init) ?? ""
                return SDPCryptoLine(tag: Int(fields[0]) ?? -1, suite: String(fields[1]), key: key)
            }.first
        }

        struct SDPCryptoLine {
            var tag: Int
            var suite: String
            var key: String
        }

        static func mLine(in body: String) -> String? {
            body.split(whereSeparator: \.isNewline).first { $0.hasPrefix("m=audio ") }.map(String.init)
        }

        /// Protects `packet` with `key`, or returns it unchanged when `key` is nil.
        static func outgoing(_ packet: [UInt8], _ context: SRTPContext?) throws -> [UInt8] {
            guard let context else { return packet }
            var buffer = packet + [UInt8](repeating: 0, count: SRTPContext.maximumTrailerLength)
            var length = packet.count
            try buffer.withUnsafeMutableBytes { raw in try context.protect(raw, length: &length) }
            return Array(buffer[..<length])
        }

        /// Unprotects `packet` (nil when it does not authenticate), or returns it unchanged.
        static func incoming(_ packet: [UInt8], _ context: SRTPContext?) -> [UInt8]? {
            guard let context else { return packet }
            var buffer = packet
            var length = packet.count
            do {
                try buffer.withUnsafeMutableBytes { raw in try context.unprotect(raw, length: &length) }
            } catch {
                return nil
            }
            return Array(buffer[..<length])
        }

        @Test("SRTP interworking: each leg negotiates its own keys and audio crosses both ways",
              arguments: [(true, false), (false, true), (true, true)])
        func srtpInterworking(callerSRTP: Bool, calleeSRTP: Bool) async throws {
            let test = try TestContext()
            var conf = test.relayConf()
            conf.listenerSRTP = callerSRTP ? "required" : "off"
            conf.trunks[0].srtp = calleeSRTP ? "required" : "off"
            let caller = try Self.side(callerSRTP)
            let callee = try Self.side(calleeSRTP)
            let callerMedia = try UDPSocket(port: test.ports.spare)
            let calleeMedia = try UDPSocket(port: test.ports.uac2Media)
            var uac = test.uac("uac-media-keys.xml")
            uac.keys = ["rtp_port": "\(test.ports.spare)", "proto": caller.proto, "crypto": caller.cryptoLine(tag: 1)]
            var uas = test.uas("uas-answer-media-keys.xml")
            uas.keys = ["rtp_port": "\(test.ports.uac2Media)", "proto": callee.proto, "crypto": callee.cryptoLine(tag: 1)]

            try await withLegato(conf, artifacts: test.artifacts) { legato in
                let calleeProcess = try await SippProcess.start(uas, artifacts: test.artifacts)
                let callerProcess = try await SippProcess.start(uac, artifacts: test.artifacts)
                var ok: SIPMessage?
                _ = await waitUntil(timeout: .seconds(10)) {
                    ok = callerProcess.trace.responses(to: "INVITE", .received, code: 200).first
                    return ok != nil
                }
                let answer = try #require(ok, "no 200 for the caller").body
                let invite = try #require(calleeProcess.trace.requests("INVITE", .received).first).body
                let legatoA = try #require(RelayMedia.audioPort(in: answer))
                let legatoB = try #require(RelayMedia.audioPort(in: invite))

                // Each leg's SDP: Legato's profile and its own key, never the other side's.
                #expect(Self.mLine(in: answer)?.contains(caller.proto) == true, "\(answer)")
                #expect(Self.mLine(in: invite)?.contains(callee.proto) == true, "\(invite)")
                for body in [answer, invite] {
                    #expect(!body.contains(caller.key.inlineKey) && !body.contains(callee.key.inlineKey),
                            "a key crossed legs: \(body)")
                }
                var legatoKeyA: SRTPKeyMaterial?
                var legatoKeyB: SRTPKeyMaterial?
                if callerSRTP {
                    let line = try #require(Self.crypto(in: answer), "no crypto in \(answer)")
                    #expect(line.tag == 1 && line.suite == "AES_CM_128_HMAC_SHA1_80")
                    legatoKeyA = try SRTPKeyMaterial(suite: .aesCM128HMACSHA1_80, inlineKey: line.key)
                } else {
                    #expect(Self.crypto(in: answer) == nil, "\(answer)")
                }
                if calleeSRTP {
                    // Legato offers one line per suite; tag 1 is AES_CM_128_HMAC_SHA1_80.
                    let line = try #require(Self.crypto(in: invite), "no crypto in \(invite)")
                    #expect(line.tag == 1 && line.suite == "AES_CM_128_HMAC_SHA1_80")
                    legatoKeyB = try SRTPKeyMaterial(suite: .aesCM128HMACSHA1_80, inlineKey: line.key)
                } else {
                    #expect(Self.crypto(in: invite) == nil, "\(invite)")
                }
                if let a = legatoKeyA { #expect(a != caller.key) }
                if let a = legatoKeyA, let b = legatoKeyB { #expect(a != b, "fresh keys per leg") }

                let callerSends = try callerSRTP ? SRTPContext(direction: .outbound, keys: caller.key) : nil
                let callerHears = try legatoKeyA.map { try SRTPContext(direction: .inbound, keys: $0) }
                let calleeSends = try calleeSRTP ? SRTPContext(direction: .outbound, keys: callee.key) : nil
                let calleeHears = try legatoKeyB.map { try SRTPContext(direction: .inbound, keys: $0) }

                var forward = 0
                var backward = 0
                for sequence in 0..<5 {
                    let packet = RelayMedia.rtpPacket(sequence: UInt16(sequence))
                    try callerMedia.send(try Self.outgoing(packet, callerSends), toPort: legatoA)
                    if let got = calleeMedia.receive(timeout: .seconds(2)),
                       Self.incoming(got.bytes, calleeHears) == packet { forward += 1 }
                    let reply = RelayMedia.rtpPacket(sequence: UInt16(100 + sequence))
                    try calleeMedia.send(try Self.outgoing(reply, calleeSends), toPort: legatoB)
                    if let got = callerMedia.receive(timeout: .seconds(2)),
                       Self.incoming(got.bytes, callerHears) == reply { backward += 1 }
                }
                #expect(forward == 5, "caller → callee packets that arrived intact")
                #expect(backward == 5, "callee → caller packets that arrived intact")

                if callerSRTP {
                    // A packet whose tag does not verify is dropped, never forwarded.
                    var tampered = try Self.outgoing(RelayMedia.rtpPacket(sequence: 50), callerSends)
                    tampered[tampered.count - 1] ^= 0x5A
                    try callerMedia.send(tampered, toPort: legatoA)
                    try callerMedia.send(RelayMedia.rtpPacket(sequence: 51), toPort: legatoA)  // plain on an SRTP leg
                    #expect(calleeMedia.receive(timeout: .milliseconds(500)) == nil, "a forged packet was forwarded")
                    // ... and the leg still works afterwards.
                    let good = RelayMedia.rtpPacket(sequence: 52)
                    try callerMedia.send(try Self.outgoing(good, callerSends), toPort: legatoA)
                    let got = calleeMedia.receive(timeout: .seconds(2))
                    #expect(got.flatMap { Self.incoming($0.bytes, calleeHears) } == good)
                }
                let callerResult = try await callerProcess.finish()
                let calleeResult = try await calleeProcess.finish(within: .seconds(15))
                expectSuccess(callerResult)
                expectSuccess(calleeResult)
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("srtp: required on the listener refuses a plain offer with 488")
        func requiredRefusesPlainOffer() async throws {
            let test = try TestContext()
            var conf = test.relayConf()
            conf.listenerSRTP = "required"
            let uac = test.refusedCaller(service: "1000", expecting: 488)
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await SippProcess.start(uac, artifacts: test.artifacts).finish()
                expectSuccess(result)
                let refusal = result.trace.responses(to: "INVITE", .received, code: 488).first
                #expect(refusal?.startLine.contains("SRTP Required") == true, "\(String(describing: refusal?.startLine))")
                try await legato.expectNoCallsLeft()
            }
        }

        @Test("srtp_over_plaintext: a required-SRTP trunk over UDP without it gets no call (488 to the caller, nothing sent to the trunk)")
        func noKeysOverPlaintext() async throws {
            let test = try TestContext()
            var conf = test.relayConf()
            conf.trunks[0].srtp = "required"
            conf.trunks[0].srtpOverPlaintext = false
            let uac = test.refusedCaller(service: "1000", expecting: 488)
            let trunk = try UDPSocket(port: test.ports.uas)
            try await withLegato(conf, artifacts: test.artifacts) { legato in
                let result = try await SippProcess.start(uac, artifacts: test.artifacts).finish()
                expectSuccess(result)
                #expect(trunk.receiveAll(for: .milliseconds(300)).isEmpty, "something reached the trunk")
                let refusal = result.trace.responses(to: "INVITE", .received, code: 488).first
                #expect(refusal?.startLine.contains("SRTP Needs TLS") == true, "\(String(describing: refusal?.startLine))")
                #expect(legato.log.contains("route.srtp-refused"))
                try await legato.expectNoCallsLeft()
            }
        }
    }
}
