import Foundation

/// A baresip (Debian `baresip-core`, v1.0) SIP client run by a test, driven
/// over its `ctrl_tcp` module, with its own generated config directory in the
/// test's artifacts.
///
/// Audio: the source is `aufile` playing a WAV (a tone from `ToneAudio`),
/// the player is a silent `aubridge` device, and the `sndfile` filter records
/// what is decoded (what the client hears, `…-dec.wav`) and what is encoded
/// (what it sends, `…-enc.wav`) into `recordingDirectory`, 8 kHz 16-bit mono
/// for G.711. Gotchas of this version:
/// - `aufile` ends the call when the WAV runs out: give it a tone longer than the call;
/// - after a re-INVITE that is not sendrecv (hold), the decode filter chain is
///   dropped and never rebuilt, so `-dec.wav` stops at the hold; see `startEcho`;
/// - the SIP listener also takes TCP port+1 (TLS), RTP takes `rtpPort` and RTCP `rtpPort + 1`.
final class Baresip {
    struct Options {
        /// File prefix in the artifacts directory.
        var name: String
        /// The account's user: baresip answers 404 to a request URI whose user is not it.
        var user: String
        var sipPort: Int
        var controlPort: Int
        /// Even port: RTP here, RTCP on the next one.
        var rtpPort: Int
        var toneFile: String
        var autoAnswer = false
        /// The account's `mediaenc`: `srtp` (best effort SDES, RTP/AVP) or `srtp-mand` (RTP/SAVP); nil for plain RTP.
        var mediaEncryption: String?
        var timeLimit: Duration = .seconds(90)
        /// The account's `audio_codecs` (e.g. `opus/48000/2`, `G722`; the `opus` and `g722` modules are loaded when named).
        var audioCodecs = "PCMU"

        /// The caller of a test: SIP on `ports.spare` (TLS +1), ctrl on base+6, RTP base+8/+9.
        static func caller(_ ports: PortBlock, tone: String) -> Options {
            Options(name: "caller", user: "caller", sipPort: ports.spare, controlPort: ports.base + 6, rtpPort: ports.uacMedia,
                    toneFile: tone)
        }

        /// The callee behind Legato's trunk (account user `calleeUser`, the number dialled):
        /// SIP on `ports.uas` (TLS +1), ctrl on base+7, RTP base+12/+13; auto-answers.
        static func callee(_ ports: PortBlock, tone: String, calleeUser: String = "1000") -> Options {
            Options(name: "callee", user: calleeUser, sipPort: ports.uas, controlPort: ports.base + 7, rtpPort: ports.uasMedia,
                    toneFile: tone, autoAnswer: true)
        }

        /// A third party (e.g. a transfer target) on the ports the caller and
        /// callee leave free: SIP on base+16 (TLS +17), ctrl on base+18, RTP
        /// base+14/+15; auto-answers.
        static func third(_ ports: PortBlock, tone: String, user: String, name: String = "target") -> Options {
            Options(name: name, user: user, sipPort: ports.base + 16, controlPort: ports.base + 18, rtpPort: ports.base + 14,
                    toneFile: tone, autoAnswer: true)
        }
    }

    static let executable = ProcessInfo.processInfo.environment["BARESIP_BIN"] ?? "/usr/bin/baresip"
    static let modulePath = "/usr/lib/baresip/modules"

    let options: Options
    /// The `-f` config directory (config, accounts).
    let configDirectory: URL
    let recordingDirectory: URL
    /// baresip's stdout and stderr (with `-s`, the SIP trace too).
    let logPath: String
    private let child: ChildProcess
    let control: BaresipControl

    private init(options: Options, configDirectory: URL, recordingDirectory: URL, logPath: String,
                 child: ChildProcess, control: BaresipControl) {
        self.options = options
        self.configDirectory = configDirectory
        self.recordingDirectory = recordingDirectory
        self.logPath = logPath
        self.child = child
        self.control = control
    }

