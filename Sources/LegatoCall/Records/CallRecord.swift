/// The facts of one inbound call that its call detail record (CDR) states,
/// gathered while the call runs and completed when it ends. A value: the
/// JSON line (`jsonLine`) and the disposition are computed from it alone.
public struct CallRecord: Sendable, Equatable {
    /// How the call ended, for billing.
    public enum Disposition: String, Sendable, Equatable {
        case answered, busy, noAnswer = "no_answer", cancelled, rejected, failed
    }

    /// Who ended the call.
    public enum HangupSide: String, Sendable, Equatable {
        case caller, callee, legato
    }

    /// One leg's media counters (leg A faces the caller, leg B the callee).
    public struct LegMedia: Sendable, Equatable {
        /// RTP packets received from the leg's remote.
        public var packetsIn: UInt64
        /// RTP packets sent to the leg's remote.
        public var packetsOut: UInt64
        /// Packets the remote sent that never arrived (RFC 3550 A.3); nil: not measured.
        public var lost: UInt64?
        /// Interarrival jitter of what the remote sent, in milliseconds (RFC 3550 A.8); nil: not measured.
        public var jitterMilliseconds: Double?

        /// A leg's counters.
        public init(packetsIn: UInt64, packetsOut: UInt64, lost: UInt64? = nil, jitterMilliseconds: Double? = nil) {
            self.packetsIn = packetsIn
            self.packetsOut = packetsOut
            self.lost = lost
            self.jitterMilliseconds = jitterMilliseconds
        }
    }

    /// The call's media: `direct` (not in Legato, no counters) or `relay`.
    public struct Media: Sendable, Equatable {
        /// `direct` or `relay`.
        public var mode: String
        /// True when either relayed leg was SRTP.
        public var srtp: Bool
        /// Leg A (the caller's) counters, relay mode.
        public var caller: LegMedia?
        /// Leg B (the callee's) counters, relay mode.
        public var callee: LegMedia?

        /// The media of a call.
        public init(mode: String, srtp: Bool = false, caller: LegMedia? = nil, callee: LegMedia? = nil) {
            self.mode = mode
            self.srtp = srtp
            self.caller = caller
            self.callee = callee
        }
    }

    /// A blind transfer that happened on the call.
    public struct Transfer: Sendable, Equatable {
        /// The Refer-To target.
        public var to: String
        /// `success`, or `failed <code>`.
        public var result: String

        /// A transfer to `to` with its outcome.
        public init(to: String, result: String) {
            self.to = to
            self.result = result
        }
    }

    /// Legato's call id (the inbound call's).
    public var callID: String
    /// The inbound leg's SIP Call-ID.
    public var sipCallID: String
    /// The inbound INVITE's From URI.
    public var from: String
    /// The inbound INVITE's request URI.
    public var to: String
    /// The listener the call came in on (`address:port`).
    public var listener: String
    /// The route that matched, if any.
    public var route: String?
    /// The trunk the call was bridged to, if any.
    public var trunk: String?
    /// When the INVITE arrived.
    public var start: WallTime
    /// When Legato answered the caller; nil if never.
    public var answer: WallTime?
    /// When the call ended.
    public var end: WallTime
    /// The final response code sent to the caller (200 when answered).
    public var sipCode: Int
    /// Who ended the call.
    public var hangupSide: HangupSide
    /// True when the caller cancelled before the answer.
    public var callerCancelled = false
    /// True when the callee did not answer in time (Legato's no-answer timer).
    public var noAnswerTimeout = false
    /// The call's media.
    public var media: Media
    /// The transfer, when one happened.
    public var transfer: Transfer?
    /// The call's customData.
    public var customData: String?

    /// A record of the given facts.
    public init(callID: String, sipCallID: String, from: String, to: String, listener: String,
                route: String? = nil, trunk: String? = nil, start: WallTime, answer: WallTime? = nil, end: WallTime,
                sipCode: Int, hangupSide: HangupSide, media: Media = Media(mode: "direct"),
                transfer: Transfer? = nil, customData: String? = nil) {
        self.callID = callID
        self.sipCallID = sipCallID
        self.from = from
        self.to = to
        self.listener = listener
        self.route = route
        self.trunk = trunk
        self.start = start
        self.answer = answer
        self.end = end
        self.sipCode = sipCode
        self.hangupSide = hangupSide
        self.media = media
        self.transfer = transfer
        self.customData = customData
    }

    /// Seconds from the INVITE to the end.
    public var durationSeconds: Double { max(0, start.seconds(to: end)) }
    /// Seconds from the answer to the end (0 when never answered).
    public var billSeconds: Double { answer.map { max(0, $0.seconds(to: end)) } ?? 0 }

    /// answered (it was answered), cancelled (the caller's CANCEL), busy
    /// (486, 600), no_answer (Legato's timer, 480, 408), failed (5xx, or no
    /// final code), rejected (any other 3xx–6xx).
    public var disposition: Disposition {
        if answer != nil { return .answered }
        if callerCancelled { return .cancelled }
        if noAnswerTimeout { return .noAnswer }
        switch sipCode {
        case 486, 600: return .busy
        case 408, 480: return .noAnswer
        case 500...599: return .failed
        case 300...699: return .rejected
        default: return .failed
        }
    }

    /// The record as one line of JSON (no newline), with the field names of
    /// the CDR format: call_id, sip_call_id, from, to, listener, route,
    /// trunk, start, answer, end, duration_s, billsec_s, disposition,
    /// sip_code, hangup_side, media, transfer (only when one happened), custom_data.
    public var jsonLine: String {
        var json = JSONObjectWriter()
        json.field("call_id", .string(callID))
        json.field("sip_call_id", .string(sipCallID))
        json.field("from", .string(from))
        json.field("to", .string(to))
        json.field("listener", .string(listener))
        json.field("route", route.map(JSONValue.string) ?? .null)
        json.field("trunk", trunk.map(JSONValue.string) ?? .null)
        json.field("start", .string(start.rfc3339))
        json.field("answer", answer.map { .string($0.rfc3339) } ?? .null)
        json.field("end", .string(end.rfc3339))
        json.field("duration_s", .number(durationSeconds))
        json.field("billsec_s", .number(billSeconds))
        json.field("disposition", .string(disposition.rawValue))
        json.field("sip_code", .integer(Int64(sipCode)))
        json.field("hangup_side", .string(hangupSide.rawValue))
        var media = JSONObjectWriter()
        media.field("mode", .string(self.media.mode))
        media.field("srtp", .bool(self.media.srtp))
        media.field("caller", self.media.caller.map(Self.leg) ?? .null)
        media.field("callee", self.media.callee.map(Self.leg) ?? .null)
        json.field("media", .raw(media.text))
        if let transfer {
            var t = JSONObjectWriter()
            t.field("to", .string(transfer.to))
            t.field("result", .string(transfer.result))
            json.field("transfer", .raw(t.text))
        }
        json.field("custom_data", customData.map(JSONValue.string) ?? .null)
        return json.text
    }

    private static func leg(_ leg: LegMedia) -> JSONValue {
        var json = JSONObjectWriter()
        json.field("packets_in", .integer(Int64(clamping: leg.packetsIn)))
        json.field("packets_out", .integer(Int64(clamping: leg.packetsOut)))
        json.field("lost", leg.lost.map { .integer(Int64(clamping: $0)) } ?? .null)
        json.field("jitter_ms", leg.jitterMilliseconds.map(JSONValue.number) ?? .null)
        return .raw(json.text)
    }
}
