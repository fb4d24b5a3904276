import Foundation

/// A per-test directory for generated confs, daemon logs and sipp traces.
///
/// Kept after the run (`$TMPDIR/legato-it/<run>/<test>`) so a failing test
/// can be read afterwards; failure messages name the files.
struct Artifacts: Sendable {
    let directory: URL

    /// One directory per test run (process), created on first use.
    static let runDirectory: URL = {
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        return FileManager.default.temporaryDirectory
            .appendingPathComponent("legato-it")
            .appendingPathComponent("\(stamp)-\(getpid())")
    }()

    init(_ name: String) throws {
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
        directory = Self.runDirectory.appendingPathComponent(safe)
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ file: String) -> String { directory.appendingPathComponent(file).path }

    func write(_ text: String, to file: String) throws -> String {
        let path = path(file)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The file's text, or "" when it does not exist (yet).
    static func read(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
