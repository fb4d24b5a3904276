import Foundation

/// One sipp run: a scenario from `Scenarios/`, in one role, on its own ports,
/// with the message trace (`-trace_msg`), error log and statistics written
/// into the test's artifacts directory.
struct SippOptions {
    enum Transport: String, Sendable, CustomStringConvertible {
        case udp = "u1", tcp = "t1"
        var description: String { self == .udp ? "UDP" : "TCP" }
    }

    /// Scenario file name in `Scenarios/`, e.g. `uac-basic.xml`.
    var scenario: String
    /// Prefix of this run's files: `uac`, `uas`, `uac2`, …
    var role: String
    var localPort: Int
    var mediaPort: Int
    var controlPort: Int
    /// `127.0.0.1:<port>` for a caller; nil for a callee.
    var remotePort: Int?
    var transport: Transport = .udp
    /// `-s`: the dialed user.
    var service: String?
    /// `-m`: calls to make (caller) or to take (callee) before exiting.
    var calls = 1
    /// `-r`, `-l`: call rate per second and concurrent call limit.
    var rate: Int?
    var limit: Int?
    /// `-d`: length of `<pause/>` in milliseconds.
    var pauseMilliseconds: Int?
    /// `-key name value` for `[name]` in the scenario.
    var keys: [String: String] = [:]
    /// Text replaced in a copy of the scenario before sipp loads it (for
    /// what sipp checks at load time, such as a response's status code).
    var substitutions: [String: String] = [:]
    /// sipp quits (as a failure) after this (`-timeout … -timeout_error`);
    /// `timeout(1)` stops it 10 s later in any case.
    var timeLimit: Duration = .seconds(45)
    /// Local address sipp binds and, for a caller, the address of Legato it sends to.
    var localIP = "127.0.0.1"
    /// For a caller: the address of Legato, when sipp binds another one (`localIP` 127.0.0.2…).
    var remoteIP: String? = nil
    /// More sipp arguments (e.g. `-rtp_echo`).
    var extraArguments: [String] = []

    /// A caller of Legato on the test's caller ports.
    static func uac(_ scenario: String, _ ports: PortBlock, service: String = "1000",
                    transport: Transport = .udp, role: String = "uac") -> SippOptions {
        let second = role == "uac2"
        return SippOptions(scenario: scenario, role: role,
                           localPort: second ? ports.uac2 : ports.uac,
                           mediaPort: second ? ports.uac2Media : ports.uacMedia,
                           controlPort: second ? ports.uac2Control : ports.uacControl,
                           remotePort: ports.legato, transport: transport, service: service)
    }

    /// The callee behind Legato's trunk, on the test's callee ports.
    static func uas(_ scenario: String, _ ports: PortBlock, transport: Transport = .udp) -> SippOptions {
        SippOptions(scenario: scenario, role: "uas", localPort: ports.uas, mediaPort: ports.uasMedia,
                    controlPort: ports.uasControl, remotePort: nil, transport: transport)
    }
}

/// What a finished sipp run left behind.
struct SippResult: CustomStringConvertible {
    let options: SippOptions
    /// sipp's exit status: 0 all calls succeeded, 1 some failed, 97/99/255… see sipp(1);
    /// 124 or 128+n when `timeout(1)` had to stop it.
    let exitCode: Int32
    let trace: SIPTrace
    /// sipp's `-trace_err` file (unexpected messages, timeouts, …) and its contents.
    let errorPath: String
    let errors: String
    /// sipp's `-trace_logs` file (the scenarios' `<log>` actions).
    let logs: String
    let statisticsPath: String
    let outputPath: String

    /// The message log as sipp wrote it.
    var messageLog: String { Artifacts.read(trace.path) }

    /// The last row of the `-trace_stat` CSV as column → value.
    var finalStatistics: [String: String] {
        let rows = Artifacts.read(statisticsPath).split(whereSeparator: \.isNewline).map(String.init)
        guard rows.count >= 2 else { return [:] }
        let names = rows[0].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        let values = rows[rows.count - 1].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        return Dictionary(zip(names, values), uniquingKeysWith: { first, _ in first })
    }

    var successfulCalls: Int? { finalStatistics["SuccessfulCall(C)"].flatMap { Int($0) } }
    var failedCalls: Int? { finalStatistics["FailedCall(C)"].flatMap { Int($0) } }

    var description: String {
        """
        sipp \(options.role) (\(options.scenario), \(options.transport)) exit \(exitCode)
        \(trace)
        errors (\(errorPath)): \(errors.isEmpty ? "none" : String(errors.prefix(4000)))
        """
    }
}

/// A running sipp.
final class SippProcess: @unchecked Sendable {
    let options: SippOptions
    private let child: ChildProcess
    private let messagePath, errorPath, logPath, statisticsPath, outputPath: String

