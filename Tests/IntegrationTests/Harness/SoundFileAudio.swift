import CSndFile
import Foundation

/// Sound files the tests cannot read with `ToneAudio.readWAV` (FLAC, MP3,
/// and any multi-channel file), decoded with libsndfile into one
/// `ToneAudio.Recording` per channel, so the frequency analysis of
/// `ToneAudio` applies to each channel.
enum SoundFileAudio {
    /// A decoded file: its container/encoding as libsndfile reports them, and its channels.
    struct Decoded: Sendable {
        /// `SF_FORMAT_WAV`, `SF_FORMAT_FLAC`, `SF_FORMAT_MPEG`… (the major format of `SF_INFO.format`).
        var majorFormat: Int
        /// `SF_FORMAT_PCM_16`, `SF_FORMAT_MPEG_LAYER_III`… (the subtype of `SF_INFO.format`).
        var subtype: Int
        var sampleRate: Int
        /// Frames the header declares (`SF_INFO.frames`, before decoding).
        var declaredFrames: Int
        /// One recording per channel (left, right for stereo), samples in -1…1.
        var channels: [ToneAudio.Recording]

        var seconds: Double { channels.first?.seconds ?? 0 }
        /// The major format's name: "WAV", "FLAC", "MPEG" (MP3), "OGG" or the hex value.
        var formatName: String {
            switch majorFormat {
            case Int(SF_FORMAT_WAV): return "WAV"
            case Int(SF_FORMAT_FLAC): return "FLAC"
            case Int(SF_FORMAT_MPEG): return "MPEG"
            case Int(SF_FORMAT_OGG): return "OGG"
            default: return String(format: "0x%08x", majorFormat)
            }
        }
    }

    /// Opens `path` with libsndfile (format from its content) and decodes every frame.
    static func read(_ path: String) throws -> Decoded {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw HarnessError("libsndfile cannot open \(path): \(String(cString: sf_strerror(nil)))")
        }
        defer { sf_close(file) }
        let channelCount = Int(info.channels)
        guard channelCount > 0, info.samplerate > 0 else {
            throw HarnessError("\(path): \(channelCount) channels at \(info.samplerate) Hz")
        }
        var perChannel = [[Double]](repeating: [], count: channelCount)
        var buffer = [Float](repeating: 0, count: 4096 * channelCount)
        while true {
            let frames = Int(buffer.withUnsafeMutableBufferPointer {
                sf_readf_float(file, $0.baseAddress, sf_count_t(4096))
            })
            if frames <= 0 { break }
            for frame in 0..<frames {
                for channel in 0..<channelCount {
                    perChannel[channel].append(Double(buffer[frame * channelCount + channel]))
                }
            }
        }
        let format = Int(info.format)
        return Decoded(majorFormat: format & Int(SF_FORMAT_TYPEMASK), subtype: format & Int(SF_FORMAT_SUBMASK),
                       sampleRate: Int(info.samplerate), declaredFrames: Int(info.frames),
                       channels: perChannel.map { ToneAudio.Recording(sampleRate: Int(info.samplerate), samples: $0) })
    }

    /// Writes a mono sine tone (`amplitude` of full scale) as `format`:
    /// "flac" (16-bit), "ogg" (Vorbis) or "mp3" (MPEG Layer III), with libsndfile.
    static func writeTone(frequency: Double, seconds: Double, to path: String, format: String,
                          sampleRate: Int = 8000, amplitude: Double = 0.3) throws {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = 1
        switch format {
        case "flac": info.format = Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        case "ogg": info.format = Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
        case "mp3": info.format = Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III)
        default: throw HarnessError("no libsndfile format for '\(format)'")
        }
        guard let file = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw HarnessError("libsndfile cannot write \(path) as \(format): \(String(cString: sf_strerror(nil)))")
        }
        let samples = (0..<Int(seconds * Double(sampleRate))).map {
            Float(amplitude * sin(2 * .pi * frequency * Double($0) / Double(sampleRate)))
        }
        let written = samples.withUnsafeBufferPointer { sf_writef_float(file, $0.baseAddress, sf_count_t(samples.count)) }
        sf_close(file)
        guard Int(written) == samples.count else { throw HarnessError("libsndfile wrote \(written) of \(samples.count) frames to \(path)") }
    }

    /// The first bytes of `path` (a format's magic number: "fLaC", "RIFF", "ID3", an MPEG frame sync).
    static func magic(_ path: String, count: Int = 4) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: count)) ?? Data())
    }
}
