import Testing
@testable import LegatoCall
import LegatoMedia

/// The CDR value: disposition from the facts, times and durations, and the JSON line's field names and values.
@Suite struct CallRecordTests {
    static let t0 = WallTime(milliseconds: 1_796_098_138_298)  // 2026-12-01T04:08:58.298Z

    static func record(answer: Int64? = nil, endAfter: Int64 = 5000, code: Int = 200,
                       side: CallRecord.HangupSide = .caller) -> CallRecord {
        CallRecord(callID: "abc-1", sipCallID: "x@y", from: "sip:alice@127.0.0.1", to: "sip:1000@127.0.0.1:5060",
                   listener: "127.0.0.1:5060", route: "to-local", trunk: "local", start: t0,
                   answer: answer.map { WallTime(milliseconds: t0.milliseconds + $0) },
                   end: WallTime(milliseconds: t0.milliseconds + endAfter), sipCode: code, hangupSide: side)
    }

    @Test func rfc3339InUTCWithMilliseconds() {
        #expect(Self.t0.rfc3339 == "2026-12-01T04:08:58.298Z")
        #expect(WallTime(milliseconds: 0).rfc3339 == "1970-01-01T00:00:00.000Z")
        #expect(WallTime(milliseconds: 1_000_000_007).rfc3339 == "1970-01-12T13:46:40.007Z")
    }

    @Test func answeredCallBillsFromTheAnswer() {
        let r = Self.record(answer: 1500, endAfter: 11_750)
        #expect(r.disposition == .answered)
        #expect(r.durationSeconds == 11.75)
        #expect(r.billSeconds == 10.25)
    }

    @Test(arguments: [(486, CallRecord.Disposition.busy), (600, .busy), (480, .noAnswer), (408, .noAnswer),
                      (403, .rejected), (404, .rejected), (603, .rejected), (302, .rejected),
                      (500, .failed), (503, .failed), (0, .failed)])
    func unansweredDispositionByCode(code: Int, expected: CallRecord.Disposition) {
        let r = Self.record(code: code, side: .callee)
        #expect(r.disposition == expected)
        #expect(r.billSeconds == 0)
    }

    @Test func callerCancelAndNoAnswerTimerWinOverTheCode() {
        var cancelled = Self.record(code: 487)
        cancelled.callerCancelled = true
        #expect(cancelled.disposition == .cancelled)
        var timedOut = Self.record(code: 503, side: .legato)
        timedOut.noAnswerTimeout = true
        #expect(timedOut.disposition == .noAnswer)
    }

    @Test func jsonLineHasExactlyTheFieldsInOrder() {
        var r = Self.record(answer: 1000, endAfter: 3000)
        r.media = .init(mode: "relay", srtp: true, caller: .init(packetsIn: 150, packetsOut: 149),
                        callee: .init(packetsIn: 149, packetsOut: 150))
        r.customData = "acct \"7\""
        let expected = #"{"call_id":"abc-1","sip_call_id":"x@y","from":"sip:alice@127.0.0.1","to":"sip:1000@127.0.0.1:5060","#
            + #""listener":"127.0.0.1:5060","route":"to-local","trunk":"local","start":"2026-12-01T04:08:58.298Z","#
            + #""answer":"2026-12-01T04:08:59.298Z","end":"2026-12-01T04:09:01.298Z","duration_s":3,"billsec_s":2,"#
            + #""disposition":"answered","sip_code":200,"hangup_side":"caller","media":{"mode":"relay","srtp":true,"#
            + #""caller":{"packets_in":150,"packets_out":149,"lost":null,"jitter_ms":null},"#
            + #""callee":{"packets_in":149,"packets_out":150,"lost":null,"jitter_ms":null}},"custom_data":"acct \"7\""}"#
        #expect(r.jsonLine == expected)
    }

    @Test func unansweredLineHasNullAnswerAndTransferWhenOneHappened() {
        var r = Self.record(endAfter: 2345, code: 486, side: .callee)
        r.route = nil
        r.trunk = nil
        r.transfer = .init(to: "sip:carol@127.0.0.1", result: "failed 486")
        let line = r.jsonLine
        #expect(line.contains(#""route":null,"trunk":null"#))
        #expect(line.contains(#""answer":null"#))
        #expect(line.contains(#""duration_s":2.345,"billsec_s":0"#))
        #expect(line.contains(#""disposition":"busy","sip_code":486,"hangup_side":"callee""#))
        #expect(line.contains(#""media":{"mode":"direct","srtp":false,"caller":null,"callee":null}"#))
        #expect(line.contains(#""transfer":{"to":"sip:carol@127.0.0.1","result":"failed 486"},"custom_data":null}"#))
        #expect(!Self.record().jsonLine.contains("transfer"))
    }

    @Test func relayedLegCarriesLossAndJitterOnceRTPArrived() {
        var rtp = RelayStreamStats()
        let silent = CallRecord.LegMedia(relayed: rtp)
        #expect(silent.lost == 0, "a relay that received nothing lost nothing")
        #expect(silent.jitterMilliseconds == nil, "no RTP: no jitter estimate")
        rtp.packetsIn = 1
        #expect(CallRecord.LegMedia(relayed: rtp).jitterMilliseconds == 0, "one packet: RFC 3550's initial J = 0")
        rtp.packetsIn = 250
        rtp.packetsOut = 248
        rtp.packetsLost = 3
        rtp.jitterMilliseconds = 1.8754
        let leg = CallRecord.LegMedia(relayed: rtp)
        #expect(leg == CallRecord.LegMedia(packetsIn: 250, packetsOut: 248, lost: 3, jitterMilliseconds: 1.8754))
        var r = Self.record(answer: 1000, endAfter: 3000)
        r.media = .init(mode: "relay", caller: leg, callee: silent)
        #expect(r.jsonLine.contains(#""caller":{"packets_in":250,"packets_out":248,"lost":3,"jitter_ms":1.875}"#), "\(r.jsonLine)")
        #expect(r.jsonLine.contains(#""callee":{"packets_in":0,"packets_out":0,"lost":0,"jitter_ms":null}"#), "\(r.jsonLine)")
    }

    @Test func controlCharactersAreEscaped() {
        var r = Self.record()
        r.from = "a\nb\u{01}\\"
        #expect(r.jsonLine.contains(#""from":"a\nb\u0001\\""#))
    }
}
