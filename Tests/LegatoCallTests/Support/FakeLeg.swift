import Logging
@testable import LegatoCall
import LegatoSIP

/// An in-memory SIP dialog for unit tests: records what the call sends and
/// delivers what the test says arrived. No sofia, no network.
@SIPActor
final class FakeLeg: CallLeg {
    enum Sent: Equatable {
        case respond(Int, body: String?, headers: [SIPHeader])
        case invite(body: String?, headers: [SIPHeader])
        case reinvite(body: String?, headers: [SIPHeader])
        case ack(body: String?)
        case bye
        case cancel
        case notifyRefer(String, final: Bool)
        case prack(rseq: Int, cseq: Int, body: String?)
        case update(body: String?, headers: [SIPHeader])
        case request(String, headers: [SIPHeader])
        case info(body: String?, headers: [SIPHeader])
        case message(body: String?, headers: [SIPHeader])
    }

    weak var delegate: (any SIPLegDelegate)?
    private(set) var sent: [Sent] = []

    /// What arrived from the remote side.
    func deliver(_ event: SIPLegEvent) { delegate?.legDidReceive(event) }

    /// Forgets what was sent so far.
    func clear() { sent = [] }

    /// The statuses of the responses sent, in order.
    var statuses: [Int] {
        sent.compactMap { if case .respond(let status, _, _) = $0 { return status } else { return nil } }
    }

    func respond(_ status: Int, reason: String?, body: SIPBody?, headers: [SIPHeader]) {
        sent.append(.respond(status, body: body?.text, headers: headers))
    }
    func invite(requestURI: String, maxForwards: Int, body: SIPBody?, headers: [SIPHeader]) {
        sent.append(.invite(body: body?.text, headers: headers))
    }
    func reinvite(body: SIPBody?, headers: [SIPHeader]) { sent.append(.reinvite(body: body?.text, headers: headers)) }
    func ack(body: SIPBody?) { sent.append(.ack(body: body?.text)) }
    func bye(headers: [SIPHeader]) { sent.append(.bye) }
    func cancel(headers: [SIPHeader]) { sent.append(.cancel) }
    func notifyRefer(statusLine: String, final: Bool) { sent.append(.notifyRefer(statusLine, final: final)) }
    func prack(rseq: Int, cseq: Int, body: SIPBody?, headers: [SIPHeader]) {
        sent.append(.prack(rseq: rseq, cseq: cseq, body: body?.text))
    }
    func update(body: SIPBody?, headers: [SIPHeader]) { sent.append(.update(body: body?.text, headers: headers)) }
    func sendRequest(_ method: String, headers: [SIPHeader]) { sent.append(.request(method, headers: headers)) }
    func info(body: SIPBody?, headers: [SIPHeader]) { sent.append(.info(body: body?.text, headers: headers)) }
    func message(body: SIPBody?, headers: [SIPHeader]) { sent.append(.message(body: body?.text, headers: headers)) }
}

/// Calls on fake legs, and SIP messages to deliver to them.
@SIPActor
enum Fake {
    static func sdp(_ direction: String = "sendrecv", port: Int = 4000) -> SIPBody {
        SIPBody(contentType: "application/sdp", text: """
            v=0\r
            o=- 1 1 IN IP4 127.0.0.1\r
            s=-\r
            c=IN IP4 127.0.0.1\r
            t=0 0\r
            m=audio \(port) RTP/AVP 0\r
            a=rtpmap:0 PCMU/8000\r
            a=\(direction)\r

            """)
    }

    static func inbound(offer: SIPBody? = sdp(port: 4000), headers: [SIPHeader] = []) -> (Call, FakeLeg) {
        let leg = FakeLeg()
        let call = Call(id: "in", incoming: true, leg: leg, number: "1000", callerid: "alice", displayName: "",
                        headers: headers, sipCallID: "a-callid", remoteSession: offer, logger: Logger(label: "test"))
        return (call, leg)
    }

    static func outbound(id: String = "out", offer: SIPBody? = sdp(port: 4000)) -> (Call, FakeLeg) {
        let leg = FakeLeg()
        let call = Call(id: id, incoming: false, leg: leg, number: "2000", callerid: "alice", displayName: "",
                        headers: [], sipCallID: nil, remoteSession: nil, logger: Logger(label: "test"))
        call.place(requestURI: "sip:2000@127.0.0.1", maxForwards: 69, offer: offer, headers: [], noAnswerTimeout: nil)
        return (call, leg)
    }

    static func response(_ status: Int, body: SIPBody? = nil, headers: [SIPHeader] = [], rseq: Int = 0) -> SIPMessage {
        var message = SIPMessage(status: status, reason: nil, body: body, headers: headers)
        message.rseq = rseq
        message.cseq = 1
        return message
    }

    static func request(_ method: String, body: SIPBody? = nil, headers: [SIPHeader] = []) -> SIPMessage {
        SIPMessage(method: method, body: body, headers: headers)
    }

    /// A server request whose answer lands in `answers`.
    static func serverRequest(_ method: String, body: SIPBody? = nil, headers: [SIPHeader] = [],
                              answers: Box<[Int]>) -> SIPServerRequest {
        SIPServerRequest(message: request(method, body: body, headers: headers)) { status, _, _, _ in
            answers.value.append(status)
        }
    }

    /// A bridged pair in direct mode, connected: A answered with B's SDP and ACKed.
    static func connectedDirect() -> (bridge: CallBridge, a: Call, aLeg: FakeLeg, b: Call, bLeg: FakeLeg) {
        let (a, aLeg) = inbound()
        let (b, bLeg) = outbound()
        let bridge = CallBridge.direct(inbound: a, outbound: b)
        bLeg.deliver(.response(response(200, body: sdp(port: 5000))))
        aLeg.deliver(.ack(request("ACK")))
        aLeg.clear()
        bLeg.clear()
        return (bridge, a, aLeg, b, bLeg)
    }
}

/// A mutable cell for closures in tests.
final class Box<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
