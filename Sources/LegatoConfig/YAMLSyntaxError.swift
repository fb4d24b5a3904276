import Yams

/// Turns errors thrown by `Yams.compose` into `ConfigError`s with the file, line and column.
enum YAMLSyntaxError {
    /// A `ConfigError` (with an empty key) for `error`, thrown while composing `yaml` read from `file`.
    static func configError(_ error: any Error, file: String, yaml: String) -> ConfigError {
        func make(_ line: Int, _ column: Int, _ message: String) -> ConfigError {
            ConfigError(file: file, line: line, column: column, key: "", message: message)
        }
        guard let error = error as? YamlError else {
            return make(1, 1, "YAML error: \(error)")
        }
        switch error {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            var message = "YAML syntax error: " + describe(problem, context)
            if character(at: mark, in: yaml) == "\t" { message += "; indent with spaces, not tabs" }
            return make(mark.line, mark.column, message)
        case let .reader(problem, offset, _, yaml):
            let place = offset.map { position(ofCharacterOffset: $0, in: yaml) } ?? SourcePosition.start
            return make(place.line, place.column, "cannot read YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let name = duplicates.first ?? ""
            let first = context.mark
            let message = "duplicate key '\(name)'"
            if let again = repeatedKey(name, after: first, in: yaml) {
                return make(again.line, again.column, message + " (first on line \(first.line))")
            }
            return make(first.line, first.column, message)
        default:
            return make(1, 1, "YAML error: \(error)")
        }
    }

    /// "problem", "problem (while parsing a block mapping that started on line N)", or
    /// "expected a single document in the stream but found another document".
    private static func describe(_ problem: String, _ context: YamlError.Context?) -> String {
        guard let context else { return problem }
        guard context.text.hasPrefix("while") else { return "\(context.text) \(problem)" }
        return "\(problem) (\(context.text) that started on line \(context.mark.line))"
    }

    /// The character at `mark` (1-based line and Unicode-scalar column), if there is one.
    private static func character(at mark: Mark, in yaml: String) -> Unicode.Scalar? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let scalars = Array(lines[mark.line - 1].unicodeScalars)
        return mark.column >= 1 && mark.column <= scalars.count ? scalars[mark.column - 1] : nil
    }

    /// 1-based line and column of the character at `offset` (in Characters) in `text`.
    private static func position(ofCharacterOffset offset: Int, in text: String) -> SourcePosition {
        var line = 1, column = 1
        for character in text.prefix(offset) {
            if character.isNewline { line += 1; column = 1 } else { column += character.unicodeScalars.count }
        }
        return SourcePosition(line: line, column: column)
    }

    /// Yams reports a duplicate key at its first occurrence; the mistake is usually the later
    /// one. Looks for the same key at the same column further down, within the same block
    /// mapping (stopping at the first less-indented line). Block style only; nil if not found.
    private static func repeatedKey(_ name: String, after first: Mark, in yaml: String) -> SourcePosition? {
        guard !name.isEmpty else { return nil }
        let indent = first.column - 1
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line >= 1, first.line < lines.count else { return nil }
        for index in first.line..<lines.count {
            let line = Array(lines[index].unicodeScalars)
            let leading = line.prefix { $0 == " " }.count
            let content = String(String.UnicodeScalarView(line[leading...]))
            if content.isEmpty || content.hasPrefix("#") { continue }
            if leading < indent { return nil }
            guard leading == indent else { continue }
            for spelling in [name, "\"\(name)\"", "'\(name)'"] where content.hasPrefix(spelling) {
                let tail = content.dropFirst(spelling.count).drop { $0 == " " }
                if tail.hasPrefix(":") { return SourcePosition(line: index + 1, column: first.column) }
            }
        }
        return nil
    }
}
