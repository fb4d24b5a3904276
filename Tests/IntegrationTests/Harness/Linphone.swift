import Foundation

/// linphone's console client (Debian `linphone-cli`, liblinphone 5.1), run by
/// a test beside baresip: its own linphonerc (`LinphoneRC`) and HOME in the
/// test's artifacts, driven over stdin with the console commands (`call`,
/// `answer`, `terminate`, `quit`); what it prints on stdout (unbuffered) tells
/// the call's progress.
///
/// Audio: file mode (`soundcard use files`): `play` sends a WAV (a tone from
/// `ToneAudio`, looped), `record` writes what it hears, 8 kHz 16-bit mono.
/// Gotchas of this version:
/// - without `$HOME/.local/share/linphone` (its database) the core never
///   comes up: no SIP listener, calls fail with "no channel available";
/// - `-d 6 -l FILE` logs every SIP message (the trace this harness reads);
/// - with ICE, host candidates (and the SDP's default `c=`) are the machine's
///   non-loopback addresses: liblinphone skips loopback interfaces and no rc
///   key restricts the list. Its RTP socket stays on 127.0.0.1 (Legato latches);
/// - even without ICE, mediastreamer sends one 20-byte STUN packet to the
///   remote RTP and RTCP ports when the stream starts (Legato's relay ports here).
final class Linphone {
    struct Options {
        /// File prefix in the artifacts directory; also the display name.
        var name: String
        /// The user in the `[sip] contact` (what it calls itself).
        var user: String
        var sipPort: Int
        /// Even port: RTP here, RTCP on the next one.
        var rtpPort: Int
        var toneFile: String
        var autoAnswer = false
        var timeLimit: Duration = .seconds(90)

        /// The callee behind Legato's trunk: SIP on `ports.uas`, RTP base+12/+13; auto-answers.
        static func callee(_ ports: PortBlock, tone: String, user: String = "1000") -> Options {
            Options(name: "callee", user: user, sipPort: ports.uas, rtpPort: ports.uasMedia, toneFile: tone, autoAnswer: true)
        }

        /// A caller: SIP on `ports.uac`, RTP base+8/+9.
        static func caller(_ ports: PortBlock, tone: String) -> Options {
            Options(name: "caller", user: "caller", sipPort: ports.uac, rtpPort: ports.uacMedia, toneFile: tone)
        }
    }

    static let executable = ProcessInfo.processInfo.environment["LINPHONEC_BIN"] ?? "/usr/bin/linphonec"

    let options: Options
    /// HOME of the process: linphonerc, database, ZRTP cache, recording.
    let homeDirectory: URL
    /// liblinphone's log at level 6, with every SIP message sent and received.
    let logPath: String
    /// The console: prompts, command answers and call events.
    let consolePath: String
    /// What linphonec heard (`record`).
    let recordingPath: String
    private let child: ChildProcess
    private let input: FileHandle

    private init(options: Options, homeDirectory: URL, logPath: String, consolePath: String,
                 recordingPath: String, child: ChildProcess, input: FileHandle) {
        self.options = options
        self.homeDirectory = homeDirectory
        self.logPath = logPath
        self.consolePath = consolePath
        self.recordingPath = recordingPath
        self.child = child
        self.input = input
    }

