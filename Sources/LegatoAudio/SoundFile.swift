import Glibc
internal import CSndFile

/// Reading sound files with libsndfile (WAV, FLAC, Ogg/Vorbis, MP3 and
/// whatever else the installed libsndfile reads), mixed down to mono and
/// resampled to the rate asked for. Blocking: call it off the media workers.
public enum SoundFile {
    /// The path of a playback URL: a local path or a `file://` URL.
    public static func path(of url: String) throws(AudioError) -> String {
        if url.hasPrefix("file://") {
            let rest = url.dropFirst("file://".count)
            // file:///abs/path or file://localhost/abs/path
            if rest.hasPrefix("/") { return String(rest).removingPercentEscapes }
            if rest.hasPrefix("localhost/") { return String(rest.dropFirst("localhost".count)).removingPercentEscapes }
            throw .unsupportedURL(url)
        }
        if url.contains("://") { throw .unsupportedURL(url) }
        return url
    }

    /// Decodes the file at `path` to mono at `sampleRate`; refuses files longer than `maxSeconds`.
    public static func decode(path: String, sampleRate: Int, maxSeconds: Double) throws(AudioError) -> AudioClip {
        guard access(path, R_OK) == 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw .unsupported(path: path, reason: String(cString: sf_strerror(nil)))
        }
        defer { sf_close(file) }
        let channels = Int(info.channels)
        guard channels > 0, info.samplerate > 0 else { throw .unsupported(path: path, reason: "no audio") }
        let seconds = Double(info.frames) / Double(info.samplerate)
        guard seconds <= maxSeconds else { throw .overLimit(path: path, seconds: seconds, limit: maxSeconds) }
        var mono: [Int16] = []
        mono.reserveCapacity(Int(max(0, info.frames)))
        var buffer = [Int16](repeating: 0, count: 4096 * channels)
        while true {
            let frames = buffer.withUnsafeMutableBufferPointer { sf_readf_short(file, $0.baseAddress, 4096) }
            if frames <= 0 { break }
            for f in 0..<Int(frames) {
                var sum = 0
                for c in 0..<channels { sum += Int(buffer[f * channels + c]) }
                mono.append(Int16(sum / channels))
            }
            if Double(mono.count) / Double(info.samplerate) > maxSeconds {
                throw .overLimit(path: path, seconds: Double(mono.count) / Double(info.samplerate), limit: maxSeconds)
            }
        }
        if sf_error(file) != 0 && mono.isEmpty {
            throw .unsupported(path: path, reason: String(cString: sf_strerror(file)))
        }
        guard !mono.isEmpty else { throw .unsupported(path: path, reason: "no samples") }
        return AudioClip(sampleRate: sampleRate, samples: Resampler.convert(mono, from: Int(info.samplerate), to: sampleRate))
    }
}

extension String {
    /// `%XX` escapes decoded (file URLs).
    var removingPercentEscapes: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
