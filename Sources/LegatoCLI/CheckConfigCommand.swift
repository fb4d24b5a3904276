import ArgumentParser
import Legato
#if canImport(Glibc)
import Glibc
#endif

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file without starting (exit 0 when valid).")

    @Argument(help: "The configuration file.")
    var file: String

    func run() throws {
        do {
            let config = try ConfigLoader.load(path: file)
            for warning in config.warnings { FileHandleStderr.write("warning: \(warning.description)\n") }
            print("\(file): OK (\(config.listeners.count) listener(s), \(config.trunks.count) trunk(s), \(config.routes.count) route(s))")
        } catch {
            FileHandleStderr.write("\(error.description)\n")
            throw ExitCode(2)
        }
    }
}

/// Writes to standard error without Foundation.
enum FileHandleStderr {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
