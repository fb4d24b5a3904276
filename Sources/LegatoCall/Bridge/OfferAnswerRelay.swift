/// One side of a bridge: A faces the caller (the inbound call), B the callee.
public enum BridgeSide: String, Sendable, Equatable, CaseIterable {
    case a, b
    /// The other side.
    public var other: BridgeSide { self == .a ? .b : .a }
}

/// The mid-call offer/answer exchanges of a bridge as a value (RFC 3261
/// §14, RFC 3311, RFC 3262): feed it what either side sent, get back what
/// to do. One offer is in flight at a time; a second one, from either side,
/// gets 491 (glare). The bridge performs the actions: it rewrites SDP in
/// relay mode and sends the SIP.
///
/// Reliable provisional responses (100rel) are relayed end to end when both
/// sides support it, and their PRACKs follow them back; otherwise each leg
/// terminates 100rel itself.
struct OfferAnswerRelay: Equatable, Sendable {
    /// The request carrying an offer.
    enum Kind: String, Equatable, Sendable { case reinvite = "INVITE", update = "UPDATE" }

    enum Input: Equatable, Sendable {
        /// `from`'s remote sent a re-INVITE or UPDATE with an offer (a re-INVITE may be offerless).
        case offer(from: BridgeSide, kind: Kind)
        /// Legato itself offers to `to` (a transfer or a media-mode switch).
        case localOffer(to: BridgeSide)
        /// `from` answered the offer forwarded to it (or Legato's own) with this final status;
        /// 408 stands for no answer at all.
        case answer(from: BridgeSide, status: Int)
        /// `side`'s dialog ended: an offer waiting for it gets no answer.
        case ended(side: BridgeSide)
        /// `from` (the callee) sent a reliable 18x; `toSupports100rel` is true when
        /// the other side can take it reliably and has not answered yet.
        case reliableProvisional(from: BridgeSide, rseq: Int, cseq: Int, toSupports100rel: Bool)
        /// `from`'s remote sent a PRACK.
        case prack(from: BridgeSide)
        /// `from` answered a PRACK relayed to it.
        case prackAnswer(from: BridgeSide, status: Int)
    }

    enum Action: Equatable, Sendable {
        /// Send the offer (rewritten in relay mode) on to `to`.
        case forward(to: BridgeSide, kind: Kind)
        /// Answer `to`'s request with this status and nothing else (491, 481, 500…).
        case refuse(to: BridgeSide, kind: Kind, status: Int)
        /// Answer `to`'s offer with the final response `from` gave (the answer, rewritten in relay mode).
        case returnAnswer(to: BridgeSide, kind: Kind, status: Int)
        /// Legato's own offer to `side` ended with this status.
        case localOfferDone(side: BridgeSide, status: Int)
        /// Relay the reliable 18x to `to` reliably (`Require: 100rel`).
        case relayReliably(to: BridgeSide)
        /// PRACK the 18x on `side` from Legato (100rel terminated on that leg).
        case prackLocally(side: BridgeSide, rseq: Int, cseq: Int)
        /// Forward the PRACK to `to` for its 18x `rseq`/`cseq`.
        case forwardPrack(to: BridgeSide, rseq: Int, cseq: Int)
        /// Answer `to`'s PRACK with this status (200 for an 18x Legato sent itself).
        case answerPrack(to: BridgeSide, status: Int)
        /// Return the PRACK answer `from` gave to the side that sent the PRACK.
        case returnPrackAnswer(to: BridgeSide, status: Int)
    }

    /// The offer in flight: who offered (nil: Legato), to whom, by which request.
    struct Pending: Equatable, Sendable {
        let origin: BridgeSide?
        let target: BridgeSide
        let kind: Kind
    }

    private(set) var pending: Pending?
    /// Reliable 18x relayed end to end, oldest first: their PRACKs come back from the other side.
    private(set) var relayedProvisionals: [(side: BridgeSide, rseq: Int, cseq: Int)] = []
    /// The side a relayed PRACK is answered to.
    private(set) var prackWaiting: BridgeSide?

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.pending == rhs.pending && lhs.prackWaiting == rhs.prackWaiting
            && lhs.relayedProvisionals.map { "\($0.side)\($0.rseq)/\($0.cseq)" }
            == rhs.relayedProvisionals.map { "\($0.side)\($0.rseq)/\($0.cseq)" }
    }

    /// True while an offer is in flight (a refresh re-INVITE of either leg waits).
    var isBusy: Bool { pending != nil }

    mutating func handle(_ input: Input) -> [Action] {
        switch input {
        case .offer(let from, let kind):
            guard pending == nil else { return [.refuse(to: from, kind: kind, status: 491)] }
            pending = Pending(origin: from, target: from.other, kind: kind)
            return [.forward(to: from.other, kind: kind)]
        case .localOffer(let to):
            guard pending == nil else { return [.localOfferDone(side: to, status: 491)] }
            pending = Pending(origin: nil, target: to, kind: .reinvite)
            return []
        case .answer(let from, let status):
            guard let offer = pending, offer.target == from else { return [] }
            pending = nil
            guard let origin = offer.origin else { return [.localOfferDone(side: from, status: status)] }
            return [.returnAnswer(to: origin, kind: offer.kind, status: status)]
        case .ended(let side):
            var actions: [Action] = []
            if let offer = pending, offer.target == side || offer.origin == side {
                pending = nil
                if offer.target == side {
                    if let origin = offer.origin {
                        actions.append(.refuse(to: origin, kind: offer.kind, status: 481))
                    } else {
                        actions.append(.localOfferDone(side: side, status: 481))
                    }
                }
            }
            relayedProvisionals.removeAll { $0.side == side }
            if prackWaiting == side { prackWaiting = nil }
            return actions
        case .reliableProvisional(let from, let rseq, let cseq, let toSupports100rel):
            guard toSupports100rel else { return [.prackLocally(side: from, rseq: rseq, cseq: cseq)] }
            relayedProvisionals.append((from, rseq, cseq))
            return [.relayReliably(to: from.other)]
        case .prack(let from):
            guard let index = relayedProvisionals.firstIndex(where: { $0.side == from.other }) else {
                return [.answerPrack(to: from, status: 200)]
            }
            let provisional = relayedProvisionals.remove(at: index)
            prackWaiting = from
            return [.forwardPrack(to: provisional.side, rseq: provisional.rseq, cseq: provisional.cseq)]
        case .prackAnswer(let from, let status):
            guard let waiting = prackWaiting, waiting == from.other else { return [] }
            prackWaiting = nil
            return [.returnPrackAnswer(to: waiting, status: status)]
        }
    }
}
