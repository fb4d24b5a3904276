import Foundation

/// Makes an RFC 4475 message safe to send on loopback, keeping its torture intact.
///
/// - every Via sent-by becomes 127.0.0.1:`callerPort` (the test's socket), so
///   responses come back to the test; the top Via's transport becomes UDP,
///   since the message is sent as a UDP datagram (RFC 3261 18.2.2 would
///   otherwise send the response over a TCP connection to a UDP-only port);
/// - every other host name (`*.example.com`, `company.com`, …) and IPv4
///   address becomes 127.0.0.1 — except in Call-ID, which names no host
///   (TC_MULTI01_I's two Call-IDs must stay distinct);
/// - text bodies are rewritten the same way and Content-Length follows the
///   new length, unless `keepContentLength` (the Content-Length tests) —
///   then the body is left as it is;
/// - everything else, byte for byte, as in the file (folding, odd spacing,
///   NULs, non-UTF-8 octets).
///
/// The bytes are handled as ISO-8859-1 text so that every octet survives.
enum TortureRewriter {
    static func rewrite(_ original: [UInt8], callerPort: Int, keepContentLength: Bool) -> [UInt8] {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        let split = original.firstRange(of: separator)
        let headEnd = split?.upperBound ?? original.count
        var head = String(latin1: Array(original[..<headEnd]))
        var body = Array(original[headEnd...])

        head = rewriteVias(in: head, port: callerPort, topmostToUDP: true)
        head = rewriteHosts(inHeaders: head)

        if !keepContentLength, !body.isEmpty, isText(body) {
            let length = contentLength(in: head)
            if let length, length >= 0, length <= body.count {
                // the part Content-Length covers, and any octets after it (TC_DBLREQ)
                let covered = rewriteText(Array(body[..<length]), port: callerPort)
                let trailing = rewriteText(Array(body[length...]), port: callerPort)
                body = covered + trailing
                if covered.count != length { head = replacingContentLength(in: head, with: covered.count) }
            } else if length == nil {
                body = rewriteText(body, port: callerPort)   // no Content-Length (TC_INV2543_I): the datagram frames the body
            }
        }
        return head.latin1Bytes + body
    }

