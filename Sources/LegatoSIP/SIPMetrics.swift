internal import CSofiaShim
import Metrics

/// SIP traffic counters (swift-metrics; the daemon exports them to Prometheus):
/// `legato_sip_requests_total{method}` for requests received,
/// `legato_sip_responses_total{code}` for responses Legato sent.
public enum SIPMetrics {
    /// A request of `method` arrived.
    public static func requestReceived(_ method: String) {
        Counter(label: "legato_sip_requests_total", dimensions: [("method", method)]).increment()
    }

    /// Legato sent a response with `code`.
    public static func responseSent(_ code: Int) {
        Counter(label: "legato_sip_responses_total", dimensions: [("code", String(code))]).increment()
    }

    /// The method a nua event kind stands for, when it is an incoming request.
    static func method(of kind: legato_event_kind, name: String, message: SIPMessage?) -> String? {
        switch kind {
        case LEGATO_EV_I_INVITE: "INVITE"
        case LEGATO_EV_I_ACK: "ACK"
        case LEGATO_EV_I_CANCEL: "CANCEL"
        case LEGATO_EV_I_BYE: "BYE"
        case LEGATO_EV_I_INFO: "INFO"
        case LEGATO_EV_I_MESSAGE: "MESSAGE"
        case LEGATO_EV_I_REFER: "REFER"
        case LEGATO_EV_I_UPDATE: "UPDATE"
        case LEGATO_EV_I_PRACK: "PRACK"
        case LEGATO_EV_I_OTHER_REQUEST: message?.method ?? (name.hasPrefix("nua_i_") ? String(name.dropFirst(6)).uppercased() : "OTHER")
        default: nil
        }
    }
}
