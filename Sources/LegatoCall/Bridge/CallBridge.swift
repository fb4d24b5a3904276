import Logging
import LegatoMedia
import LegatoSIP

/// Joins two calls and owns everything that crosses between them: the
/// offer/answer relay (re-INVITE, UPDATE, PRACK, glare), in-dialog relay
/// (INFO, MESSAGE, with each side's X-header policy), the end of one side
/// ending the other, and transfer re-pointing (`replace`). Side A is the
/// inbound call, side B the outbound one.
///
/// The registry owns live bridges; a bridge owns its two calls; a call
/// knows its bridge only weakly and never another call. In relay mode
/// `media` rewrites every SDP for the other leg (`RelayMedia`); in direct
/// mode (`media` nil) SDP passes unchanged.
@SIPActor
public final class CallBridge {
    /// The live bridges, until both sides have ended.
    private static var registry: [ObjectIdentifier: CallBridge] = [:]

    /// The inbound side.
    public private(set) var a: Call
    /// The outbound side.
    public private(set) var b: Call
    /// Every live bridge (a debug hook switches their media mode; leak checks).
    public static var live: [CallBridge] { Array(registry.values) }

    /// Relay mode's SDP rewriting; nil in direct mode (`switchToDirect`, `switchToRelay` change it).
    var media: (any SessionRewriter)?
    /// What relaying this bridge's media takes (set where a media pool runs); nil: `switchToRelay` refuses.
    var relayPlan: RelayPlan?
    /// The `o=` line each side saw last after a switch to direct mode: SDP
    /// crossing in direct mode is stamped with it (RFC 3264 8); nil before any switch.
    var directOrigins: [BridgeSide: SDPOrigin]?
    /// `direct_after_answer`: once the caller ACKs Legato's answer, a relayed
    /// bridge switches to direct media (`switchToDirect`).
    public var directAfterAnswer = false
    /// A media-mode switch runs: remote offers get 491 until it is done.
    var switching = false
    /// The switch waiting for the final response to Legato's own offer to `side`.
    var localAnswerWaiter: (side: BridgeSide, continuation: CheckedContinuation<SIPMessage, Never>)?
    var offers = OfferAnswerRelay()
    /// The remote's UPDATE being relayed, answered when the other side answers.
    var pendingUpdate: SIPServerRequest?
    /// Whether one side's end ends the other (off while a transfer runs).
    public private(set) var linksEnds: Bool
    /// Runs at each end of a linked side (relay mode releases its media; idempotent).
    var onEnd: @SIPActor () -> Void
    private var tokens: [(call: Call, token: ListenerToken)] = []
    let logger: CallLogger

    private init(a: Call, b: Call, media: (any SessionRewriter)?, linksEnds: Bool, onEnd: @escaping @SIPActor () -> Void) {
        self.a = a
        self.b = b
        self.media = media
        self.linksEnds = linksEnds
        self.onEnd = onEnd
        self.logger = a.logger
        LiveObjects.born(LiveObjects.bridges)
    }

    deinit { LiveObjects.died(LiveObjects.bridges) }

    /// Joins `a` (inbound) and `b` (outbound). With `linksEnds`, either side's
    /// end ends the other: an outbound failure rejects the unanswered inbound
    /// call with the mapped code (`FailureMapping`), a hang-up hangs up the other side.
    @discardableResult
    static func join(a: Call, b: Call, media: (any SessionRewriter)?, linksEnds: Bool,
                     onEnd: @escaping @SIPActor () -> Void = {}) -> CallBridge {
        a.bridge?.leave(a)
        b.bridge?.leave(b)
        let bridge = CallBridge(a: a, b: b, media: media, linksEnds: linksEnds, onEnd: onEnd)
        registry[ObjectIdentifier(bridge)] = bridge
        a.bridge = bridge
        b.bridge = bridge
        bridge.watch(a, side: .a)
        bridge.watch(b, side: .b)
        return bridge
    }

    /// The call on `side`.
    public subscript(side: BridgeSide) -> Call { side == .a ? a : b }

    /// The side `call` is on, if it is one of the bridge's calls.
    public func side(of call: Call) -> BridgeSide? {
        if call === a { return .a }
        if call === b { return .b }
        return nil
    }

    /// True while an offer crosses the bridge.
    var hasOfferInFlight: Bool { offers.isBusy || switching }

    // MARK: - ends

