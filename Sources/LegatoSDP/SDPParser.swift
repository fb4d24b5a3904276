/// Why an SDP body was refused.
public enum SDPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The body does not start with `v=0`.
    case notSDP
    /// A line is not of the form `x=value`.
    case malformedLine(number: Int, text: String)
    /// An `m=` line has fewer than 4 fields or a non-numeric port.
    case malformedMediaLine(number: Int)

    /// A one-line message naming the line and what is wrong with it.
    public var description: String {
        switch self {
        case .notSDP: return "SDP must start with v=0"
        case .malformedLine(let n, let t): return "SDP line \(n) is not 'x=value': \(t.prefix(40))"
        case .malformedMediaLine(let n): return "SDP line \(n): m= needs 'media port proto fmt…'"
        }
    }
}

/// Parses SDP bodies (RFC 4566), leniently about line endings (CRLF or LF) and
/// trailing blank lines, strictly about line shape.
public enum SDPParser {
    /// Splits `text` into session-level lines and media sections. Throws unless it
    /// starts with `v=0`, every line is `x=value` and every `m=` line has a numeric port and 4 fields.
    public static func parse(_ text: String) throws(SDPParseError) -> SessionDescription {
        var session: [SDPLine] = []
        var media: [MediaSection] = []
        var current: [SDPLine] = []
        var number = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            var line = Substring(raw)
            if line.last == "\r" { line = line.dropLast() }
            if line.isEmpty { continue }
            if session.isEmpty && media.isEmpty && current.isEmpty && line != "v=0" { throw .notSDP }
            guard line.count >= 2, let type = line.first, type.isASCII, type.isLetter,
                  line[line.index(after: line.startIndex)] == "=" else {
                throw .malformedLine(number: number, text: String(line))
            }
            let parsed = SDPLine(type: type, value: String(line.dropFirst(2)))
            if parsed.type == "m" {
                let fields = parsed.value.split(separator: " ")
                guard fields.count >= 4, Int(fields[1].split(separator: "/")[0]) != nil else {
                    throw .malformedMediaLine(number: number)
                }
                if !current.isEmpty { media.append(MediaSection(lines: current)) }
                current = [parsed]
            } else if current.isEmpty {
                session.append(parsed)
            } else {
                current.append(parsed)
            }
        }
        if !current.isEmpty { media.append(MediaSection(lines: current)) }
        guard !session.isEmpty else { throw .notSDP }
        return SessionDescription(sessionLines: session, media: media)
    }
}
