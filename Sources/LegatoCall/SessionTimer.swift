import LegatoSIP

/// RFC 4028 session timers for one leg, as a value: feed it what happened on
/// the leg's dialog, get back the actions to perform (arm the timer, send a
/// refresh, end the call). No clock and no SIP: `Call` performs the actions.
///
/// Legato uses a timer only where the leg negotiated one (the remote side's
/// `Session-Expires` in its request or 2xx, or `Supported: timer` on an
/// inbound INVITE); where Legato is the refresher it refreshes at half the
/// interval with UPDATE when the peer allows UPDATE, else with a re-INVITE;
/// where the remote side is, the call ends when it lets the session expire.
/// Only 408, 481 or no answer to a refresh end the call (RFC 4028 §10).
public struct SessionTimer: Equatable, Sendable {
    /// `signalling.session_timer` (0: Legato uses no timers) and `session_min_se`.
    public struct Policy: Equatable, Sendable {
        /// Session interval Legato asks for, in seconds; 0: no timers.
        public var interval: Int
        /// Shortest interval Legato accepts, in seconds; never below 90 (RFC 4028).
        public var minSE: Int
        /// `minSE` below 90 is raised to 90.
        public init(interval: Int, minSE: Int) {
            self.interval = interval
            self.minSE = max(90, minSE)
        }
        /// No session timers.
        public static let off = Policy(interval: 0, minSE: 90)
        var isOn: Bool { interval > 0 }
    }

    /// What the remote side's message said about timers.
    public struct Remote: Equatable, Sendable {
        /// `Session-Expires` delta in seconds; nil when absent.
        public var expires: Int?
        /// `uac` or `uas`, relative to the transaction of the message.
        public var refresher: String?
        /// `Min-SE` in seconds; nil when absent.
        public var minSE: Int?
        /// Supported or Require lists `timer`.
        public var supportsTimer: Bool
        /// Allow lists UPDATE; nil when the message had no Allow header.
        public var allowsUpdate: Bool?
        /// The remote side's timer fields as given; all absent by default.
        public init(expires: Int? = nil, refresher: String? = nil, minSE: Int? = nil,
                    supportsTimer: Bool = false, allowsUpdate: Bool? = nil) {
            self.expires = expires
            self.refresher = refresher
            self.minSE = minSE
            self.supportsTimer = supportsTimer
            self.allowsUpdate = allowsUpdate
        }
        /// The timer fields of a received request or response.
        public init(_ message: SIPMessage) {
            self.init(expires: message.sessionExpires, refresher: message.sessionRefresher, minSE: message.minSE,
                      supportsTimer: message.supportsTimer, allowsUpdate: message.allowsUpdate)
        }
    }

    /// Which side refreshes the session: Legato, or the leg's remote side.
    public enum Refresher: String, Equatable, Sendable { case legato, remote }
    /// How Legato refreshes: UPDATE without body, or re-INVITE; the raw value is the method name.
    public enum Method: String, Equatable, Sendable { case update = "UPDATE", reinvite = "INVITE" }
    /// Why a timer ends the call; the raw value is the log/reason text.
    public enum Cause: String, Equatable, Sendable {
        case sessionExpired = "session-expired"
        case refreshFailed = "refresh-failed"
    }

    /// What happened on the leg's dialog that matters to the timer.
    public enum Input: Equatable, Sendable {
        /// Legato answered the remote side's INVITE with 2xx (inbound leg).
        case answered(request: Remote)
        /// Legato's INVITE got a 2xx (outbound leg).
        case confirmed(response: Remote)
        /// Legato answered 2xx to a re-INVITE or UPDATE of the remote side (a refresh, RFC 4028 §9).
        case remoteRefreshed(request: Remote)
        /// A re-INVITE or UPDATE Legato sent on the leg (relayed or a refresh) got this final status.
        case localRequestAnswered(status: Int, response: Remote)
        /// The armed timer went off; `canReinvite` is false while another offer is pending on the leg.
        case timerFired(canReinvite: Bool)
    }

    /// What `Call` must do after an input.
    public enum Action: Equatable, Sendable {
        /// (Re)arm the leg's one timer to fire after this many seconds.
        case arm(seconds: Double)
        case disarm
        /// Send a refresh with these headers (re-INVITE: with the leg's current SDP).
        case refresh(Method, headers: [SIPHeader])
        /// End the call with this cause.
        case end(Cause)
    }

    /// The configured policy (`signalling.session_timer`, `session_min_se`).
    public let policy: Policy
    /// The negotiated interval in seconds; nil while the leg uses no timer.
    public private(set) var interval: Int?
    /// Who refreshes the negotiated session; meaningful only while `interval` is set.
    public private(set) var refresher: Refresher = .remote
    /// Whether refreshes go by UPDATE (the peer's Allow listed it).
    public private(set) var peerAllowsUpdate = false
    /// The refresh Legato sent and waits for.
    public private(set) var refreshInFlight: Method?

    /// No timer yet; one starts when an input negotiates it.
    public init(policy: Policy) { self.policy = policy }

    // MARK: - headers

    /// What Legato's outbound INVITE carries: its interval and minimum. No
    /// `Supported: timer` (see shim.c): a callee that supports timers is then
    /// the refresher (RFC 4028 §9), and one that does not uses none.
    public static func offerHeaders(_ policy: Policy) -> [SIPHeader] {
        guard policy.isOn else { return [] }
        return [SIPHeader(name: "Session-Expires", value: "\(max(policy.interval, policy.minSE))"),
                SIPHeader(name: "Min-SE", value: "\(policy.minSE)")]
    }

