import Foundation
import LegatoAudio
import Testing

@Suite("In-band DTMF and voice activity")
struct DetectorTests {
    /// `digits` as DTMF tones (100 ms on, 100 ms off) at 8 kHz.
    static func dtmf(_ digits: String) -> [Int16] {
        let rows: [Character: (Double, Double)] = [
            "1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "A": (697, 1633),
            "4": (770, 1209), "5": (770, 1336), "6": (770, 1477), "B": (770, 1633),
            "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "C": (852, 1633),
            "*": (941, 1209), "0": (941, 1336), "#": (941, 1477), "D": (941, 1633),
        ]
        var out = [Int16](repeating: 0, count: 800)
        for digit in digits {
            let (low, high) = rows[digit]!
            out += (0..<800).map { (i: Int) -> Int16 in
                let t = Double(i) / 8000
                let value: Double = sin(2 * Double.pi * low * t) + sin(2 * Double.pi * high * t)
                return Int16(6000 * value)
            }
            out += [Int16](repeating: 0, count: 800)
        }
        return out
    }

    static func run(_ detector: InBandDTMFDetector, _ samples: [Int16]) -> String {
        var heard = ""
        for start in stride(from: 0, to: samples.count, by: 160) {
            samples[start..<min(samples.count, start + 160)].withUnsafeBufferPointer { detector.feed($0) { heard.append($0) } }
        }
        return heard
    }

    @Test("spandsp dtmf_rx hears each digit of 159#*0 once")
    func digits() {
        #expect(Self.run(InBandDTMFDetector(), Self.dtmf("159#*0")) == "159#*0")
    }

    @Test("a single 440 Hz tone and speech-band noise are not digits")
    func notDigits() {
        let tone = (0..<16000).map { Int16(8000 * sin(2 * .pi * 440 * Double($0) / 8000)) }
        #expect(Self.run(InBandDTMFDetector(), tone) == "")
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<16000).map { _ in Int16.random(in: -3000...3000, using: &generator) }
        #expect(Self.run(InBandDTMFDetector(), noise) == "")
    }

    @Test("hysteresis: on after 3 speech frames, off after 25 silent ones, blips ignored")
    func hysteresis() {
        var vad = VoiceActivity()
        #expect(vad.frame(speech: true) == nil)
        #expect(vad.frame(speech: false) == nil)   // a blip resets the run
        #expect(vad.frame(speech: true) == nil)
        #expect(vad.frame(speech: true) == nil)
        #expect(vad.frame(speech: true) == true)
        #expect(vad.active)
        for _ in 0..<24 { #expect(vad.frame(speech: false) == nil) }
        #expect(vad.frame(speech: false) == false)
        #expect(!vad.active)
    }

    @Test("speexdsp VAD: silence stays silent; loud varying audio turns it on, silence turns it off")
    func speex() {
        let detector = VoiceActivityDetector()
        var changes: [Bool] = []
        func feed(_ samples: [Int16]) {
            for start in stride(from: 0, to: samples.count, by: 160) {
                samples[start..<(start + 160)].withUnsafeBufferPointer { if let c = detector.feed($0) { changes.append(c) } }
            }
        }
        feed([Int16](repeating: 0, count: 16000))
        #expect(changes.isEmpty)
        // A vowel-like sound: harmonics of a pitch that glides, amplitude-modulated at 4 Hz.
        let voiced = (0..<24000).map { i -> Int16 in
            let t = Double(i) / 8000
            let pitch = 120 + 30 * sin(2 * .pi * 0.7 * t)
            var v = 0.0
            for h in 1...12 { v += sin(2 * .pi * pitch * Double(h) * t) / Double(h) }
            return Int16(9000 * v * (0.6 + 0.4 * sin(2 * .pi * 4 * t)) / 2)
        }
        feed(voiced)
        feed([Int16](repeating: 0, count: 16000))
        #expect(changes == [true, false], "\(changes)")
    }
}
