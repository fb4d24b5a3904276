import Foundation

/// Test tones and what a recording of them contains: writes a sine tone as a
/// WAV file (the audio source of a baresip instance), reads the WAV files
/// baresip's `sndfile` module records, and measures them — the energy at a
/// frequency (Goertzel), the dominant one of a few candidates, and how much
/// of the recording is not silence.
enum ToneAudio {
    /// Mono samples in -1…1 at `sampleRate` (the first channel of a multi-channel file).
    struct Recording: Sendable {
        var sampleRate: Int
        var samples: [Double]

        var seconds: Double { Double(samples.count) / Double(sampleRate) }

        /// The last `seconds` of the recording (all of it when shorter).
        func suffix(seconds: Double) -> Recording {
            Recording(sampleRate: sampleRate, samples: Array(samples.suffix(Int(seconds * Double(sampleRate)))))
        }

        /// The recording without its first `seconds`.
        func dropFirst(seconds: Double) -> Recording {
            Recording(sampleRate: sampleRate, samples: Array(samples.dropFirst(Int(seconds * Double(sampleRate)))))
        }

        /// Samples `from`…`to` seconds.
        func slice(from start: Double, to end: Double) -> Recording {
            let lower = min(samples.count, max(0, Int(start * Double(sampleRate))))
            let upper = min(samples.count, max(lower, Int(end * Double(sampleRate))))
            return Recording(sampleRate: sampleRate, samples: Array(samples[lower..<upper]))
        }
    }

    /// The dominant candidate and how much stronger it is than the next one.
    struct Dominant: Sendable, CustomStringConvertible {
        var frequency: Double
        /// Power of the winner over the power of the runner-up (∞ when the runner-up has none).
        var ratio: Double
        var description: String { "\(Int(frequency)) Hz (×\(ratio.isFinite ? String(format: "%.1f", ratio) : "∞") the next)" }
    }

    // MARK: - writing

    /// Writes a 16-bit PCM mono WAV of a sine tone (`amplitude` of full scale).
    static func writeTone(frequency: Double, seconds: Double, to path: String,
                          sampleRate: Int = 8000, amplitude: Double = 0.3) throws {
        let count = Int(seconds * Double(sampleRate))
        let samples = (0..<count).map { index in
            Int16(clamping: Int((amplitude * sin(2 * .pi * frequency * Double(index) / Double(sampleRate)) * 32767).rounded()))
        }
        try writeWAV(samples, to: path, sampleRate: sampleRate)
    }

    /// Writes `samples` as a 16-bit PCM mono WAV.
    static func writeWAV(_ samples: [Int16], to path: String, sampleRate: Int = 8000) throws {
        var pcm = [UInt8]()
        pcm.reserveCapacity(samples.count * 2)
        for sample in samples {
            pcm.append(UInt8(truncatingIfNeeded: sample))
            pcm.append(UInt8(truncatingIfNeeded: sample >> 8))
        }
        var file = [UInt8]()
        file += Array("RIFF".utf8) + le32(36 + pcm.count) + Array("WAVE".utf8)
        file += Array("fmt ".utf8) + le32(16) + le16(1) + le16(1) + le32(sampleRate) + le32(sampleRate * 2)
            + le16(2) + le16(16)
        file += Array("data".utf8) + le32(pcm.count) + pcm
        guard FileManager.default.createFile(atPath: path, contents: Data(file)) else {
            throw HarnessError("cannot write \(path)")
        }
    }

    private static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
    private static func le32(_ value: Int) -> [UInt8] { le16(value & 0xFFFF) + le16((value >> 16) & 0xFFFF) }

    // MARK: - reading

