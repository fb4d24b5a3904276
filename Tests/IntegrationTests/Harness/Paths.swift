import Foundation

/// Where the harness finds the daemon, the tools, the scenarios and the shared test data.
enum Paths {
    /// The package root, from this file's path (`Tests/IntegrationTests/Harness/Paths.swift`).
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: "\(#filePath)")
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.standardizedFileURL
    }()

    /// `/work/shared` next to the package (`<package root>/../shared`).
    static var sharedDirectory: URL {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared").standardizedFileURL
    }

    static let sipp = ProcessInfo.processInfo.environment["SIPP_BIN"] ?? "/usr/bin/sipp"
    static let timeout = "/usr/bin/timeout"

    /// The daemon under test: `$LEGATO_BIN`, else `<package root>/.build/debug/legato`.
    static func legatoBinary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["LEGATO_BIN"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw HarnessError("LEGATO_BIN=\(path) is not an executable file; build it with `swift build --product legato`")
            }
            return path
        }
        let path = packageRoot.appendingPathComponent(".build/debug/legato").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("""
                legato binary not found: set LEGATO_BIN or build \(path) \
                (cd \(packageRoot.path) && swift build --product legato)
                """)
        }
        return path
    }

    /// The path of a sipp scenario shipped in the test bundle's `Scenarios` folder.
    static func scenario(_ name: String) throws -> String {
        let scenarios = Bundle.module.resourceURL?.appendingPathComponent("Scenarios")
        guard let url = scenarios?.appendingPathComponent(name),
              FileManager.default.fileExists(atPath: url.path) else {
            throw HarnessError("scenario \(name) is not in the test bundle's Scenarios folder")
        }
        return url.path
    }

    /// Fails with a clear message when a tool the integration tests drive is missing.
    static func requireTool(_ path: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("\(path) is missing: the integration tests need it (apt-get install sipp)")
        }
    }
}

/// A harness failure, with a message meant for the person reading the test log.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
