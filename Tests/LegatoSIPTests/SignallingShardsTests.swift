import Testing
@testable import LegatoSIP

/// The shard router's Call-ID hashing (CSofiaShim/shard_router.c): every
/// message of a dialog, whatever its form, goes to the same shard.
@Suite struct SignallingShardsTests {
    static func message(_ start: String, _ headers: [String]) -> [UInt8] {
        Array((([start] + headers).joined(separator: "\r\n") + "\r\n\r\nv=0\r\n").utf8)
    }

    let invite = message("INVITE sip:100@127.0.0.1 SIP/2.0", [
        "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1", "From: <sip:a@127.0.0.1>;tag=1",
        "To: <sip:100@127.0.0.1>", "Call-ID: 8f2c1e@host.example", "CSeq: 1 INVITE", "Content-Length: 5"])

    @Test func everyFormOfTheCallIDGoesToTheSameShard() throws {
        let forms = [
            Self.message("SIP/2.0 200 OK", ["Via: x", "call-id:8f2c1e@host.example", "CSeq: 1 INVITE"]),
            Self.message("BYE sip:a@127.0.0.1 SIP/2.0", ["i: 8f2c1e@host.example", "CSeq: 2 BYE"]),
            Self.message("ACK sip:a@127.0.0.1 SIP/2.0", ["CALL-ID \t :  8f2c1e@host.example  ", "CSeq: 1 ACK"]),
            Self.message("CANCEL sip:a@127.0.0.1 SIP/2.0", ["Call-ID: 8f2c1e", " @host.example", "CSeq: 1 CANCEL"]),
        ]
        for count in 2...8 {
            let owner = try #require(SignallingShards.owner(of: invite, count: count))
            #expect((0..<count).contains(owner))
            for form in forms {
                #expect(SignallingShards.owner(of: form, count: count) == owner, "\(String(decoding: form, as: UTF8.self))")
            }
        }
    }

    @Test func otherHeadersAndTheBodyDoNotCount() {
        let lookalikes = Self.message("OPTIONS sip:a SIP/2.0", ["X-Call-ID: 1", "Via: i: 2", "Content-Length: 12"])
            + Array("Call-ID: 3\r\n".utf8)
        #expect(SignallingShards.owner(of: lookalikes, count: 4) == nil)
        #expect(SignallingShards.owner(of: Self.message("INVITE sip:a SIP/2.0", ["Call-ID:   "]), count: 4) == nil)
        #expect(SignallingShards.owner(of: Array("\r\n\r\n".utf8), count: 4) == nil)
        #expect(SignallingShards.owner(of: [], count: 4) == nil)
    }

    @Test func oneShardRoutesNothing() {
        #expect(SignallingShards.owner(of: invite, count: 1) == nil)
    }

    @Test func callIDsSpreadEvenly() {
        var counts = [Int](repeating: 0, count: 4)
        for n in 0..<8000 {
            let message = Self.message("INVITE sip:a SIP/2.0", ["Call-ID: \(n)-\(n * 7919)@198.51.100.\(n % 250)"])
            if let owner = SignallingShards.owner(of: message, count: 4) { counts[owner] += 1 }
        }
        #expect(counts.reduce(0, +) == 8000)
        for count in counts { #expect((1700...2300).contains(count), "\(counts)") }
    }

    @Test func madeCallIDsBelongToTheirShard() throws {
        var seen = Set<String>()
        for index in 0..<5 {
            for _ in 0..<20 {
                let callID = try #require(SignallingShards.makeCallID(index: index, count: 5))
                #expect(callID.count == 24)
                seen.insert(callID)
                let message = Self.message("SIP/2.0 180 Ringing", ["Call-ID: \(callID)"])
                #expect(SignallingShards.owner(of: message, count: 5) == index)
            }
        }
        #expect(seen.count == 100)
    }
}
