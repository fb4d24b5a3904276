import Testing
@testable import LegatoSecurity

@Suite("CIDR")
struct CIDRTests {
    @Test("IPv4 blocks contain exactly their addresses")
    func ipv4Containment() throws {
        let block = try #require(CIDR("10.1.0.0/16"))
        #expect(block.contains(IPAddress("10.1.255.7")!))
        #expect(!block.contains(IPAddress("10.2.0.1")!))
        #expect(CIDR("0.0.0.0/0")!.contains(IPAddress("203.0.113.9")!))
        #expect(CIDR("127.0.0.2")!.contains(IPAddress("127.0.0.2")!))
        #expect(!CIDR("127.0.0.2")!.contains(IPAddress("127.0.0.3")!))
        #expect(CIDR("192.168.1.128/25")!.contains(IPAddress("192.168.1.200")!))
        #expect(!CIDR("192.168.1.128/25")!.contains(IPAddress("192.168.1.127")!))
    }

    @Test("IPv6 blocks, compressed forms and IPv4-mapped sources")
    func ipv6Containment() throws {
        let block = try #require(CIDR("2001:db8::/32"))
        #expect(block.contains(IPAddress("2001:db8:ffff::1")!))
        #expect(!block.contains(IPAddress("2001:db9::1")!))
        #expect(CIDR("::1")!.contains(IPAddress("0:0:0:0:0:0:0:1")!))
        #expect(!block.contains(IPAddress("10.0.0.1")!), "families never match")
        // A source on an IPv6 socket as ::ffff:a.b.c.d matches IPv4 blocks.
        let mapped = try #require(IPAddress("::ffff:127.0.0.2"))
        #expect(mapped.isIPv4)
        #expect(CIDR("127.0.0.0/8")!.contains(mapped))
        #expect(CIDR("::ffff:127.0.0.0/104")!.contains(IPAddress("127.9.9.9")!))
    }

    @Test("Malformed blocks are refused", arguments: [
        "", "/", "10.0.0.0/", "10.0.0.0/33", "10.0.0.1/24", "10.0.0/8", "10.0.0.0.0/8", "256.0.0.0/8",
        "10.0.0.0/-1", "10.0.0.0/8/8", "1::2::3", "2001:db8::/129", "2001:db8::1/32", "fe80::1%eth0", "12345::",
        "::ffff:10.0.0.0/95", "a.b.c.d", " 10.0.0.0/8", "10.0.0.0 /8", "0x0a.0.0.0/8", "::g",
    ])
    func malformed(_ text: String) {
        #expect(CIDR(text) == nil, "'\(text)'")
    }

    @Test("Seeded mutations never crash the parser and what it accepts round-trips")
    func fuzz() {
        var rng = SeededGenerator(seed: 0x5EC0_1D)
        let seeds = ["10.0.0.0/8", "192.168.1.128/25", "2001:db8::/32", "::1", "::ffff:10.0.0.0/104", "fe80::/10",
                     "0.0.0.0/0", "1:2:3:4:5:6:7:8/128", "1:2:3:4:5:6:1.2.3.4"]
        let alphabet = Array("0123456789abcdefABCDEF:./%- x\u{0}\u{ff}")
        var accepted = 0
        for _ in 0..<20_000 {
            var chars = Array(seeds.randomElement(using: &rng)!)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                switch Int.random(in: 0..<3, using: &rng) {
                case 0 where !chars.isEmpty: chars.remove(at: Int.random(in: 0..<chars.count, using: &rng))
                case 1: chars.insert(alphabet.randomElement(using: &rng)!, at: Int.random(in: 0...chars.count, using: &rng))
                default:
                    if !chars.isEmpty {
                        chars[Int.random(in: 0..<chars.count, using: &rng)] = alphabet.randomElement(using: &rng)!
                    }
                }
            }
            guard let block = CIDR(String(chars)) else { continue }
            accepted += 1
            // What parses contains its own network and re-parses to itself.
            #expect(block.contains(block.network))
            #expect(CIDR(block.description) == block, "\(String(chars)) → \(block)")
        }
        #expect(accepted > 100, "the mutations should keep some inputs valid")
    }
}

/// SplitMix64: a deterministic generator for the seeded fuzz tests.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SeededGenerator {
    /// `seed` with `edits` random byte replacements, deletions and insertions
    /// (bytes drawn from `alphabet`); never empty (`filler` stands in).
    mutating func mutated(_ seed: [UInt8], edits: Int, alphabet: [UInt8], filler: UInt8) -> [UInt8] {
        var data = seed
        for _ in 0..<edits {
            let at = Int.random(in: 0..<data.count, using: &self)
            switch Int.random(in: 0..<3, using: &self) {
            case 0: data[at] = alphabet.randomElement(using: &self)!
            case 1: data.remove(at: at)
            default: data.insert(alphabet.randomElement(using: &self)!, at: at)
            }
            if data.isEmpty { data = [filler] }
        }
        return data
    }
}
