import Yams

/// A 1-based position in the configuration file.
struct SourcePosition: Equatable {
    var line: Int
    var column: Int

    /// Start of the file, used when the document is empty.
    static let start = SourcePosition(line: 1, column: 1)

    init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// Position of `node`; Yams marks are already 1-based.
    init(_ node: Node) {
        self.init(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
    }
}

/// Collects the errors found while reading one file, so that all of them can be reported at once.
///
/// Lives for one `ConfigLoader.parse` call on one thread; not shared.
final class Diagnostics {
    /// The file path every error names.
    let file: String
    /// Errors in the order they were found.
    private(set) var errors: [ConfigError] = []
    /// Warnings: the conf loads, but a setting probably does not do what was meant.
    private(set) var warnings: [ConfigError] = []

    /// Records a warning about `key` at the position of `node`.
    func warn(_ message: String, key: String, at node: Node) {
        let position = SourcePosition(node)
        warnings.append(ConfigError(file: file, line: position.line, column: position.column, key: key, message: message))
    }

    init(file: String) {
        self.file = file
    }

    /// Records `message` about `key` at `position`.
    func report(_ message: String, key: String, at position: SourcePosition) {
        errors.append(ConfigError(file: file, line: position.line, column: position.column, key: key, message: message))
    }

    /// Records `message` about `key` at the position of `node`.
    func report(_ message: String, key: String, at node: Node) {
        report(message, key: key, at: SourcePosition(node))
    }
}

extension String {
    /// This key path extended by a mapping key: `trunks` + `local` → `trunks.local`.
    func appendingKey(_ key: String) -> String {
        isEmpty ? key : self + "." + key
    }

    /// This key path extended by a sequence index: `listeners` + 1 → `listeners[1]`.
    func appendingIndex(_ index: Int) -> String {
        self + "[\(index)]"
    }
}
