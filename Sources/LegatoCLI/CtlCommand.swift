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

/// One request on the control socket: connect, send the line, read to EOF.
enum ControlClient {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func send(_ line: String, to path: String, timeoutSeconds: Int = 30) throws -> String {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: String(cString: strerror(errno))) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw Failure(description: "path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else { throw Failure(description: String(cString: strerror(errno))) }
        let request = Array((line + "\n").utf8)
        guard request.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == request.count else {
            throw Failure(description: "write failed: \(String(cString: strerror(errno)))")
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw Failure(description: "no answer: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            answer += buffer[0..<n]
        }
        return String(decoding: answer, as: UTF8.self)
    }
}
