import LegatoSIP

/// The input rules of the call-control API (`call-api.md`), one function per rule.
public enum CallInputRules {
    /// The largest customData, in bytes of UTF-8.
    public static let customDataLimit = 200

    /// Checks extra headers passed to an API method: `X-` names that are SIP tokens, values without CR/LF.
    public static func validateExtraHeaders(_ headers: [SIPHeader]) throws(CallError) {
        for header in headers {
            try validateHeaderName(header.name)
            guard header.name.lowercased().hasPrefix("x-") else { throw .headerNameNotCustom(header.name) }
            try validateHeaderValue(header)
        }
    }

    /// Checks a header name is an RFC 3261 token.
    public static func validateHeaderName(_ name: String) throws(CallError) {
        let allowed = Set("-.!%*_+`'~")
        guard !name.isEmpty, name.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || allowed.contains($0) })
        else { throw .headerNameInvalid(name) }
    }

    /// Checks a header value has no CR or LF.
    public static func validateHeaderValue(_ header: SIPHeader) throws(CallError) {
        if header.value.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
            throw .headerValueHasLineBreak(name: header.name)
        }
    }

    /// Checks customData is at most 200 bytes.
    public static func validateCustomData(_ value: String) throws(CallError) {
        let count = value.utf8.count
        if count > customDataLimit { throw .customDataTooLong(bytes: count) }
    }

    /// Checks a reject code is 300–699.
    public static func validateRejectCode(_ code: Int) throws(CallError) {
        guard (300...699).contains(code) else { throw .rejectCodeOutOfRange(code) }
    }

    /// The largest INFO or MESSAGE body, in bytes.
    public static let bodyLimit = 8192

    /// Checks an INFO/MESSAGE body is at most 8192 bytes.
    public static func validateBody(_ body: String, method: String) throws(CallError) {
        let count = body.utf8.count
        if count > bodyLimit { throw .bodyTooLong(method: method, bytes: count) }
    }

    /// Checks a MIME type is `type/subtype` with RFC 2045 token characters
    /// (parameters after `;` are allowed, without CR/LF).
    public static func validateMimeType(_ mimeType: String) throws(CallError) {
        let tspecials = Set("()<>@,;:\\\"/[]?=")
        func isToken(_ s: Substring) -> Bool {
            !s.isEmpty && s.allSatisfy { $0.isASCII && !$0.isWhitespace && !$0.isNewline && !tspecials.contains($0)
                && $0.asciiValue.map { $0 > 32 && $0 < 127 } == true }
        }
        let main = mimeType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        let parts = main[0].split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, isToken(parts[0]), isToken(parts[1]),
              !mimeType.utf8.contains(where: { $0 == 13 || $0 == 10 }) else {
            throw .invalidMimeType(mimeType)
        }
    }
}
