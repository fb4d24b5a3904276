import LegatoAudio
import Testing

@Suite("Progress tone plans and the tone source")
struct TonePlanTests {
    /// Goertzel power of `frequency` in `samples`.
    static func power(_ frequency: Double, _ samples: [Int16], rate: Int = 8000) -> Double {
        let k = 2 * (2 * Double.pi * frequency / Double(rate)).cosine
        var s1 = 0.0, s2 = 0.0
        for sample in samples {
            let s0 = Double(sample) + k * s1 - s2
            s2 = s1
            s1 = s0
        }
        return s1 * s1 + s2 * s2 - k * s1 * s2
    }

    static func generate(_ plan: TonePlan, seconds: Double, rate: Int = 8000) -> [Int16] {
        let source = ToneSource(plan: plan, sampleRate: rate)
        var out: [Int16] = []
        var frame = [Int16](repeating: 0, count: rate / 50)
        for _ in 0..<Int(seconds * 50) {
            #expect(frame.withUnsafeMutableBufferPointer { source.read(into: $0) })
            out += frame
        }
        return out
    }

    @Test("every country has ringback, busy and congestion; unknown countries have none")
    func countries() {
        for country in ProgressTones.countries {
            for tone in ProgressTone.allCases {
                #expect(ProgressTones.plan(tone, country: country) != nil, "\(country) \(tone)")
            }
        }
        #expect(ProgressTones.plan(.ringback, country: "us") == ProgressTones.plan(.ringback, country: "US"))
        #expect(ProgressTones.plan(.ringback, country: "XX") == nil)
    }

    @Test("US ringback: 440+480 Hz for 2 s, then 4 s of silence (6 s period)")
    func usRingback() throws {
        let plan = try #require(ProgressTones.plan(.ringback, country: "US"))
        #expect(plan.period == 6000)
        let samples = Self.generate(plan, seconds: 6.5)
        let on = Array(samples[800..<15200])
        #expect(Self.power(440, on) > 100 * Self.power(1000, on))
        #expect(Self.power(480, on) > 100 * Self.power(1000, on))
        #expect(Self.power(480, on) > 100 * Self.power(620, on))
        let off = samples[16000..<48000]
        #expect(off.allSatisfy { $0 == 0 })
        // The next period starts at 6 s.
        #expect(samples[48000..<49600].contains { abs($0) > 1000 })
    }

    @Test("GB ringback has its double burst; DE busy is 425 Hz 480 ms on/off; US busy is 480+620 Hz")
    func otherPlans() throws {
        let gb = try #require(ProgressTones.plan(.ringback, country: "GB"))
        #expect(gb.segments.map(\.milliseconds) == [400, 200, 400, 2000])
        let de = Self.generate(try #require(ProgressTones.plan(.busy, country: "DE")), seconds: 1)
        #expect(Self.power(425, Array(de[0..<3840])) > 100 * Self.power(440 + 100, Array(de[0..<3840])))
        #expect(de[3840..<7680].allSatisfy { $0 == 0 })
        let us = Self.generate(try #require(ProgressTones.plan(.busy, country: "US")), seconds: 0.5)
        #expect(Self.power(620, us) > 100 * Self.power(440, us))
    }

    @Test("the source works at 16 kHz (G.722 legs): 320 samples a frame, same cadence")
    func wideband() throws {
        let plan = try #require(ProgressTones.plan(.ringback, country: "FR"))
        let samples = Self.generate(plan, seconds: 2, rate: 16000)
        #expect(samples.count == 32000)
        #expect(samples[0..<24000].contains { abs($0) > 1000 })
        #expect(samples[24000..<32000].allSatisfy { $0 == 0 })
        #expect(Self.power(440, Array(samples[0..<16000]), rate: 16000) > 100 * Self.power(1000, Array(samples[0..<16000]), rate: 16000))
    }
}

private extension Double {
    var cosine: Double { _cos(self) }
}

import Foundation
private func _cos(_ x: Double) -> Double { cos(x) }