    /// Reads a RIFF/WAVE file: walks the chunks for `fmt ` and `data`;
    /// accepts PCM 8/16/24/32-bit, IEEE float 32/64 and WAVE_FORMAT_EXTENSIBLE
    /// of those; keeps the first channel. A `data` size of 0 or past the end
    /// of the file (a writer killed before it fixed the header) means "to the end".
    static func readWAV(_ path: String) throws -> Recording {
        guard let data = FileManager.default.contents(atPath: path) else { throw HarnessError("cannot read \(path)") }
        let bytes = [UInt8](data)
        guard bytes.count >= 12, String(decoding: bytes[0..<4], as: UTF8.self) == "RIFF",
              String(decoding: bytes[8..<12], as: UTF8.self) == "WAVE" else {
            throw HarnessError("\(path) is not a RIFF/WAVE file (\(bytes.count) bytes)")
        }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }

        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        var offset = 12
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            var size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt ", body + 16 <= bytes.count {
                var tag = u16(body)
                if tag == 0xFFFE, size >= 40, body + 26 <= bytes.count { tag = u16(body + 24) }  // extensible: sub-format GUID
                format = (tag, u16(body + 2), u32(body + 4), u16(body + 14))
            } else if id == "data" {
                guard let format else { throw HarnessError("\(path): data chunk before fmt chunk") }
                if size == 0 || body + size > bytes.count { size = bytes.count - body }
                return try decode(Array(bytes[body..<body + size]), format: format, path: path)
            }
            offset = body + size + (size & 1)   // chunks are padded to even sizes
        }
        throw HarnessError("\(path): no data chunk")
    }

    private static func decode(_ data: [UInt8], format: (tag: Int, channels: Int, rate: Int, bits: Int),
                               path: String) throws -> Recording {
        let width = format.bits / 8
        let frame = width * max(1, format.channels)
        guard width > 0, frame > 0 else { throw HarnessError("\(path): \(format.bits) bits per sample") }
        var samples = [Double]()
        samples.reserveCapacity(data.count / frame)
        var at = 0
        while at + width <= data.count {
            var raw: UInt64 = 0
            for byte in 0..<width { raw |= UInt64(data[at + byte]) << (8 * UInt64(byte)) }
            switch (format.tag, format.bits) {
            case (1, 8): samples.append((Double(raw) - 128) / 128)
            case (1, 16): samples.append(Double(Int16(truncatingIfNeeded: raw)) / 32768)
            case (1, 24): samples.append(Double(Int32(truncatingIfNeeded: raw << 8) >> 8) / 8_388_608)
            case (1, 32): samples.append(Double(Int32(truncatingIfNeeded: raw)) / 2_147_483_648)
            case (3, 32): samples.append(Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw))))
            case (3, 64): samples.append(Double(bitPattern: raw))
            default: throw HarnessError("\(path): unsupported WAV format tag \(format.tag), \(format.bits) bits")
            }
            at += frame
        }
        return Recording(sampleRate: format.rate, samples: samples)
    }

    // MARK: - analysis

    /// Energy at `frequency` (Goertzel), summed over 100 ms blocks and
    /// normalised by the sample count, so recordings of different lengths compare.
    static func power(at frequency: Double, in recording: Recording) -> Double {
        let block = max(1, recording.sampleRate / 10)
        let coefficient = 2 * cos(2 * .pi * frequency / Double(recording.sampleRate))
        var total = 0.0
        var start = 0
        while start < recording.samples.count {
            let end = min(recording.samples.count, start + block)
            var previous = 0.0, beforePrevious = 0.0
            for index in start..<end {
                let current = recording.samples[index] + coefficient * previous - beforePrevious
                beforePrevious = previous
                previous = current
            }
            total += previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
            start = end
        }
        return recording.samples.isEmpty ? 0 : total / Double(recording.samples.count)
    }

    /// The candidate with the most energy, or nil for an empty or all-zero recording.
    static func dominant(of candidates: [Double], in recording: Recording) -> Dominant? {
        let powers = candidates.map { ($0, power(at: $0, in: recording)) }.sorted { $0.1 > $1.1 }
        guard let best = powers.first, best.1 > 0 else { return nil }
        let next = powers.count > 1 ? powers[1].1 : 0
        return Dominant(frequency: best.0, ratio: next > 0 ? best.1 / next : .infinity)
    }

    /// How much of the recording's energy is a sine at `frequency` (0…1):
    /// per 100 ms block, the least-squares fit of a sine and cosine at that
    /// frequency against the block's energy. A clean tone through G.711 is
    /// about 1; added noise or a second signal lowers it (half noise: ~0.5).
    static func toneFraction(at frequency: Double, in recording: Recording) -> Double {
        let block = max(1, recording.sampleRate / 10)
        var tone = 0.0, total = 0.0
        var start = 0
        while start + block <= recording.samples.count {
            var inPhase = 0.0, quadrature = 0.0
            for index in start..<start + block {
                let phase = 2 * .pi * frequency * Double(index) / Double(recording.sampleRate)
                let sample = recording.samples[index]
                inPhase += sample * cos(phase)
                quadrature += sample * sin(phase)
                total += sample * sample
            }
            tone += 2 * (inPhase * inPhase + quadrature * quadrature) / Double(block)
            start += block
        }
        return total > 0 ? min(1, tone / total) : 0
    }

    /// The fraction of 20 ms frames whose RMS level is above `threshold` (of full scale).
    static func nonSilentFraction(of recording: Recording, threshold: Double = 0.02) -> Double {
        let frame = max(1, recording.sampleRate / 50)
        var frames = 0, loud = 0
        var start = 0
        while start + frame <= recording.samples.count {
            var sum = 0.0
            for index in start..<start + frame { sum += recording.samples[index] * recording.samples[index] }
            frames += 1
            if (sum / Double(frame)).squareRoot() > threshold { loud += 1 }
            start += frame
        }
        return frames == 0 ? 0 : Double(loud) / Double(frames)
    }
}
