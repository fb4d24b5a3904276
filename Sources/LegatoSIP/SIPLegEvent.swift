/// What happened on one leg's dialog, as delivered to its `SIPLegDelegate`.
public enum SIPLegEvent {
    /// A response to the INVITE this leg sent (1xx, 2xx or final failure).
    /// Failures generated locally by sofia (timeouts, transport errors) arrive here too.
    case response(SIPMessage)
    /// The remote side sent ACK (with the answer body for a delayed offer).
    case ack(SIPMessage)
    /// A re-INVITE in the established dialog; answer it with `SIPLeg.respond`.
    case reinvite(SIPMessage)
    /// The remote side cancelled the INVITE it sent; sofia has already answered 487.
    case cancelled(SIPMessage?)
    /// The remote side sent BYE; sofia has already answered 200.
    case bye(SIPMessage?)
    /// An INFO in the dialog; answer it through the request.
    case info(SIPServerRequest)
    /// A MESSAGE in the dialog; answer it through the request.
    case message(SIPServerRequest)
    /// A REFER in the dialog (RFC 3515); answer it through the request (202
    /// creates the implicit subscription `SIPLeg.notifyRefer` reports on).
    case refer(SIPServerRequest)
    /// An UPDATE in the dialog (RFC 3311); answer it through the request.
    case update(SIPServerRequest)
    /// A PRACK (RFC 3262) for a reliable provisional response this leg sent.
    case prack(SIPServerRequest)
    /// The final response to the PRACK this leg sent.
    case prackResponse(SIPMessage)
    /// The final response to the UPDATE this leg sent.
    case updateResponse(SIPMessage)
    /// The final response to a request sent with `SIPLeg.sendRequest` (a session refresh).
    case requestResponse(SIPMessage)
    /// The final response to an INFO this leg sent (in the order they were sent).
    case infoResponse(SIPMessage)
    /// The final response to a MESSAGE this leg sent.
    case messageResponse(SIPMessage)
    /// The dialog ended; the handle is gone and the leg cannot send anything more.
    case terminated(status: Int, reason: String)
}

/// Receives the events of a `SIPLeg`.
@SIPActor
public protocol SIPLegDelegate: AnyObject {
    /// One event of the leg's dialog, in order.
    func legDidReceive(_ event: SIPLegEvent)
}
