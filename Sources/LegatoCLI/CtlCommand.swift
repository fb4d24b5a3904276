import ArgumentParser
import Legato
#if canImport(Glibc)
import Glibc
#endif

/// `legato ctl`: talks to a running daemon over its control socket (`admin.control`).
struct CtlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Control a running daemon: status, calls, hangup ID, reload, drain, media ID|all direct|relay.",
        discussion: "The socket is --socket, else admin.control of --config. Exit status 1 when the daemon answers an error.")

    @Option(name: .long, help: "The control socket (default: admin.control of --config).")
    var socket: String?

    @Option(name: .long, help: "The configuration file naming admin.control.")
    var config: String = "conf/legato.conf"

    @Flag(name: .long, help: "JSON output.")
    var json = false

    @Argument(help: "The command and its arguments.")
    var command: [String]

    func run() throws {
        let path: String
        if let socket {
            path = socket
        } else {
            guard let configuration = try? ConfigLoader.load(path: config), let control = configuration.admin.control else {
                FileHandleStderr.write("legato ctl: no --socket, and \(config) names no admin.control\n")
                throw ExitCode(2)
            }
            path = control
        }
        let line = (command + (json ? ["--json"] : [])).joined(separator: " ")
        let answer: String
        do {
            answer = try ControlClient.send(line, to: path)
        } catch {
            FileHandleStderr.write("legato ctl: \(path): \(error)\n")
            throw ExitCode(2)
        }
        print(answer, terminator: "")
        if answer.hasPrefix("error:") { throw ExitCode(1) }
    }
}