    /// Hosts that must not remain (a check before anything is sent): any
    /// IPv4 address other than 127.0.0.1, or a test-network domain in a host
    /// position, outside Call-ID and outside binary bodies. With
    /// `includeBody` false the body is not looked at (the Content-Length
    /// cases keep theirs as it is: SDP that is never used, since Legato runs
    /// in direct mode and must reject these requests).
    static func foreignHosts(in message: [UInt8], includeBody: Bool = true) -> [String] {
        let split = message.firstRange(of: Array("\r\n\r\n".utf8))
        var text = String(latin1: Array(message[..<(split?.upperBound ?? message.count)]))
        if includeBody, let split, isText(Array(message[split.upperBound...])) {
            text += String(latin1: Array(message[split.upperBound...]))
        }
        let lines = text.components(separatedBy: "\r\n").filter { !isCallIDLine($0) }.joined(separator: "\r\n")
        let ipv4 = matches(#"(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9.])"#, in: lines).filter { $0 != "127.0.0.1" }
        let names = matches(#"[@:/](?:[A-Za-z0-9-]+\.)*(?:example|examle|company|jasomi)\.(?:com|net|org|edu)"#, in: lines)
        return ipv4 + names
    }

    // MARK: - pieces

    private static let viaParm =
        #"SIP[ \t\r\n]*/[ \t\r\n]*[0-9]+\.[0-9]+[ \t\r\n]*/[ \t\r\n]*([A-Za-z0-9-]+)[ \t\r\n]+([^ \t\r\n;,]+)"#
    private static let hostName =
        #"(?<![A-Za-z0-9.-])(?:[A-Za-z0-9-]+\.)*(?:example\.(?:com|net|org|edu)|examle\.com|company\.com|jasomi\.com)(?![A-Za-z0-9-])"#
    private static let ipv4 = #"(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9.])"#

    /// Rewrites the sent-by of every via-parm in every Via (or `v`) header
    /// field, folded lines included, and the transport of the first one.
    static func rewriteVias(in text: String, port: Int, topmostToUDP: Bool) -> String {
        let ns = text as NSString
        let fieldPattern = try! NSRegularExpression(
            pattern: #"(?m)^(?:via|v)[ \t]*:(?:[^\r]|\r(?!\n)|\r\n(?=[ \t]))*"#, options: [.caseInsensitive])
        let parmPattern = try! NSRegularExpression(pattern: viaParm)
        var edits: [(NSRange, String)] = []
        var first = true
        for field in fieldPattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            for parm in parmPattern.matches(in: text, range: field.range) {
                if first && topmostToUDP { edits.append((parm.range(at: 1), "UDP")) }
                first = false
                edits.append((parm.range(at: 2), "127.0.0.1:\(port)"))
            }
        }
        let result = NSMutableString(string: text)
        for (range, replacement) in edits.sorted(by: { $0.0.location > $1.0.location }) {
            result.replaceCharacters(in: range, with: replacement)
        }
        return result as String
    }

    /// Host names and IPv4 addresses → 127.0.0.1, on every line but Call-ID.
    private static func rewriteHosts(inHeaders head: String) -> String {
        head.components(separatedBy: "\r\n")
            .map { isCallIDLine($0) ? $0 : replacingHosts($0) }
            .joined(separator: "\r\n")
    }

    /// A body, or the octets after it: hosts, and any Via lines (TC_DBLREQ's
    /// trailing INVITE, so that an answer to it would come back to the test).
    private static func rewriteText(_ bytes: [UInt8], port: Int) -> [UInt8] {
        let text = rewriteVias(in: String(latin1: bytes), port: port, topmostToUDP: false)
        return rewriteHosts(inHeaders: text).latin1Bytes
    }

    private static func replacingHosts(_ line: String) -> String {
        var text = line
        for pattern in [hostName, ipv4] {
            let regex = try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
            text = regex.stringByReplacingMatches(in: text, range: NSRange(location: 0, length: (text as NSString).length),
                                                  withTemplate: "127.0.0.1")
        }
        return text
    }

    private static func isCallIDLine(_ line: String) -> Bool {
        let name = line.prefix { $0 != ":" }.trimmingCharacters(in: .whitespaces).lowercased()
        return (name == "call-id" || name == "i") && line.contains(":")
    }

    /// The first Content-Length (or `l`) value.
    private static func contentLength(in head: String) -> Int? {
        let regex = try! NSRegularExpression(pattern: #"(?m)^(?:content-length|l)[ \t]*:[ \t]*(-?[0-9]+)"#,
                                             options: [.caseInsensitive])
        guard let match = regex.firstMatch(in: head, range: NSRange(location: 0, length: (head as NSString).length)) else {
            return nil
        }
        return Int((head as NSString).substring(with: match.range(at: 1)))
    }

    private static func replacingContentLength(in head: String, with value: Int) -> String {
        let regex = try! NSRegularExpression(pattern: #"(?m)^((?:content-length|l)[ \t]*:[ \t]*)(-?[0-9]+)"#,
                                             options: [.caseInsensitive])
        guard let match = regex.firstMatch(in: head, range: NSRange(location: 0, length: (head as NSString).length)) else {
            return head
        }
        return (head as NSString).replacingCharacters(in: match.range(at: 2), with: "\(value)")
    }

    /// Printable ASCII, tab, CR and LF only (SDP and the like; not TC_MPART01's binary part).
    private static func isText(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    }

    private static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
    }
}

extension String {
    /// Every octet as the Unicode scalar of the same value (ISO-8859-1), so
    /// that any byte string round-trips through `latin1Bytes`.
    init(latin1 bytes: [UInt8]) {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        self = String(scalars)
    }

    var latin1Bytes: [UInt8] { unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }
}
