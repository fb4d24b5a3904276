/// A call-control API input was refused, or a method was called in a state that does not allow it.
/// Each case names the rule that was broken.
public enum CallError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Custom headers must start with `X-` (case-insensitive).
    case headerNameNotCustom(String)
    /// Header names are tokens: letters, digits and `-.!%*_+'~` only.
    case headerNameInvalid(String)
    /// Header values must not contain CR or LF (header injection).
    case headerValueHasLineBreak(name: String)
    /// customData is at most 200 bytes.
    case customDataTooLong(bytes: Int)
    /// reject codes are 300–699.
    case rejectCodeOutOfRange(Int)
    /// The method is not allowed in the call's current state or direction.
    case invalidState(method: String, state: CallState, incoming: Bool)
    /// A peer call given to `answerDirect`/early media has no SDP to pass through.
    case peerHasNoSession(method: String)
    /// An outbound call could not be placed (no listener for the target, bad URI…).
    case cannotPlaceCall(String)
    /// `sendDigits` takes 0-9 * # A-D and `p` (pause) only, at least one.
    case invalidDigits(String)
    /// INFO and MESSAGE bodies are at most 8192 bytes.
    case bodyTooLong(method: String, bytes: Int)
    /// A MIME type must be `type/subtype` (RFC 2045 tokens).
    case invalidMimeType(String)
    /// `answer`/`startEarlyMedia` need the media engine (a relay-capable conf: `media.mode: relay`
    /// or a relay route) and free media ports.
    case mediaUnavailable(method: String, reason: String)
    /// The remote offer cannot be answered with media anchored in Legato (no SDP, SRTP policy…).
    case offerNotAcceptable(method: String, reason: String)

    /// A one-line message for logs and API callers.
    public var description: String {
        switch self {
        case .headerNameNotCustom(let n): return "header '\(n)' is not allowed: extra headers must start with 'X-'"
        case .headerNameInvalid(let n): return "header name '\(n)' is not a valid SIP token"
        case .headerValueHasLineBreak(let n): return "value of header '\(n)' contains CR or LF"
        case .customDataTooLong(let b): return "customData is \(b) bytes; the limit is 200"
        case .rejectCodeOutOfRange(let c): return "reject code \(c) is outside 300-699"
        case .invalidState(let m, let s, let i):
            return "\(m) is not allowed on an \(i ? "inbound" : "outbound") call in state \(s)"
        case .peerHasNoSession(let m): return "\(m): the peer call has no SDP to pass through"
        case .cannotPlaceCall(let why): return "cannot place call: \(why)"
        case .invalidDigits(let why): return "sendDigits: \(why); digits are 0-9 * # A-D and p (pause)"
        case .bodyTooLong(let m, let b): return "\(m): the body is \(b) bytes; the limit is 8192"
        case .invalidMimeType(let t): return "'\(t)' is not a MIME type of the form type/subtype"
        case .mediaUnavailable(let m, let why): return "\(m): media engine unavailable: \(why)"
        case .offerNotAcceptable(let m, let why): return "\(m): the remote offer cannot be answered: \(why)"
        }
    }
}