    /// Writes the config, starts baresip and connects to its ctrl_tcp port.
    static func start(_ options: Options, artifacts: Artifacts) async throws -> Baresip {
        let configDirectory = artifacts.directory.appendingPathComponent("\(options.name)-baresip")
        // baresip's sndfile module cuts a recording's path at about 100
        // characters (a long test name made it write a file with no suffix):
        // record under a short path, linked from the test's artifacts.
        let recordingDirectory = URL(fileURLWithPath: "/tmp/legato-rec-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.removeItem(at: configDirectory)
        try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: recordingDirectory, withIntermediateDirectories: true)
        try? FileManager.default.createSymbolicLink(at: configDirectory.appendingPathComponent("recordings"),
                                                    withDestinationURL: recordingDirectory)
        try config(options, recordingDirectory: recordingDirectory.path)
            .write(to: configDirectory.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        try (account(options) + "\n")
            .write(to: configDirectory.appendingPathComponent("accounts"), atomically: true, encoding: .utf8)
        let logPath = artifacts.path("\(options.name)-baresip.log")
        let child = try ChildProcess(executable, ["-s", "-f", configDirectory.path], timeLimit: options.timeLimit,
                                     stdout: logPath, stderr: logPath + ".stderr", workingDirectory: configDirectory)
        // Generous: on a loaded two-core machine baresip can take seconds to start.
        let listening = await waitUntil(timeout: .seconds(30)) {
            (Ports.isBound(options.controlPort, udp: false) && Ports.isBound(options.sipPort, udp: true))
                || !child.isRunning
        }
        guard listening, child.isRunning else {
            let state = child.isRunning ? "still running" : "exited \(child.status ?? -1)"
            await child.forceKill()
            throw HarnessError("""
                baresip \(options.name) did not listen on SIP \(options.sipPort) and ctrl_tcp \(options.controlPort) \
                within 30 s (\(state)); log \(logPath):
                \(Artifacts.read(logPath).suffix(2000))\(Artifacts.read(logPath + ".stderr").suffix(1000))
                """)
        }
        do {
            let control = try BaresipControl(port: options.controlPort)
            return Baresip(options: options, configDirectory: configDirectory, recordingDirectory: recordingDirectory,
                           logPath: logPath, child: child, control: control)
        } catch {
            await child.forceKill()
            throw error
        }
    }

    /// The config file: loopback only, G.711, aufile source, aubridge player, sndfile recorder, ctrl_tcp.
    static func config(_ options: Options, recordingDirectory: String) -> String {
        let codecs = options.audioCodecs.lowercased()
        let codecModules: [String] = (codecs.contains("opus") ? ["module opus.so"] : [])
            + (codecs.contains("g722") ? ["module g722.so"] : [])
        let head: [String] = [
            "# generated by the Legato integration tests (baresip 1.0)",
            "poll_method epoll",
            "sip_listen 127.0.0.1:\(options.sipPort)",
            "net_interface 127.0.0.1",
            "dns_server 127.0.0.1:53",
            "rtp_ports \(options.rtpPort)-\(options.rtpPort + 1)",
            "audio_player aubridge,\(options.name)-player",
            "audio_alert aubridge,\(options.name)-alert",
            "audio_source aufile,\(options.toneFile)",
            "ausrc_srate 8000",
            "auplay_srate 8000",
            "ausrc_channels 1",
            "auplay_channels 1",
            "snd_path \(recordingDirectory)",
            "ctrl_tcp_listen 127.0.0.1:\(options.controlPort)",
            "module_path \(modulePath)",
            "module g711.so",
        ]
        let tail: [String] = [
            "module aufile.so",
            "module aubridge.so",
            "module sndfile.so",
            "module srtp.so",
            "module_app account.so",
            "module_app menu.so",
            "module_app ctrl_tcp.so",
        ]
        return (head + codecModules + tail).joined(separator: "\n") + "\n"
    }

    /// The `accounts` line: no registration, PCMU only (or `audioCodecs`), auto-answer for a callee.
    static func account(_ options: Options) -> String {
        var line = "<sip:\(options.user)@127.0.0.1>;regint=0;audio_codecs=\(options.audioCodecs)"
        line += ";answermode=\(options.autoAnswer ? "auto" : "manual")"
        if let mediaEncryption = options.mediaEncryption { line += ";mediaenc=\(mediaEncryption)" }
        return line
    }

    var isRunning: Bool { child.isRunning }
    /// stdout so far: baresip's log and, with `-s`, every SIP message it sent and received.
    var log: String { Artifacts.read(logPath) }

    /// `/dial uri`.
    func dial(_ uri: String) async throws {
        let response = try await control.command("dial", uri)
        guard response.ok != false else { throw HarnessError("baresip \(options.name): dial \(uri) failed: \(response.raw)") }
    }

    /// `/transfer uri`: a blind transfer (REFER) of the current call to `uri`.
    func transfer(to uri: String) async throws {
        let response = try await control.command("transfer", uri)
        guard response.ok != false else {
            throw HarnessError("baresip \(options.name): transfer \(uri) failed: \(response.raw)")
        }
    }

    func waitForEvent(_ type: String, count: Int = 1, timeout: Duration = .seconds(10)) async -> Bool {
        await control.waitForEvent(type, count: count, timeout: timeout)
    }

    /// The newest recording of what this client heard (`…-dec.wav`) or sent (`…-enc.wav`).
    func recordingPath(heard: Bool = true) -> String? {
        let suffix = heard ? "-dec.wav" : "-enc.wav"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: recordingDirectory.path)) ?? []
        return files.filter { $0.hasSuffix(suffix) }.sorted().last.map { recordingDirectory.appendingPathComponent($0).path }
    }

    /// Seconds of audio in that recording so far: from the file size and the
    /// canonical 44-byte header's rate and channels (8 kHz mono for G.711,
    /// 48 kHz for Opus), 16-bit samples.
    func recordedSeconds(heard: Bool = true) -> Double {
        guard let path = recordingPath(heard: heard),
              let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else { return 0 }
        var bytesPerSecond = 16_000
        if let handle = FileHandle(forReadingAtPath: path) {
            let header = [UInt8]((try? handle.read(upToCount: 44)) ?? Data())
            try? handle.close()
            if header.count == 44 {
                let channels = Int(header[22]) | Int(header[23]) << 8
                let rate = Int(header[24]) | Int(header[25]) << 8 | Int(header[26]) << 16 | Int(header[27]) << 24
                if channels > 0, rate > 0 { bytesPerSecond = rate * channels * 2 }
            }
        }
        return Double(max(0, size - 44)) / Double(bytesPerSecond)
    }

    /// The recording, read and decoded.
    func recording(heard: Bool = true) throws -> ToneAudio.Recording {
        guard let path = recordingPath(heard: heard) else {
            throw HarnessError("baresip \(options.name) recorded nothing in \(recordingDirectory.path); log \(logPath)")
        }
        return try ToneAudio.readWAV(path)
    }

    /// Status lines of the failure responses (3xx–6xx) in the SIP trace, e.g. "SIP/2.0 488 Not Acceptable Here".
    var failureResponses: [String] {
        log.split(whereSeparator: \.isNewline).filter {
            $0.hasPrefix("SIP/2.0 ") && ("3"..."6").contains(String($0.dropFirst(8).prefix(1)))
        }.map(String.init)
    }

    /// The remote RTP addresses baresip reported ("incoming rtp for 'audio' established, receiving from A:P").
    var rtpSources: [String] {
        log.components(separatedBy: "receiving from ").dropFirst().compactMap {
            $0.split(whereSeparator: { $0 == "\n" || $0 == " " }).first.map(String.init)
        }
    }

    /// Turns the client into an echo of what it hears, for the rest of the
    /// call: player and source become one new `aubridge` device, so what is
    /// played goes out again — and through the encode filter, which (unlike
    /// the decode one) survives a hold, into `…-enc.wav`. Switching both to
    /// a fresh device is needed: closing either end of an aubridge device
    /// stops it.
    func startEcho(device: String) async throws {
        for command in ["auplay", "ausrc"] {
            let response = try await control.command(command, "aubridge,\(device)")
            guard response.ok != false else { throw HarnessError("baresip \(options.name): \(command) failed: \(response.raw)") }
        }
    }

    /// `/quit`, then waits for the exit (so that sndfile closes its WAV
    /// files); kills baresip if it does not go within 5 s.
    func stop() async {
        if child.isRunning { _ = try? await control.command("quit", timeout: .seconds(2)) }
        if await child.waitForExit(timeout: .seconds(5)) == nil { await child.forceKill() }
    }
}

/// Starts baresip, runs `body`, and stops baresip afterwards even when `body` throws.
func withBaresip<T>(_ options: Baresip.Options, artifacts: Artifacts,
                    _ body: (Baresip) async throws -> T) async throws -> T {
    let baresip = try await Baresip.start(options, artifacts: artifacts)
    do {
        let result = try await body(baresip)
        await baresip.stop()
        return result
    } catch {
        await baresip.stop()
        throw error
    }
}
