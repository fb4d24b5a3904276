/// One `m=` section and the lines that follow it up to the next `m=`.
public struct MediaSection: Sendable, Equatable {
    /// The lines, the first being the `m=` line.
    public var lines: [SDPLine]

    /// A section; traps unless the first line is `m=`.
    public init(lines: [SDPLine]) {
        precondition(lines.first?.type == "m", "a media section starts with m=")
        self.lines = lines
    }

    private var mFields: [Substring] { lines[0].value.split(separator: " ", omittingEmptySubsequences: true) }

    /// `audio`, `video`, `image`…
    public var media: String { mFields.first.map(String.init) ?? "" }

    /// The transport port (0 = section rejected/disabled).
    public var port: Int {
        get {
            guard mFields.count > 1 else { return 0 }
            return Int(mFields[1].split(separator: "/").first ?? "") ?? 0
        }
        set {
            var fields = mFields.map(String.init)
            guard fields.count > 1 else { return }
            let rest = fields[1].split(separator: "/", maxSplits: 1).dropFirst().first
            fields[1] = rest.map { "\(newValue)/\($0)" } ?? "\(newValue)"
            lines[0].value = fields.joined(separator: " ")
        }
    }

    /// `RTP/AVP`, `RTP/SAVP`, `UDP/TLS/RTP/SAVPF`…
    public var proto: String {
        get { mFields.count > 2 ? String(mFields[2]) : "" }
        set {
            var fields = mFields.map(String.init)
            guard fields.count > 2 else { return }
            fields[2] = newValue
            lines[0].value = fields.joined(separator: " ")
        }
    }

    /// Payload formats (payload type numbers for RTP).
    public var formats: [String] { mFields.dropFirst(3).map(String.init) }

    /// The section's own `c=` address, if it has one.
    public var connectionAddress: String? {
        lines.first { $0.type == "c" }.flatMap { SDPConnection.address(of: $0.value) }
    }

    /// The values of every `a=name:value` / `a=name` line with this name.
    public func attributes(_ name: String) -> [Substring] {
        lines.compactMap { line in
            guard line.attributeName == Substring(name) else { return nil }
            return line.attributeValue ?? ""
        }
    }

    /// True when an `a=name` or `a=name:…` line is present.
    public func hasAttribute(_ name: String) -> Bool {
        lines.contains { $0.attributeName == Substring(name) }
    }

    /// The section's direction attribute, if any.
    public var explicitDirection: MediaDirection? {
        for line in lines where line.type == "a" {
            if let d = MediaDirection(rawValue: line.value) { return d }
        }
        return nil
    }

    /// True for SRTP profiles (`RTP/SAVP`, `RTP/SAVPF`…).
    public var isSecureProfile: Bool { proto.uppercased().contains("SAVP") }

    /// Replaces every line of `type` (and, for `a=`, with attribute `name`) by `replacement`,
    /// inserted where the first one stood (or after the `m=`/`c=` lines when there was none).
    public mutating func replaceLines(where matches: (SDPLine) -> Bool, with replacement: [SDPLine]) {
        let first = lines.firstIndex(where: matches)
        lines.removeAll(where: matches)
        let at = first ?? insertionIndexForAttributes
        lines.insert(contentsOf: replacement, at: min(at, lines.count))
    }

    /// Where new `a=` lines go: after m=, i=, c=, b=, k= lines.
    private var insertionIndexForAttributes: Int {
        var i = 1
        while i < lines.count, "icbk".contains(lines[i].type) { i += 1 }
        return i
    }
}