    /// A transfer is under way: the transferor's end no longer ends the transferee.
    public func unlink() { linksEnds = false }

    /// The transfer failed while both sides are still up: ends are linked again.
    public func relink() { linksEnds = true }

    /// Puts `call` on `side` in place of the call there (a transfer target
    /// taking over the transferor's side); ends are linked again.
    func replace(_ side: BridgeSide, with call: Call) {
        let old = self[side]
        release(old)
        if side == .a { a = call } else { b = call }
        call.bridge?.leave(call)
        call.bridge = self
        offers = OfferAnswerRelay()
        pendingUpdate = nil
        watch(call, side: side)
        linksEnds = true
    }

    /// `call` leaves the bridge (it joins another one).
    private func leave(_ call: Call) {
        release(call)
        if a.bridge !== self && b.bridge !== self { Self.registry[ObjectIdentifier(self)] = nil }
    }

    private func release(_ call: Call) {
        for entry in tokens where entry.call === call { call.removeEventListener(entry.token) }
        tokens.removeAll { $0.call === call }
        if call.bridge === self { call.bridge = nil }
    }

    private func watch(_ call: Call, side: BridgeSide) {
        let failed = call.addEventListener(.failed) { [weak self] event in
            guard let self, self.side(of: call) == side else { return }
            self.sideFailed(side, event: event)
        }
        let disconnected = call.addEventListener(.disconnected) { [weak self] event in
            guard let self, self.side(of: call) == side else { return }
            self.sideDisconnected(side, event: event)
        }
        tokens += [(call, failed), (call, disconnected)]
    }

    private func sideFailed(_ side: BridgeSide, event: CallEvent) {
        guard linksEnds else { return dissolveIfDone() }
        noteEnd(of: side)
        onEnd()
        let other = self[side.other]
        if side == .b, other.state == .alerting, case .failed(let headers, let code, let reason) = event {
            let mapped = FailureMapping.inbound(forOutbound: code, reason: reason)
            other.refuse(code: mapped.code, reason: mapped.reason, headers: self[side].crossing(headers))
        }
        dissolveIfDone()
    }

    private func sideDisconnected(_ side: BridgeSide, event: CallEvent) {
        settleOffers(endedSide: side)
        guard linksEnds else { return dissolveIfDone() }
        noteEnd(of: side)
        onEnd()
        Self.hangup(self[side.other], carrying: self[side].crossing(event.headers))
        dissolveIfDone()
    }

    /// The callee's side ended first: the caller's record says who ended it.
    private func noteEnd(of side: BridgeSide) {
        // Only when the caller's side is still up: its own end says who ended it otherwise.
        guard side == .b, a.facts.endingInput == nil, let input = b.facts.endingInput else { return }
        a.facts.hangupSide = Call.endedRemotely(input) ? .callee : .legato
        if case .noAnswerTimeout = input { a.facts.noAnswer = true }
    }

    /// Called by a call when it ends: an offer waiting for it gets 481.
    func sideEnded(_ call: Call) {
        guard let side = side(of: call) else { return }
        settleOffers(endedSide: side)
        dissolveIfDone()
    }

    /// An offer waiting for `side`, which ended, gets 481; one from `side` is dropped.
    private func settleOffers(endedSide side: BridgeSide) {
        for action in offers.handle(.ended(side: side)) {
            if case .localOfferDone(let target, let status) = action {
                localOfferSettled(side: target, response: SIPMessage(status: status, reason: nil, body: nil, headers: []))
            }
            guard case .refuse(let origin, let kind, let status) = action else { continue }
            if kind == .update {
                pendingUpdate?.respond(status)
                pendingUpdate = nil
            } else {
                self[origin].concludeOffer(status: status, reason: nil, body: nil, headers: [], from: nil, request: nil)
            }
        }
    }

    private func dissolveIfDone() {
        guard a.state == .terminated, b.state == .terminated else { return }
        settleOffers(endedSide: .a)
        settleOffers(endedSide: .b)
        release(a)
        release(b)
        Self.registry[ObjectIdentifier(self)] = nil
    }

    /// Hangs up `call` with the X-headers of the other side's BYE (those the
    /// policy lets cross); without them if any is not acceptable as an API
    /// header, so that the hang-up itself never fails.
    static func hangup(_ call: Call, carrying headers: [SIPHeader]) {
        if (try? call.hangup(extraHeaders: headers)) == nil { try? call.hangup() }
    }
}
