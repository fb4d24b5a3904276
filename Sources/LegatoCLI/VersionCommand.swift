import ArgumentParser

/// The version `legato version` prints.
enum LegatoVersion {
    static let string = "0.1.0"
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Legato's version.")

    func run() {
        print("legato \(LegatoVersion.string)")
    }
}
