import Foundation
import LegatoAudio
import Synchronization
import Testing
@testable import LegatoMedia

/// Worker-level benchmark of playback and recording (not a test: runs only
/// with `LEGATO_BENCH_MEDIA_APPS=1`; see docs/performance.md for figures):
/// N sessions on one worker each playing the same looped clip (decoded once,
/// through the shared cache) to a loopback sink, and M sessions recorded to
/// WAV. Reports late ticks, CPU per generated packet, RSS per call, lost frames.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LEGATO_BENCH_MEDIA_APPS"] == "1"), .serialized)
struct MediaAppsBenchmark {
    static var playbacks: Int { Int(ProcessInfo.processInfo.environment["LEGATO_BENCH_PLAYBACKS"] ?? "") ?? 500 }
    static var recordings: Int { Int(ProcessInfo.processInfo.environment["LEGATO_BENCH_RECORDINGS"] ?? "") ?? 300 }
    static let seconds = 10.0
    static let pcmu: [RelayLeg: [UInt8: AudioCodec]] = [.a: [0: .pcmu], .b: [0: .pcmu]]

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func rssKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    @Test func playback() async throws {
        let n = Self.playbacks
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("legato-bench-\(getpid()).wav").path
        defer { unlink(path) }
        // A 10 s 8 kHz prompt.
        let done = DispatchSemaphore(value: 0)
        let writer = try RecordingWriter(path: path, format: .wav, channels: 1, sampleRate: 8000) { _, _ in done.signal() }
        let tone = (0..<80000).map { Int16(8000 * sin(2 * Double.pi * 440 * Double($0) / 8000)) }
        for start in stride(from: 0, to: tone.count, by: 160) { tone[start..<(start + 160)].withUnsafeBufferPointer { _ = writer.append($0) } }
        writer.finish()
        done.wait()

        let sink = try TestUDPEndpoint(host: "127.0.0.1")
        let pool = try MediaWorkerPool(workerCount: 1, portRange: 50000...(50000 + n * 4 + 8), events: { _ in })
        defer { pool.shutdown() }
        let cache = AudioClipCache()
        let idle = Self.rssKiB()
        var sessions: [RelaySession] = []
        for index in 0..<n {
            let session = try await pool.createRelaySession(id: MediaSessionID(UInt64(index + 1)), address: "127.0.0.1")
            try await session.setRemote(.a, rtp: sink.endpoint)
            let clip = try await cache.clip(url: path, sampleRate: 8000)
            try await session.startPlayback(.a, playback: UInt64(index), source: .clip(clip, loop: true), codec: .pcmu, payloadType: 0)
            sessions.append(session)
        }
        #expect(cache.count == 1)
        try await Task.sleep(for: .seconds(1))
        let rss = Self.rssKiB()
        let cpu0 = Self.cpuSeconds()
        var sent0 = 0
        for s in sessions { sent0 += try await s.playbackTiming(.a).sent }
        try await Task.sleep(for: .seconds(Self.seconds))
        let cpu1 = Self.cpuSeconds()
        var sent1 = 0, late = 0
        for s in sessions {
            let timing = try await s.playbackTiming(.a)
            sent1 += timing.sent
            late += timing.late
        }
        let packets = sent1 - sent0
        let expected = Double(n) * Self.seconds * 50
        print("""
            bench-media-apps playback: \(n) playbacks on 1 worker, \(Self.seconds) s: \(packets) packets \
            (\(String(format: "%.1f", 100 * Double(packets) / expected)) % of \(Int(expected))), late ticks \(late), \
            CPU \(String(format: "%.2f", (cpu1 - cpu0) / Self.seconds * 100)) % of a core, \
            \(String(format: "%.2f", (cpu1 - cpu0) / Double(packets) * 1e6)) µs/packet, \
            RSS \(String(format: "%.1f", Double(rss - idle) / Double(n))) KiB/call, clips cached \(cache.count)
            """)
        #expect(late == 0)
        for s in sessions { await s.releaseAndWait() }
    }

    @Test func recording() async throws {
        let n = Self.recordings
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("legato-bench-rec-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pool = try MediaWorkerPool(workerCount: 1, portRange: 50000...(50000 + n * 4 + 8), events: { _ in })
        defer { pool.shutdown() }
        let results = Mutex<[(frames: Int, lost: Int)]>([])
        let source = try TestUDPEndpoint(host: "127.0.0.1")
        var sessions: [RelaySession] = []
        let begun = ContinuousClock.now
        for index in 0..<n {
            let session = try await pool.createRelaySession(id: MediaSessionID(UInt64(index + 1)), address: "127.0.0.1")
            let writer = try RecordingWriter(path: "\(folder)/\(index).wav", format: .wav, channels: 2, sampleRate: 8000) { frames, lost in
                results.withLock { $0.append((frames, lost)) }
            }
            try await session.startRecording(UInt64(index), writer: writer, stereo: true, codecs: Self.pcmu)
            sessions.append(session)
        }
        // Some audio into every leg A, 20 ms apart, for the whole run.
        let cpu0 = Self.cpuSeconds()
        let start = ContinuousClock.now
        var sequence: UInt16 = 0
        while ContinuousClock.now - start < .seconds(Self.seconds) {
            sequence &+= 1
            for s in sessions { try source.send(rtpPacket(sequence: sequence), to: s.ports.a.rtp) }
            try await Task.sleep(for: .milliseconds(20))
        }
        let cpu1 = Self.cpuSeconds()
        let measured = (ContinuousClock.now - start) / .seconds(1)
        for s in sessions { await s.releaseAndWait() }
        let recorded = (ContinuousClock.now - begun) / .seconds(1)
        _ = try await waitUntil(timeout: .seconds(20)) { results.withLock { $0.count } == n }
        let all = results.withLock { $0 }
        let lost = all.reduce(0) { $0 + $1.lost }, frames = all.reduce(0) { $0 + $1.frames }
        print("""
            bench-media-apps recording: \(n) stereo WAV recordings on 1 worker, \(Self.seconds) s: \(all.count) files closed, \
            \(String(format: "%.1f", Double(frames) / Double(n) / 8000)) s of audio per file on average \
            (sessions lived \(String(format: "%.1f", recorded)) s from the first start to the last release), lost frames \(lost), \
            process CPU while all recorded \(String(format: "%.1f", (cpu1 - cpu0) / measured * 100)) % of a core \
            (incl. the test's RTP sender and the writer thread)
            """)
        #expect(all.count == n)
        #expect(lost == 0)
    }
}
