import LegatoAudio
import Testing

@Suite("G.711")
struct G711Tests {
    @Test("μ-law: known code words (G.711 tables)")
    func ulawKnown() {
        #expect(G711.ulaw(0) == 0xFF)
        #expect(G711.ulaw(-1) == 0x7F)
        #expect(G711.ulaw(32767) == 0x80)
        #expect(G711.ulaw(-32768) == 0x00)
        #expect(G711.linear(ulaw: 0xFF) == 0)
        #expect(G711.linear(ulaw: 0x80) == 32124)
        #expect(G711.linear(ulaw: 0x00) == -32124)
        #expect(G711.linear(ulaw: 0xEF) == 132)
        #expect(G711.linear(ulaw: 0xFE) == 8)
    }

    @Test("A-law: known code words (G.711 tables)")
    func alawKnown() {
        #expect(G711.alaw(0) == 0xD5)
        #expect(G711.alaw(-8) == 0x55)
        #expect(G711.alaw(32767) == 0xAA)
        #expect(G711.alaw(-32768) == 0x2A)
        #expect(G711.linear(alaw: 0xD5) == 8)
        #expect(G711.linear(alaw: 0x55) == -8)
        #expect(G711.linear(alaw: 0xAA) == 32256)
        #expect(G711.linear(alaw: 0x2A) == -32256)
    }

    @Test("every code word decodes and re-encodes to itself (both laws)")
    func roundTrip() {
        for byte in 0...255 {
            let u = UInt8(byte)
            // 0x7F and 0xFF both decode to 0 in μ-law (negative and positive zero).
            if u != 0x7F { #expect(G711.ulaw(G711.linear(ulaw: u)) == u, "μ-law \(byte)") }
            #expect(G711.alaw(G711.linear(alaw: u)) == u, "A-law \(byte)")
        }
    }

    @Test("encode then decode keeps a sample within the law's step")
    func quantisation() {
        for value in stride(from: -32000, through: 32000, by: 997) {
            let s = Int16(value)
            let u = Int(G711.linear(ulaw: G711.ulaw(s)))
            let a = Int(G711.linear(alaw: G711.alaw(s)))
            let step = max(16, abs(value) / 16)
            #expect(abs(u - value) <= step, "μ-law \(value) → \(u)")
            #expect(abs(a - value) <= step, "A-law \(value) → \(a)")
        }
    }
}
