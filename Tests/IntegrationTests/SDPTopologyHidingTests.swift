import LegatoMedia
import Testing

extension Integration {
    /// Relay mode hides each side's SDP identity from the other and keeps
    /// STUN on its own leg (`media.ice`: remove, or answered as ICE-lite).
    @Suite("SDP topology hiding and ICE")
    struct SDPTopologyHiding {
        /// A caller and callee whose SDP says a lot about themselves, with
        /// media ports the test owns: runs `body` once the caller has its 200.
        static func call<T>(_ test: TestContext, conf: LegatoConf,
                            _ body: (_ answer: String, _ offer: String, _ callerMedia: UDPSocket,
                                     _ calleeMedia: UDPSocket) async throws -> T) async throws -> T {
            let callerMedia = try UDPSocket(port: test.ports.spare)
            let calleeMedia = try UDPSocket(port: test.ports.uac2Media)
            var uac = test.uac("uac-ice-identity.xml")
            uac.keys = ["rtp_port": "\(test.ports.spare)"]
            var uas = test.uas("uas-answer-identity.xml")
            uas.keys = ["rtp_port": "\(test.ports.uac2Media)"]
            return try await withLegato(conf, artifacts: test.artifacts) { legato in
                let callee = try await SippProcess.start(uas, artifacts: test.artifacts)
                let caller = try await SippProcess.start(uac, artifacts: test.artifacts)
                var ok: SIPMessage?
                _ = await waitUntil(timeout: .seconds(10)) {
                    ok = caller.trace.responses(to: "INVITE", .received, code: 200).first
                    return ok != nil
                }
                let answer = try #require(ok).body
                let offer = try #require(callee.trace.requests("INVITE", .received).first).body
                let result = try await body(answer, offer, callerMedia, calleeMedia)
                expectSuccess(try await caller.finish())
                expectSuccess(try await callee.finish(within: .seconds(15)))
                try await legato.expectNoCallsLeft()
                return result
            }
        }

        static func bindingRequest(username: String, password: String, transaction: [UInt8]) -> [UInt8] {
            var builder = STUNMessageBuilder(type: STUNMessage.bindingRequest, transactionID: transaction)
            builder.append(STUNMessage.username, Array(username.utf8))
            builder.append(0x0024, [0x6E, 0x00, 0x01, 0xFF])
            return builder.encoded(integrityKey: Array(password.utf8), fingerprint: true)
        }

        static func attribute(_ name: String, in body: String) -> String? {
            body.split(whereSeparator: \.isNewline).first { $0.hasPrefix("a=\(name):") }
                .map { String($0.dropFirst(name.count + 3)) }
        }

        @Test("relay: neither side's tool, o=, s=, i=, SSRC/CNAME, msid, bundle or ICE lines reach the other")
        func sdpIdentityDoesNotCross() async throws {
            let test = try TestContext()
            try await Self.call(test, conf: test.relayConf()) { answer, offer, _, _ in
                for secret in ["baresip", "o=bob", "4242", "s=Secret", "1234", "15063", "calleestream", "CALLEEUF",
                               "calleepwd", "a=candidate", "a=ice-", "a=ssrc", "a=msid", "\(test.ports.uac2Media)"] {
                    #expect(!answer.contains(secret), "the caller's 200 reveals \(secret):\n\(answer)")
                }
                for secret in ["callertool", "linphone", "o=alice", "5151", "CallerSecret", "Alice", "callercname", "987654",
                               "callerstream", "CALLERUF", "callerpwd", "198.51.100.77", "a=candidate", "a=ice-",
                               "a=group", "a=mid", "a=ssrc", "a=msid", "\(test.ports.spare)"] {
                    #expect(!offer.contains(secret), "the callee's INVITE reveals \(secret):\n\(offer)")
                }
                #expect(answer.contains("o=legato ") && offer.contains("o=legato "), "\(answer)\n\(offer)")
                #expect(answer.contains("s=-\r\n") && offer.contains("s=-\r\n"))
                // What describes the media crosses.
                #expect(offer.contains("a=rtpmap:101 telephone-event/8000") && offer.contains("a=fmtp:101 0-16"))
                #expect(offer.contains("a=ptime:20") && offer.contains("a=sendrecv"), "\(offer)")
                #expect(answer.contains("a=rtpmap:0 PCMU/8000") && answer.contains("a=sendrecv"), "\(answer)")
            }
        }