    /// Writes the linphonerc, starts linphonec, waits for its SIP port and
    /// switches it to file audio (and auto-answer for a callee).
    static func start(_ options: Options, artifacts: Artifacts) async throws -> Linphone {
        let home = artifacts.directory.appendingPathComponent("\(options.name)-linphone")
        try? FileManager.default.removeItem(at: home)
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".local/share/linphone"),
                                                withIntermediateDirectories: true)
        let rcPath = home.appendingPathComponent("linphonerc").path
        try LinphoneRC.text(options).write(toFile: rcPath, atomically: true, encoding: .utf8)
        let logPath = artifacts.path("\(options.name)-linphone.log")
        let consolePath = artifacts.path("\(options.name)-linphone.console")
        let pipe = Pipe()
        let child = try ChildProcess(executable, ["-c", rcPath, "-d", "6", "-l", logPath], timeLimit: options.timeLimit,
                                     stdout: consolePath, stderr: consolePath + ".stderr", workingDirectory: home,
                                     stdin: pipe.fileHandleForReading, environment: ["HOME": home.path])
        let linphone = Linphone(options: options, homeDirectory: home, logPath: logPath, consolePath: consolePath,
                                recordingPath: home.appendingPathComponent("heard.wav").path, child: child,
                                input: pipe.fileHandleForWriting)
        let listening = await waitUntil(timeout: .seconds(30)) {
            Ports.isBound(options.sipPort, udp: true) || !child.isRunning
        }
        guard listening, child.isRunning else {
            let state = child.isRunning ? "still running" : "exited \(child.status ?? -1)"
            await linphone.stop()
            throw HarnessError("""
                linphonec \(options.name) did not listen on SIP \(options.sipPort) within 30 s (\(state)); \
                console \(consolePath), log \(logPath):
                \(Artifacts.read(consolePath).suffix(1500))
                """)
        }
        linphone.send("soundcard use files")
        linphone.send("play \(options.toneFile)")
        linphone.send("record \(linphone.recordingPath)")
        if options.autoAnswer { linphone.send("autoanswer enable") }
        guard await linphone.waitForConsole("Using wav files", timeout: .seconds(10)) else {
            await linphone.stop()
            throw HarnessError("linphonec \(options.name) did not switch to file audio; console \(consolePath)")
        }
        return linphone
    }

    var isRunning: Bool { child.isRunning }
    /// liblinphone's log so far (SIP messages included).
    var log: String { Artifacts.read(logPath) }
    var console: String { Artifacts.read(consolePath) }

    /// Writes one console command (a line on stdin).
    func send(_ command: String) {
        guard child.isRunning else { return }
        try? input.write(contentsOf: Data((command + "\n").utf8))
    }

    /// `call uri`.
    func dial(_ uri: String) { send("call \(uri)") }

    /// `terminate`: hangs up the current call.
    func hangUp() { send("terminate") }

    /// Waits until the console has shown `text` `count` times; false on timeout.
    func waitForConsole(_ text: String, count: Int = 1, timeout: Duration = .seconds(10)) async -> Bool {
        await waitUntil(timeout: timeout, interval: .milliseconds(50)) {
            console.components(separatedBy: text).count - 1 >= count
        }
    }

    /// Waits for "Call n with … connected." (both directions).
    func waitForConnected(timeout: Duration = .seconds(15)) async -> Bool {
        await waitUntil(timeout: timeout, interval: .milliseconds(50)) {
            console.split(whereSeparator: \.isNewline).contains { $0.hasPrefix("Call ") && $0.hasSuffix(" connected.") }
        }
    }

    /// Waits for "Call n with … ended (…)".
    func waitForEnded(timeout: Duration = .seconds(10)) async -> Bool {
        await waitUntil(timeout: timeout, interval: .milliseconds(50)) {
            console.split(whereSeparator: \.isNewline).contains { $0.hasPrefix("Call ") && $0.contains(" ended (") }
        }
    }

    /// Seconds of 8 kHz 16-bit mono audio recorded so far (from the file size).
    var recordedSeconds: Double {
        let size = (try? FileManager.default.attributesOfItem(atPath: recordingPath))?[.size] as? Int ?? 0
        return Double(max(0, size - 44)) / 16_000
    }

    /// What it heard, read and decoded (complete once it has quit).
    func recording() throws -> ToneAudio.Recording {
        guard FileManager.default.fileExists(atPath: recordingPath) else {
            throw HarnessError("linphonec \(options.name) recorded nothing; console \(consolePath), log \(logPath)")
        }
        return try ToneAudio.readWAV(recordingPath)
    }

    /// The SIP messages of the trace whose start line begins with `startLine`
    /// (e.g. "INVITE ", "SIP/2.0 200"), each as its lines up to the log's next entry.
    func sipMessages(startingWith startLine: String) -> [LinphoneRC.Message] {
        LinphoneRC.sipMessages(in: log, startingWith: startLine)
    }

    /// `quit`, then waits for the exit (so that the recording is closed);
    /// kills linphonec if it does not go within 5 s.
    func stop() async {
        send("quit")
        if await child.waitForExit(timeout: .seconds(5)) == nil { await child.forceKill() }
        try? input.close()
    }
}

/// Starts linphonec, runs `body`, and stops it afterwards even when `body` throws.
func withLinphone<T>(_ options: Linphone.Options, artifacts: Artifacts,
                     _ body: (Linphone) async throws -> T) async throws -> T {
    let linphone = try await Linphone.start(options, artifacts: artifacts)
    do {
        let result = try await body(linphone)
        await linphone.stop()
        return result
    } catch {
        await linphone.stop()
        throw error
    }
}
