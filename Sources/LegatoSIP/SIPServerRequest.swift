internal import CSofiaShim

/// An in-dialog request (INFO, MESSAGE) Legato answers itself, later, with
/// whatever the far side answered. Answer it exactly once with `respond`;
/// the leg answers 500 for any request dropped unanswered when its dialog ends.
@SIPActor
public final class SIPServerRequest {
    /// The request as received.
    public let message: SIPMessage
    private weak var leg: SIPLeg?
    private var saved: UnsafeMutableRawPointer?
    /// Answers a request that did not come from sofia (tests' in-memory legs).
    private var responder: (@SIPActor (Int, String?, SIPBody?, [SIPHeader]) -> Void)?

    init(message: SIPMessage, leg: SIPLeg, saved: UnsafeMutableRawPointer?) {
        self.message = message
        self.leg = leg
        self.saved = saved
    }

    /// A request answered through `responder` (exactly once), for legs that are not sofia's.
    public init(message: SIPMessage, responder: @escaping @SIPActor (Int, String?, SIPBody?, [SIPHeader]) -> Void) {
        self.message = message
        self.responder = responder
    }

    /// True until `respond` was called.
    public var isPending: Bool { saved != nil || responder != nil }

    /// Sends the final response. Later calls do nothing.
    public func respond(_ status: Int, reason: String? = nil, body: SIPBody? = nil, headers: [SIPHeader] = []) {
        if let responder {
            self.responder = nil
            responder(status, reason, body, headers)
            return
        }
        guard let saved else { return }
        self.saved = nil
        guard let handle = leg?.handle else { return }
        SIPMetrics.responseSent(status)
        let phrase = reason ?? SIPStatus.defaultReason(status)
        let block: String? = headers.isEmpty ? nil : headers.wireBlock
        phrase.withCString { p in
            block.withOptionalCString { h in
                body.withBody { ct, data, len in
                    legato_nua_respond_saved(handle, saved, Int32(status), p, ct, data, len, h)
                }
            }
        }
    }
}
