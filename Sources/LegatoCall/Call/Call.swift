import Logging
import LegatoMedia
import LegatoSDP
import LegatoSIP

/// One leg of a call, with the methods and events of VoxEngine's `Call`.
///
/// Every `Call` lives on the signalling thread (`SIPActor`). Inbound calls are
/// handed to a `Scenario`; outbound calls are created with `CallEngine.callSIP`.
/// A call holds no pointer to another call: what crosses between two calls
/// (offers, INFO, MESSAGE, PRACK, ends, transfers) belongs to the
/// `CallBridge` that joins them.
@SIPActor
public final class Call {
    /// Legato's id for this call (unique per process).
    public let id: String
    /// True for a call that arrived at Legato.
    public let incoming: Bool
    /// Inbound: the dialed user (request-URI user). Outbound: the called user.
    public let number: String
    /// The caller's user part (From).
    public let callerid: String
    /// The caller's display name (From), empty if none.
    public let displayName: String
    /// The `X-` headers of the INVITE that opened the call.
    public let headers: [SIPHeader]
    /// The SIP Call-ID of this leg's own dialog.
    public let sipCallID: String?
    /// Always `sip` for calls Legato handles.
    public var clientType: String { "sip" }
    /// The SDP the remote side sent: inbound, the INVITE's offer (nil for a
    /// delayed offer); outbound, the 2xx's SDP; later, its latest accepted offer or answer.
    public internal(set) var remoteSession: SIPBody?
    /// The SDP of the last 183 the remote side sent (outbound).
    public internal(set) var earlyMediaSession: SIPBody?

    let leg: any CallLeg
    let logger: CallLogger
    var machine: CallStateMachine
    /// Every subscription, in the order made: one flat list (a call has a
    /// handful), not a dictionary of lists per kind (#12: memory per call).
    private var listeners: [(kind: CallEventKind, id: Int, handler: @SIPActor (CallEvent) -> Void)] = []
    private var nextListenerID = 0
    // What the action being performed attaches to its SIP message.
    var outgoingBody: SIPBody?
    var outgoingHeaders: [SIPHeader] = []
    var outgoingReason: String?
    // The X-headers of the message being handled, for the event it fires.
    var incomingHeaders: [SIPHeader] = []
    /// Outbound INVITE sent without an offer: the 2xx carries the offer, so the
    /// ACK must wait for the answer relayed from the peer (delayed offer).
    var ackAwaitsAnswer = false
    var ackSent = false
    var connectedAt: ContinuousClock.Instant?

    /// The bridge this call is a side of (the bridge owns its calls, not the
    /// other way round); nil for a call on its own.
    public internal(set) weak var bridge: CallBridge?

    /// Inbound: the caller's INVITE listed 100rel in Supported or Require.
    var remoteSupports100rel = false
    /// Inbound: the next 18x goes out reliably (it relays a reliable 18x of the peer).
    var nextProvisionalReliable = false
    /// Inbound: the last 18x went out reliably because `nextProvisionalReliable` asked for it.
    var sentProvisionalReliably = false
    /// The hold state the remote side's latest accepted offer put the call in.
    var remoteHolds = false
    /// The hold state of the offer of the remote side waiting for its answer.
    var pendingHold: Bool?
    /// The bridge re-INVITEd this call on Legato's own account (a transfer,
    /// a media-mode switch) and waits for the answer.
    var bridgeOfferPending = false
    /// True after `handleBlindTransfer(true)`: a REFER fires BlindTransferRequested instead of 603.
    public internal(set) var handlesBlindTransfer = false
    /// A REFER was accepted (202) and its outcome has not been notified yet.
    public internal(set) var isBlindTransferPending = false
    /// Which X-headers of what this call's remote side sends (INFO, MESSAGE,
    /// responses, BYE) cross to the other side of its bridge: the route's or
    /// trunk's header policy for that direction; nil lets every X- header cross.
    var relayHeaderFilter: HeaderFilter?
    /// Set by the engine on inbound calls when a media engine runs: what
    /// `answer()`/`startEarlyMedia()` anchor the call's media with.
    var anchorSettings: MediaAnchorSettings?
    /// Seconds an inbound call may stay in early media before it fails with 408; nil = no limit.
    var earlyMediaTimeout: Double?
    var noAnswerTimer: LoopTimer?
    var noAnswerTimeout: Double?
    var earlyMediaStarted = false
    var onFinished: (@SIPActor (Call) -> Void)?
    /// RFC 4028 on this leg (`Call+SessionTimer.swift`).
    var sessionTimer = SessionTimer(policy: .off)
    var sessionTimerTask: LoopTimer?
    /// What the inbound INVITE said about session timers.
    var inviteTimer = SessionTimer.Remote()
    /// What the re-INVITE or UPDATE being answered said about session timers.
    var offerTimer = SessionTimer.Remote()
    /// A refresh re-INVITE Legato sent on this leg waits for its answer.
    var refreshReinvitePending = false
    /// The SDP Legato last sent on this leg (a refresh re-INVITE repeats it).
    var localSession: SIPBody?
    /// Why the call ended, logged once as `call.ended cause=…`; set before the
    /// ending input by paths that know better than the input itself.
    var endCause: String?
    var endLogged = false
    /// What only some calls use (`CallOptionalState`), allocated on the first write.
    var optionalStorage: CallOptionalState?
    /// What the call's detail record states (`Records/`).
    var facts = CallFacts()
    /// Runs once when an inbound call ends, with its media as it was just before (the engine writes the CDR).
    var onEnded: (@SIPActor (Call, CallStateMachine.Input, CallMediaSnapshot) -> Void)?

