import Yams

/// Reads one YAML mapping as a configuration section: looks keys up, converts their values
/// with the `Diagnostics` node readers, and reports unknown keys.
///
/// Absent keys and keys whose value is invalid both yield nil (or the default); invalid values
/// have already been reported, so the caller only needs to carry on.
struct MappingReader {
    /// Key path of this mapping (`""` for the document root).
    let path: String
    /// Where "missing key" errors point: the mapping's first key.
    let position: SourcePosition
    let diagnostics: Diagnostics
    private let entries: [(name: String, key: Node, value: Node)]

    /// Reads `node` as a mapping; reports and returns nil if it is anything else.
    init?(_ node: Node, path: String, diagnostics: Diagnostics) {
        guard let mapping = node.mapping else {
            diagnostics.report("expected a mapping, found \(node.found)", key: path, at: node)
            return nil
        }
        var entries: [(String, Node, Node)] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                diagnostics.report("keys must be plain strings, found \(key.found)", key: path, at: key)
                continue
            }
            entries.append((name, key, value))
        }
        self.init(path: path, position: SourcePosition(node), diagnostics: diagnostics, entries: entries)
    }

    /// An empty mapping at `position` (an empty document, or a section written as `key:` with no value).
    init(emptyAt position: SourcePosition, path: String, diagnostics: Diagnostics) {
        self.init(path: path, position: position, diagnostics: diagnostics, entries: [])
    }

    private init(path: String, position: SourcePosition, diagnostics: Diagnostics,
                 entries: [(name: String, key: Node, value: Node)]) {
        self.path = path
        self.position = position
        self.diagnostics = diagnostics
        self.entries = entries
    }

    /// The keys present, in file order.
    var keys: [String] { entries.map(\.name) }

    /// Key path of `key` in this mapping.
    func keyPath(_ key: String) -> String { path.appendingKey(key) }

    /// The value node of `key`, if present.
    func value(_ key: String) -> Node? { entries.first { $0.name == key }?.value }

    /// The key node of `key`, if present (for errors about the key itself).
    func keyNode(_ key: String) -> Node? { entries.first { $0.name == key }?.key }

    /// Every entry, in file order.
    var pairs: [(name: String, key: Node, value: Node)] { entries }

    /// Reports each key not in `allowed`. Keys in `misplaced` get that message instead of
    /// "unknown key" (e.g. a reject-only key on a bridge route).
    func checkKeys(_ allowed: [String], misplaced: [String: String] = [:]) {
        for entry in entries where !allowed.contains(entry.name) {
            let message: String
            if let reason = misplaced[entry.name] {
                message = reason
            } else if let suggestion = KeySuggestion.closest(to: entry.name, among: allowed) {
                message = "unknown key '\(entry.name)' (did you mean '\(suggestion)'?)"
            } else {
                message = "unknown key '\(entry.name)' (expected one of: \(allowed.joined(separator: ", ")))"
            }
            diagnostics.report(message, key: keyPath(entry.name), at: entry.key)
        }
    }

    /// Reports `key` as missing, pointing at this mapping.
    func reportMissing(_ key: String, _ detail: String = "") {
        let message = "missing required key '\(key)'" + (detail.isEmpty ? "" : " (\(detail))")
        diagnostics.report(message, key: keyPath(key), at: position)
    }

    /// Reports `message` about `key`, at its value if present, else at this mapping.
    func report(_ message: String, key: String) {
        if let node = value(key) {
            diagnostics.report(message, key: keyPath(key), at: node)
        } else {
            diagnostics.report(message, key: keyPath(key), at: position)
        }
    }

    // MARK: Typed values

    /// Optional string; nil if absent or invalid.
    func string(_ key: String, allowEmpty: Bool = false) -> String? {
        value(key).flatMap { diagnostics.string($0, key: keyPath(key), allowEmpty: allowEmpty) }
    }

    /// Required string; reports a missing key.
    func requiredString(_ key: String, _ detail: String = "") -> String? {
        guard value(key) != nil else {
            reportMissing(key, detail)
            return nil
        }
        return string(key)
    }

    /// Optional `true`/`false`.
    func bool(_ key: String) -> Bool? {
        value(key).flatMap { diagnostics.bool($0, key: keyPath(key)) }
    }

    /// Optional integer within `range`.
    func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        value(key).flatMap { diagnostics.integer($0, key: keyPath(key), in: range) }
    }

    /// Optional number above (or, if `inclusive`, at least) `minimum`.
    func number(_ key: String, minimum: Double, inclusive: Bool) -> Double? {
        value(key).flatMap { diagnostics.number($0, key: keyPath(key), minimum: minimum, inclusive: inclusive) }
    }

    /// Optional string from `choices`.
    func choice<T: RawRepresentable<String>>(_ key: String, of choices: [T]) -> T? {
        value(key).flatMap { diagnostics.choice($0, key: keyPath(key), of: choices) }
    }

    /// Optional regular expression.
    func regex(_ key: String) -> String? {
        value(key).flatMap { diagnostics.regex($0, key: keyPath(key)) }
    }

    /// Optional sub-section. A key written with no value (`signalling:`) reads as an empty mapping.
    func mapping(_ key: String) -> MappingReader? {
        guard let node = value(key) else { return nil }
        if node.isNull {
            return MappingReader(emptyAt: SourcePosition(node), path: keyPath(key), diagnostics: diagnostics)
        }
        return MappingReader(node, path: keyPath(key), diagnostics: diagnostics)
    }
}
