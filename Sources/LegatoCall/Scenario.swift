import LegatoSIP

/// Call logic: receives each inbound call and decides what to do with it.
@SIPActor
public protocol Scenario: AnyObject {
    /// A new inbound call (VoxEngine's `AppEvents.CallAlerting`). Answer,
    /// reject or bridge `alerting.call`; use `engine.callSIP` to place other legs.
    func callAlerting(_ alerting: CallAlerting, engine: CallEngine)

    /// A reload made this scenario take new calls instead of `previous`,
    /// which keeps serving the calls it took. Carry over state that must
    /// outlive it (counts of calls in progress); the default carries nothing.
    func takeOver(from previous: any Scenario)
}

extension Scenario {
    /// Carries nothing over.
    public func takeOver(from previous: any Scenario) {}
}

/// The data of a new inbound call (VoxEngine's `CallAlerting` event).
@SIPActor
public struct CallAlerting {
    /// The inbound call, alerting; the scenario must answer, reject or bridge it.
    public let call: Call
    /// The caller's user part.
    public let callerid: String
    /// The dialed user part (request-URI user).
    public let destination: String
    /// The From URI, without display name or tag.
    public let fromURI: String
    /// The To URI, without display name or tag.
    public let toURI: String
    /// The From display name, unquoted; empty when absent.
    public let displayName: String
    /// All headers Legato read from the INVITE (X-headers, User-Agent, Subject).
    public let headers: [SIPHeader]
    /// The INVITE's Max-Forwards (70 when absent).
    public let maxForwards: Int
    /// customData of the event (VoxEngine's `customData`); `CallEngine` leaves it nil.
    public let customData: String?
    /// Index (in the configuration's `listeners`) of the listener the INVITE arrived on.
    public var listener: Int = 0
}

/// Options for `CallEngine.callSIP` (VoxEngine's `callSIP` parameters).
public struct CallSIPOptions: Sendable {
    /// User part of the outbound From; default "anonymous".
    public var callerid: String?
    /// Display name of the outbound From.
    public var displayName: String?
    /// Extra headers for the INVITE; each must start with `X-`.
    public var headers: [SIPHeader]
    /// customData for the new call (≤ 200 bytes).
    public var customData: String?
    /// The SDP offer to send; nil sends an INVITE without SDP (delayed offer).
    public var offer: SIPBody?
    /// Max-Forwards of the INVITE.
    public var maxForwards: Int
    /// Seconds to ring before the call is cancelled and fails with 480; nil = no limit.
    public var noAnswerTimeout: Double?
    /// Credentials to answer one 401/407 from the far side with (a trunk's
    /// `username`/`password`); a second challenge fails the call.
    public var credentials: SIPCredentials?
    /// Headers Legato itself adds (Referred-By on a transfer leg): not
    /// subject to the X- rule of `headers`.
    var systemHeaders: [SIPHeader] = []

    /// Options with the defaults above: anonymous caller, no extra headers, delayed
    /// offer, Max-Forwards 70, no ring limit.
    public init(callerid: String? = nil, displayName: String? = nil, headers: [SIPHeader] = [],
                customData: String? = nil, offer: SIPBody? = nil, maxForwards: Int = 70,
                noAnswerTimeout: Double? = nil) {
        self.callerid = callerid
        self.displayName = displayName
        self.headers = headers
        self.customData = customData
        self.offer = offer
        self.maxForwards = maxForwards
        self.noAnswerTimeout = noAnswerTimeout
    }
}
