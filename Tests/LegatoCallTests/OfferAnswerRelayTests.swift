import Testing
@testable import LegatoCall

@Suite("OfferAnswerRelay (mid-call offers as a value)")
struct OfferAnswerRelayTests {
    @Test("an offer from either side goes to the other; its answer returns to the offerer", arguments: BridgeSide.allCases)
    func offerAndAnswer(from side: BridgeSide) {
        var relay = OfferAnswerRelay()
        #expect(relay.handle(.offer(from: side, kind: .reinvite)) == [.forward(to: side.other, kind: .reinvite)])
        #expect(relay.isBusy)
        #expect(relay.handle(.answer(from: side.other, status: 200)) == [.returnAnswer(to: side, kind: .reinvite, status: 200)])
        #expect(!relay.isBusy)
    }

    @Test("glare from both sides and both methods: the second offer gets 491, the first completes",
          arguments: [(BridgeSide.a, BridgeSide.b), (.b, .a), (.a, .a)])
    func glare(sides: (BridgeSide, BridgeSide)) {
        var relay = OfferAnswerRelay()
        _ = relay.handle(.offer(from: sides.0, kind: .reinvite))
        #expect(relay.handle(.offer(from: sides.1, kind: .update)) == [.refuse(to: sides.1, kind: .update, status: 491)])
        #expect(relay.handle(.offer(from: sides.1, kind: .reinvite)) == [.refuse(to: sides.1, kind: .reinvite, status: 491)])
        #expect(relay.handle(.answer(from: sides.0.other, status: 200)) == [.returnAnswer(to: sides.0, kind: .reinvite, status: 200)])
    }

    @Test("a failure or a timeout (408) is returned like an answer and frees the relay", arguments: [408, 488, 500, 503])
    func failures(status: Int) {
        var relay = OfferAnswerRelay()
        _ = relay.handle(.offer(from: .a, kind: .update))
        #expect(relay.handle(.answer(from: .b, status: status)) == [.returnAnswer(to: .a, kind: .update, status: status)])
        #expect(relay.handle(.offer(from: .b, kind: .reinvite)) == [.forward(to: .a, kind: .reinvite)])
    }

    @Test("an answer from the wrong side or with nothing pending is ignored")
    func strayAnswers() {
        var relay = OfferAnswerRelay()
        #expect(relay.handle(.answer(from: .a, status: 200)).isEmpty)
        _ = relay.handle(.offer(from: .a, kind: .reinvite))
        #expect(relay.handle(.answer(from: .a, status: 200)).isEmpty)
        #expect(relay.isBusy)
    }

    @Test("Legato's own offer blocks offers from both sides and ends in localOfferDone")
    func localOffer() {
        var relay = OfferAnswerRelay()
        #expect(relay.handle(.localOffer(to: .a)).isEmpty)
        #expect(relay.handle(.offer(from: .b, kind: .reinvite)) == [.refuse(to: .b, kind: .reinvite, status: 491)])
        #expect(relay.handle(.localOffer(to: .b)) == [.localOfferDone(side: .b, status: 491)])
        #expect(relay.handle(.answer(from: .a, status: 200)) == [.localOfferDone(side: .a, status: 200)])
    }

    @Test("the target's end answers the offerer 481; the offerer's end just clears the offer")
    func ends() {
        var relay = OfferAnswerRelay()
        _ = relay.handle(.offer(from: .a, kind: .reinvite))
        #expect(relay.handle(.ended(side: .b)) == [.refuse(to: .a, kind: .reinvite, status: 481)])
        _ = relay.handle(.offer(from: .a, kind: .update))
        #expect(relay.handle(.ended(side: .a)).isEmpty)
        #expect(!relay.isBusy)
        _ = relay.handle(.localOffer(to: .b))
        #expect(relay.handle(.ended(side: .b)) == [.localOfferDone(side: .b, status: 481)])
    }

    @Test("reliable 18x relayed end to end: its PRACK goes back to the side that sent it, the answer returns")
    func prackEndToEnd() {
        var relay = OfferAnswerRelay()
        #expect(relay.handle(.reliableProvisional(from: .b, rseq: 1, cseq: 10, toSupports100rel: true))
                == [.relayReliably(to: .a)])
        #expect(relay.handle(.reliableProvisional(from: .b, rseq: 2, cseq: 10, toSupports100rel: true))
                == [.relayReliably(to: .a)])
        #expect(relay.handle(.prack(from: .a)) == [.forwardPrack(to: .b, rseq: 1, cseq: 10)], "oldest first")
        #expect(relay.handle(.prackAnswer(from: .b, status: 200)) == [.returnPrackAnswer(to: .a, status: 200)])
        #expect(relay.handle(.prack(from: .a)) == [.forwardPrack(to: .b, rseq: 2, cseq: 10)])
        #expect(relay.handle(.prack(from: .a)) == [.answerPrack(to: .a, status: 200)], "nothing left to relay")
    }

    @Test("100rel terminated per leg: Legato PRACKs the 18x itself when the other side cannot take it reliably")
    func prackTerminated() {
        var relay = OfferAnswerRelay()
        #expect(relay.handle(.reliableProvisional(from: .b, rseq: 5, cseq: 3, toSupports100rel: false))
                == [.prackLocally(side: .b, rseq: 5, cseq: 3)])
        #expect(relay.handle(.prack(from: .a)) == [.answerPrack(to: .a, status: 200)])
    }

    @Test("PRACK and UPDATE interleave: an UPDATE offer during a relayed PRACK is relayed, and both complete")
    func prackAndUpdate() {
        var relay = OfferAnswerRelay()
        _ = relay.handle(.reliableProvisional(from: .b, rseq: 1, cseq: 1, toSupports100rel: true))
        _ = relay.handle(.prack(from: .a))
        #expect(relay.handle(.offer(from: .a, kind: .update)) == [.forward(to: .b, kind: .update)])
        #expect(relay.handle(.answer(from: .b, status: 200)) == [.returnAnswer(to: .a, kind: .update, status: 200)])
        #expect(relay.handle(.prackAnswer(from: .b, status: 200)) == [.returnPrackAnswer(to: .a, status: 200)])
    }

    @Test("a side's end drops its relayed 18x and a PRACK waiting for it")
    func endDropsProvisionals() {
        var relay = OfferAnswerRelay()
        _ = relay.handle(.reliableProvisional(from: .b, rseq: 1, cseq: 1, toSupports100rel: true))
        _ = relay.handle(.ended(side: .b))
        #expect(relay.handle(.prack(from: .a)) == [.answerPrack(to: .a, status: 200)])
    }
}
