import Yams

/// Typed reading of single YAML nodes. Each function returns the value, or records an
/// error naming `key` at the node's position and returns nil.
///
/// Scalars are interpreted by this reader, not by Yams' YAML 1.1 resolver, so that
/// `port: 05060` is 5060 (not octal), `reason: No` is the string "No" (not false) and
/// a quoted `"5060"` is a string, not an integer.
extension Diagnostics {
    /// Any non-null scalar, as written. Rejects empty strings unless `allowEmpty`.
    func string(_ node: Node, key: String, allowEmpty: Bool = false) -> String? {
        guard let scalar = node.scalar, !node.isNull else {
            report("expected a string, found \(node.found)", key: key, at: node)
            return nil
        }
        if scalar.string.isEmpty && !allowEmpty {
            report("must not be empty", key: key, at: node)
            return nil
        }
        return scalar.string
    }

    /// A plain `true` or `false`.
    func bool(_ node: Node, key: String) -> Bool? {
        guard let scalar = node.scalar, scalar.style == .plain,
              let value = ["true": true, "false": false][scalar.string] else {
            report("expected true or false, found \(node.found)", key: key, at: node)
            return nil
        }
        return value
    }

    /// A plain decimal integer within `range`.
    func integer(_ node: Node, key: String, in range: ClosedRange<Int>) -> Int? {
        guard let scalar = node.scalar, scalar.style == .plain,
              scalar.string.wholeMatch(of: /[-+]?[0-9]+/) != nil else {
            report("expected an integer, found \(node.found)", key: key, at: node)
            return nil
        }
        guard let value = Int(scalar.string), range.contains(value) else {
            report("must be between \(range.lowerBound) and \(range.upperBound), found \(scalar.string)",
                   key: key, at: node)
            return nil
        }
        return value
    }

    /// A plain decimal number (integer or fraction, optional exponent) that is greater than
    /// `minimum`, or at least `minimum` when `inclusive`.
    func number(_ node: Node, key: String, minimum: Double, inclusive: Bool) -> Double? {
        guard let scalar = node.scalar, scalar.style == .plain,
              scalar.string.wholeMatch(of: /[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?/) != nil,
              let value = Double(scalar.string), value.isFinite else {
            report("expected a number, found \(node.found)", key: key, at: node)
            return nil
        }
        guard inclusive ? value >= minimum : value > minimum else {
            let bound = minimum.rounded() == minimum ? String(Int(minimum)) : String(minimum)
            report("must be \(inclusive ? "at least" : "greater than") \(bound), found \(scalar.string)",
                   key: key, at: node)
            return nil
        }
        return value
    }

    /// A string that is the raw value of one of `choices`.
    func choice<T: RawRepresentable<String>>(_ node: Node, key: String, of choices: [T]) -> T? {
        let names = choices.map(\.rawValue)
        guard let scalar = node.scalar, !node.isNull else {
            report("expected one of \(names.joined(separator: ", ")), found \(node.found)", key: key, at: node)
            return nil
        }
        guard let value = T(rawValue: scalar.string), names.contains(scalar.string) else {
            report("expected one of \(names.joined(separator: ", ")), found \(node.found)", key: key, at: node)
            return nil
        }
        return value
    }

    /// The elements of a sequence node.
    func sequence(_ node: Node, key: String) -> [Node]? {
        guard let sequence = node.sequence else {
            report("expected a sequence, found \(node.found)", key: key, at: node)
            return nil
        }
        return Array(sequence)
    }

    /// A string that compiles as a regular expression (Swift `Regex` syntax).
    func regex(_ node: Node, key: String) -> String? {
        guard let pattern = string(node, key: key, allowEmpty: true) else { return nil }
        do {
            _ = try Regex(pattern)
        } catch {
            report("invalid regular expression '\(pattern)': \(error)", key: key, at: node)
            return nil
        }
        return pattern
    }

    /// A sequence of regular expressions; nil if the node or any element is invalid.
    func regexList(_ node: Node, key: String) -> [String]? {
        guard let elements = sequence(node, key: key) else { return nil }
        let patterns = elements.enumerated().map { regex($1, key: key.appendingIndex($0)) }
        let valid = patterns.compactMap { $0 }
        return valid.count == patterns.count ? valid : nil
    }
}

extension Node {
    /// True for a plain scalar YAML reads as null: empty, `~` or `null`.
    var isNull: Bool {
        guard let scalar, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// How this node is described in "found …" messages.
    var found: String {
        switch self {
        case .scalar(let scalar): isNull ? "nothing" : "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a sequence"
        case .alias: "an alias"
        }
    }
}