        @Test("relay: a STUN Binding Request sent to the caller's relay port never reaches the callee; RTP does")
        func stunDoesNotCross() async throws {
            let test = try TestContext()
            try await Self.call(test, conf: test.relayConf()) { answer, _, callerMedia, calleeMedia in
                let legatoA = try #require(RelayMedia.audioPort(in: answer))
                let request = Self.bindingRequest(username: "anything:CALLERUF", password: "callerpwdcallerpwdcallerpwd",
                                                  transaction: Array(1...12))
                try callerMedia.send(request, toPort: legatoA)
                let packet = RelayMedia.rtpPacket(sequence: 3)
                try callerMedia.send(packet, toPort: legatoA)
                let arrived = calleeMedia.receiveAll(for: .seconds(1)).map(\.bytes)
                #expect(arrived == [packet], "the callee got \(arrived.count) datagrams: \(arrived.map { $0.prefix(8) })")
                #expect(callerMedia.receive(timeout: .milliseconds(200)) == nil, "remove mode answers no STUN")
            }
        }

        @Test("media.ice lite: an ICE caller gets ice-lite, Legato's credentials and candidates, and its check is answered")
        func iceLiteAnswersConnectivityChecks() async throws {
            let test = try TestContext()
            let conf = test.relayConf(extraMedia: ["  ice: lite"])
            try await Self.call(test, conf: conf) { answer, offer, callerMedia, calleeMedia in
                let legatoA = try #require(RelayMedia.audioPort(in: answer))
                #expect(answer.contains("a=ice-lite\r\n"), "\(answer)")
                let ufrag = try #require(Self.attribute("ice-ufrag", in: answer), "\(answer)")
                let pwd = try #require(Self.attribute("ice-pwd", in: answer), "\(answer)")
                #expect(ufrag != "CALLERUF" && ufrag != "CALLEEUF" && ufrag.count >= 4 && pwd.count >= 22)
                #expect(answer.contains("a=candidate:1 1 UDP 2130706431 127.0.0.1 \(legatoA) typ host"), "\(answer)")
                #expect(answer.contains("a=candidate:1 2 UDP 2130706430 127.0.0.1 \(legatoA + 1) typ host"), "\(answer)")
                // The callee offered nothing yet when Legato offered to it: no ICE lines towards it.
                #expect(!offer.contains("a=ice-") && !offer.contains("a=candidate"), "\(offer)")

                let transaction: [UInt8] = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0xAA, 0x55]
                try callerMedia.send(Self.bindingRequest(username: "\(ufrag):CALLERUF", password: pwd,
                                                         transaction: transaction), toPort: legatoA)
                let reply = try #require(callerMedia.receive(timeout: .seconds(2)), "no Binding response")
                #expect(reply.fromPort == legatoA)
                let response = try #require(STUNMessage(reply.bytes))
                #expect(response.type == STUNMessage.bindingSuccess)
                #expect(Array(response.transactionID) == transaction)
                #expect(response.xorMappedAddress == MediaEndpoint(host: "127.0.0.1", port: test.ports.spare))
                #expect(response.hasValidIntegrity(key: Array(pwd.utf8)))
                #expect(response.hasValidFingerprint)
                // A check with someone else's ufrag gets nothing; neither reaches the callee.
                try callerMedia.send(Self.bindingRequest(username: "CALLEEUF:CALLERUF", password: pwd,
                                                         transaction: Array(1...12)), toPort: legatoA)
                #expect(callerMedia.receive(timeout: .milliseconds(500)) == nil)
                #expect(calleeMedia.receiveAll(for: .milliseconds(300)).isEmpty)
            }
        }
    }
}