    /// True when an inbound INVITE asks for an interval below Legato's minimum: answer 422 with `Min-SE`.
    public static func isTooSmall(_ request: Remote, _ policy: Policy) -> Bool {
        guard policy.isOn, let expires = request.expires else { return false }
        return expires < policy.minSE
    }

    /// The headers of a 2xx answering the remote side's request (INVITE, or a refresh) once the
    /// timer is negotiated: the interval and who refreshes, relative to that transaction.
    public var responseHeaders: [SIPHeader] {
        guard let interval else { return [] }
        var headers = [SIPHeader(name: "Session-Expires", value: "\(interval);refresher=\(refresher == .remote ? "uac" : "uas")")]
        if refresher == .remote { headers.append(SIPHeader(name: "Require", value: "timer")) }
        return headers
    }

    /// The headers of a re-INVITE or UPDATE Legato sends on the leg (a refresh or a relayed offer).
    public var requestHeaders: [SIPHeader] {
        guard let interval else { return [] }
        return [SIPHeader(name: "Session-Expires", value: "\(interval);refresher=\(refresher == .legato ? "uac" : "uas")")]
    }

    // MARK: - machine

    /// Feeds one input; returns what to do, in order (empty: nothing).
    public mutating func handle(_ input: Input) -> [Action] {
        switch input {
        case .answered(let request):
            peerAllowsUpdate = request.allowsUpdate ?? false
            guard policy.isOn, request.expires != nil || request.supportsTimer else { return stop() }
            var value = min(request.expires ?? policy.interval, policy.interval)
            value = max(value, request.minSE ?? 0, policy.minSE)
            // The caller refreshes when it asked to or supports timers and did not ask Legato.
            let who: Refresher
            switch request.refresher {
            case "uac": who = .remote
            case "uas": who = .legato
            default: who = request.supportsTimer ? .remote : .legato
            }
            return start(value, who)
        case .confirmed(let response):
            peerAllowsUpdate = response.allowsUpdate ?? false
            // RFC 4028 §7.2: a 2xx without Session-Expires means no session timer.
            guard policy.isOn, let expires = response.expires else { return stop() }
            return start(max(expires, 90), response.refresher == "uas" ? .remote : .legato)
        case .remoteRefreshed(let request):
            if let allows = request.allowsUpdate { peerAllowsUpdate = allows }
            guard policy.isOn else { return [] }
            guard let current = interval else {
                // Timers may start with a later request (RFC 4028 §9 applies to re-INVITEs too).
                return request.expires != nil ? handle(.answered(request: request)) : []
            }
            var value = request.expires.map { max(min($0, policy.interval), request.minSE ?? 0, policy.minSE) } ?? current
            value = max(value, 90)
            let who: Refresher
            switch request.refresher {
            case "uac": who = .remote
            case "uas": who = .legato
            default: who = refresher
            }
            return start(value, who)
        case .localRequestAnswered(let status, let response):
            let wasRefresh = refreshInFlight
            refreshInFlight = nil
            if let allows = response.allowsUpdate { peerAllowsUpdate = allows }
            guard let current = interval else { return [] }
            switch status {
            case 200..<300:
                guard let expires = response.expires else { return start(current, refresher) }
                return start(max(expires, 90), response.refresher == "uas" ? .remote : .legato)
            case 408, 481:
                return [.disarm, .end(.refreshFailed)]
            case 422:
                // Session Interval Too Small: retry at once with the peer's minimum.
                interval = max(current, response.minSE ?? current)
                return wasRefresh != nil ? [.arm(seconds: 0.5)] : []
            case 405 where wasRefresh == .update, 501 where wasRefresh == .update:
                // The peer takes no UPDATE after all: the next refresh is a re-INVITE.
                peerAllowsUpdate = false
                return [.arm(seconds: 1)]
            case 491:
                return wasRefresh != nil ? [.arm(seconds: 2)] : []
            default:
                // Any other rejection leaves the session up (RFC 4028 §10); try again later.
                return wasRefresh != nil ? [.arm(seconds: Double(current) / 4)] : []
            }
        case .timerFired(let canReinvite):
            guard interval != nil else { return [] }
            if refresher == .remote { return [.disarm, .end(.sessionExpired)] }
            guard refreshInFlight == nil else { return [] }
            let method: Method = peerAllowsUpdate ? .update : .reinvite
            if method == .reinvite && !canReinvite { return [.arm(seconds: 2)] }
            refreshInFlight = method
            var headers = requestHeaders
            if method == .update { headers.append(SIPHeader(name: "Supported", value: "timer")) }
            return [.refresh(method, headers: headers)]
        }
    }

    private mutating func start(_ value: Int, _ who: Refresher) -> [Action] {
        interval = value
        refresher = who
        return [.arm(seconds: Self.delay(value, who))]
    }

    private mutating func stop() -> [Action] {
        let wasOn = interval != nil
        interval = nil
        refreshInFlight = nil
        return wasOn ? [.disarm] : []
    }

    /// When the timer fires: the refresher refreshes at half the interval;
    /// the other side ends the session min(32, interval/3) seconds before it
    /// expires (RFC 4028 §10).
    static func delay(_ interval: Int, _ who: Refresher) -> Double {
        switch who {
        case .legato: return Double(interval) / 2
        case .remote: return Double(interval - min(32, interval / 3))
        }
    }
}
