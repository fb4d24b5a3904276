import ArgumentParser

/// `legato`: the Legato SIP B2BUA daemon.
@main
struct LegatoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "legato",
        abstract: "Legato: a programmable SIP back-to-back user agent.",
        subcommands: [RunCommand.self, CheckConfigCommand.self, CtlCommand.self, VersionCommand.self])
}
