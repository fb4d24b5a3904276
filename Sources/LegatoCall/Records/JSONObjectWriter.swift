/// A JSON value for `JSONObjectWriter`.
enum JSONValue {
    case string(String), integer(Int64), number(Double), bool(Bool), null
    /// Already-encoded JSON (a nested object).
    case raw(String)

    var encoded: String {
        switch self {
        case .string(let s): return JSONObjectWriter.quote(s)
        case .integer(let n): return String(n)
        case .number(let x):
            guard x.isFinite else { return "null" }
            // Milliseconds precision, no exponent.
            let scaled = (x * 1000).rounded()
            let whole = Int64(scaled) / 1000, frac = abs(Int64(scaled) % 1000)
            let sign = scaled < 0 && whole == 0 ? "-" : ""
            return frac == 0 ? "\(sign)\(whole)" : "\(sign)\(whole)." + String(String(frac + 1000).dropFirst()).trimmingTrailingZeros()
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .raw(let r): return r
        }
    }
}

/// Writes one JSON object, fields in the order given (no Foundation).
struct JSONObjectWriter {
    private var parts: [String] = []

    mutating func field(_ name: String, _ value: JSONValue) {
        parts.append(Self.quote(name) + ":" + value.encoded)
    }

    var text: String { "{" + parts.joined(separator: ",") + "}" }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension String {
    fileprivate func trimmingTrailingZeros() -> String {
        var s = Substring(self)
        while s.hasSuffix("0") { s = s.dropLast() }
        return String(s)
    }
}