    init(id: String, incoming: Bool, leg: any CallLeg, number: String, callerid: String, displayName: String,
         headers: [SIPHeader], sipCallID: String?, remoteSession: SIPBody?, logger: Logger) {
        self.id = id
        self.incoming = incoming
        self.leg = leg
        self.number = number
        self.callerid = callerid
        self.displayName = displayName
        self.headers = headers
        self.sipCallID = sipCallID
        self.remoteSession = remoteSession
        self.machine = CallStateMachine(incoming: incoming)
        self.logger = CallLogger(logger, callID: id, legCallID: sipCallID)
        leg.delegate = self
        LiveObjects.born(LiveObjects.calls)
    }

    deinit { LiveObjects.died(LiveObjects.calls) }

    // MARK: - accessors

    /// The current state (`ALERTING`, `PROGRESSING`, `CONNECTED`, `TERMINATED`).
    public var state: CallState { machine.state }

    /// The string carried with the call (≤ 200 bytes).
    public func customData() -> String? { customDataValue }

    /// Sets the string carried with the call. Throws `CallError.customDataTooLong` above 200 bytes.
    public func setCustomData(_ value: String) throws(CallError) {
        try CallInputRules.validateCustomData(value)
        customDataValue = value
    }

    /// A one-line summary: id, direction, number and state.
    public var description: String {
        "Call(\(id), \(incoming ? "inbound" : "outbound"), \(number), \(state))"
    }

    /// VoxEngine's `toString()`.
    public func toString() -> String { description }

    /// The X-headers of `headers` that may cross from this call's remote side to the other side.
    func crossing(_ headers: [SIPHeader]) -> [SIPHeader] {
        let custom = headers.filter(\.isCustom)
        return relayHeaderFilter?.filter(custom) ?? custom
    }

    /// True once 183 with SDP was sent on this (inbound) call and it is not answered yet.
    var isInEarlyMedia: Bool { earlyMediaStarted && machine.phase == .alerting }

    /// An offer/answer exchange is under way on this leg (a refresh re-INVITE waits for it).
    var hasOfferInFlight: Bool {
        (bridge?.hasOfferInFlight ?? false) || bridgeOfferPending || refreshReinvitePending || pendingHold != nil
    }

    // MARK: - listeners

    /// Subscribes `handler` to events of `kind`; keep the token to remove it.
    @discardableResult
    public func addEventListener(_ kind: CallEventKind, _ handler: @escaping @SIPActor (CallEvent) -> Void) -> ListenerToken {
        nextListenerID += 1
        listeners.append((kind, nextListenerID, handler))
        return ListenerToken(id: nextListenerID, kind: kind)
    }

    /// Unsubscribes the listener `token` names. Unknown tokens are ignored.
    public func removeEventListener(_ token: ListenerToken) {
        listeners.removeAll { $0.id == token.id }
    }

    /// Runs the listeners of `event`'s kind subscribed when it fires (one
    /// added by a handler waits for the next event; one removed still runs).
    func fire(_ event: CallEvent) {
        let kind = event.kind
        for entry in listeners where entry.kind == kind { entry.handler(event) }
    }

    /// Fires a signalling event and logs it as `call.signalling-event`.
    func fireSignalledEvent(_ event: CallEvent) {
        logger.info("call.signalling-event", metadata: ["call.event": "\(event.kind.rawValue)"])
        fire(event)
    }

    /// Fires a media event, logged as `call.media-event`.
    func fireMediaEvent(_ event: CallEvent) {
        logger.info("call.media-event", metadata: ["call.event": "\(event.kind.rawValue)"])
        fire(event)
    }
}

extension Call: SIPLegDelegate {
    /// An event of the call's dialog, in order (from its `CallLeg`).
    public func legDidReceive(_ event: SIPLegEvent) { handle(event) }
}