    init(_ options: SippOptions, artifacts: Artifacts) throws {
        self.options = options
        let prefix = options.role
        messagePath = artifacts.path("\(prefix).msg")
        errorPath = artifacts.path("\(prefix).err")
        logPath = artifacts.path("\(prefix).log")
        statisticsPath = artifacts.path("\(prefix).csv")
        outputPath = artifacts.path("\(prefix).out")
        for path in [messagePath, errorPath, logPath, statisticsPath] { try? FileManager.default.removeItem(atPath: path) }

        var scenario = try Paths.scenario(options.scenario)
        if !options.substitutions.isEmpty {
            var text = Artifacts.read(scenario)
            for (placeholder, value) in options.substitutions { text = text.replacingOccurrences(of: placeholder, with: value) }
            scenario = try artifacts.write(text, to: "\(prefix)-\(options.scenario)")
        }
        var arguments = [
            "-sf", scenario,
            "-i", options.localIP,
            "-p", "\(options.localPort)",
            "-mp", "\(options.mediaPort)",
            "-cp", "\(options.controlPort)",
            "-t", options.transport.rawValue,
            "-m", "\(options.calls)",
            "-nostdin",
            "-trace_msg", "-message_file", messagePath,
            "-trace_err", "-error_file", errorPath,
            "-trace_logs", "-log_file", logPath,
            "-trace_stat", "-stf", statisticsPath,
            "-timeout", "\(options.timeLimit.wholeSecondsRoundedUp)s", "-timeout_error",
        ]
        if let service = options.service { arguments += ["-s", service] }
        if let rate = options.rate { arguments += ["-r", "\(rate)"] }
        if let limit = options.limit { arguments += ["-l", "\(limit)"] }
        if let pause = options.pauseMilliseconds { arguments += ["-d", "\(pause)"] }
        for (key, value) in options.keys.sorted(by: { $0.key < $1.key }) { arguments += ["-key", key, value] }
        arguments += options.extraArguments
        if let remote = options.remotePort {
            let target = options.remoteIP ?? options.localIP
            let host = target.contains(":") ? "[\(target)]" : target
            arguments.append("\(host):\(remote)")
        }
        child = try ChildProcess(Paths.sipp, arguments, timeLimit: options.timeLimit + .seconds(10),
                                 stdout: outputPath, stderr: outputPath + ".stderr")
    }

    /// Starts sipp and, for a callee, waits until its SIP port is bound.
    static func start(_ options: SippOptions, artifacts: Artifacts) async throws -> SippProcess {
        let sipp = try SippProcess(options, artifacts: artifacts)
        if options.remotePort == nil { try await sipp.waitUntilListening() }
        return sipp
    }

    /// Starts sipp and waits for it to finish.
    static func run(_ options: SippOptions, artifacts: Artifacts) async throws -> SippResult {
        try await start(options, artifacts: artifacts).finish()
    }

    /// Waits until sipp has bound its SIP port (UDP or TCP, per transport).
    func waitUntilListening(timeout: Duration = .seconds(10)) async throws {
        let udp = options.transport == .udp
        let bound = await waitUntil(timeout: timeout) {
            Ports.isBound(options.localPort, udp: udp) || !child.isRunning
        }
        guard bound, child.isRunning else {
            throw HarnessError("sipp \(options.role) did not bind \(options.localIP):\(options.localPort) (\(options.transport)) "
                + "within \(timeout); output: \(Artifacts.read(outputPath).suffix(2000)) \(Artifacts.read(errorPath).suffix(2000))")
        }
    }

    /// The message trace so far (sipp flushes it message by message).
    var trace: SIPTrace { SIPTrace(path: messagePath) }
    var isRunning: Bool { child.isRunning }

    /// Waits for sipp to exit (it stops itself: `-m`, `-timeout`, and `timeout(1)`).
    /// With `within`, a sipp still running after that is killed (exit 137):
    /// a callee waiting for a call that is not coming.
    func finish(within: Duration? = nil) async throws -> SippResult {
        let limit = within ?? options.timeLimit + .seconds(20)
        guard let status = await child.waitForExit(timeout: limit) else {
            await child.forceKill()
            guard within != nil, let status = child.status else {
                throw HarnessError("sipp \(options.role) still running after \(limit) (killed); trace \(messagePath)")
            }
            return result(status)
        }
        return result(status)
    }

    private func result(_ status: Int32) -> SippResult {
        SippResult(options: options, exitCode: status, trace: SIPTrace(path: messagePath),
                   errorPath: errorPath, errors: Artifacts.read(errorPath), logs: Artifacts.read(logPath),
                   statisticsPath: statisticsPath, outputPath: outputPath)
    }
}
