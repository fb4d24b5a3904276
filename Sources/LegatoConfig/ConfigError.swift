/// One problem found in a configuration file, with the position and key it concerns.
///
/// `description` is `FILE:LINE:COLUMN: KEY: MESSAGE`, e.g.
/// `conf/legato.conf:14:11: listeners[0].port: expected an integer, found 'abc'`.
/// Errors that concern no particular key (YAML syntax errors) leave `key` empty and the
/// `KEY: ` part is omitted; errors that concern the whole file (it cannot be read) have
/// `line` and `column` 0 and the `LINE:COLUMN:` part is omitted.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The configuration file, as the path was given to the loader.
    public var file: String
    /// 1-based line of the offending key or value; 0 when the error concerns the whole file.
    public var line: Int
    /// 1-based column (in Unicode scalars) of the offending key or value; 0 when `line` is 0.
    public var column: Int
    /// Dotted path of the offending key, e.g. `routes[0].action`, `trunks.local.uri`,
    /// `listeners[1].port`; empty for YAML syntax errors and file errors.
    public var key: String
    /// What is wrong, in words meant for the person editing the file.
    public var message: String

    /// An error at `line`:`column` of `file` (0, 0 for the whole file) about `key` (empty: none).
    public init(file: String, line: Int, column: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    /// `FILE:LINE:COLUMN: KEY: MESSAGE` (see the type's documentation for the short forms).
    public var description: String {
        var text = file
        if line > 0 { text += ":\(line):\(column)" }
        text += ": "
        if !key.isEmpty { text += key + ": " }
        return text + message
    }
}

/// Every problem found in one configuration file, in file order (by line, then column).
///
/// Thrown by `ConfigLoader`; never empty. `description` is one `ConfigError.description` per line.
public struct ConfigErrors: Error, CustomStringConvertible, Equatable, Sendable {
    /// The problems, sorted by line and column. At least one.
    public var errors: [ConfigError]

    /// Wraps `errors`, sorting them by position (stable, so errors at one position keep their order).
    public init(_ errors: [ConfigError]) {
        precondition(!errors.isEmpty, "ConfigErrors needs at least one error")
        self.errors = errors.enumerated()
            .sorted { ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset) }
            .map(\.element)
    }

    /// The first problem in file order.
    public var first: ConfigError { errors[0] }

    /// One error per line, each as `ConfigError.description`.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
