internal import CSofiaShim
import Logging

/// Receives new inbound dialogs from a `SIPEndpoint`.
@SIPActor
public protocol SIPEndpointDelegate: AnyObject {
    /// An INVITE opened a new dialog. The delegate must answer it through `leg`.
    func endpoint(_ endpoint: SIPEndpoint, didReceiveInvite invite: SIPMessage, on leg: SIPLeg)
}

/// Errors from creating a SIP endpoint.
public enum SIPEndpointError: Error, CustomStringConvertible, Equatable {
    /// sofia could not bind the listener (address in use, not local, bad URL…).
    case bindFailed(url: String)

    /// A one-line message for the log.
    public var description: String {
        switch self {
        case .bindFailed(let url): return "could not listen on \(url) (address in use or not local?)"
        }
    }
}

/// One sofia nua agent bound to one listener address: its transports, its
/// dialogs (legs) and the dispatch of nua's events to them.
@SIPActor
public final class SIPEndpoint {
    /// The bind URL, e.g. `sip:127.0.0.1:5060` or `sip:[::1]:5060;transport=udp`.
    public nonisolated let url: String
    /// Listener address (no brackets) and port, used to pick the endpoint for an outbound leg.
    public nonisolated let address: String
    /// Listener port.
    public nonisolated let port: Int
    /// Receives new inbound dialogs; held weakly. While nil, new INVITEs get 503.
    public weak var delegate: SIPEndpointDelegate?
    let logger: Logger

    private var nua: OpaquePointer?
    private var legs: [OpaquePointer: SIPLeg] = [:]
    /// Registrations with trunks, by handle.
    private var registrations: [UInt: SIPRegistration] = [:]
    private var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
    private var isShutDown = false

    /// Binds a listener. `sipsURL` and `certificateDirectory` add a TLS transport.
    /// RFC 4028 session timers are not the endpoint's: `Call` runs them per leg.
    public init(url: String, address: String, port: Int, sipsURL: String? = nil, certificateDirectory: String? = nil,
                userAgent: String, logger: Logger) throws {
        self.url = url
        self.address = address
        self.port = port
        self.logger = logger
        _ = SignallingLoop.shared  // make sure the loop thread exists
        guard let root = SignallingLoop.shared.root else { throw SIPEndpointError.bindFailed(url: url) }
        let magic = Unmanaged.passUnretained(self).toOpaque()
        let created = url.withCString { u in
            sipsURL.withOptionalCString { s in
                certificateDirectory.withOptionalCString { c in
                    userAgent.withCString { ua in
                        legato_nua_create(root, sofiaCallback, magic, u, s, c, ua)
                    }
                }
            }
        }
        guard let created else { throw SIPEndpointError.bindFailed(url: url) }
        nua = created
        // nua holds an unretained pointer to self: keep self alive until shutdown ends.
        _ = Unmanaged.passRetained(self)
    }

    /// Draining: OPTIONS are answered 503 with Retry-After (a load balancer's
    /// probe sees the instance going away) instead of nua's 200.
    public var refuseOptions = false {
        didSet {
            guard let nua, refuseOptions != oldValue else { return }
            let methods = "INVITE, INFO, MESSAGE, REFER, UPDATE, PRACK" + (refuseOptions ? ", OPTIONS" : "")
            legato_nua_set_appl_methods(nua, methods)
        }
    }
    /// Retry-After (seconds) of the 503 to OPTIONS while `refuseOptions`.
    public var optionsRetryAfter = 5

    /// Number of dialogs alive on this endpoint.
    public var activeLegCount: Int { legs.count }

    /// Creates the leg for an outbound dialog; send its INVITE with `SIPLeg.invite`.
    public func makeOutboundLeg(from: String, to: String) -> SIPLeg? {
        guard let nua, !isShutDown else { return nil }
        let created = from.withCString { f in to.withCString { t in legato_nua_handle_create(nua, nil, f, t) } }
        guard let handle = created else { return nil }
        let leg = SIPLeg(endpoint: self, handle: handle, direction: .outbound)
        legs[handle] = leg
        return leg
    }

    /// Starts a registration with `registrar` for address-of-record `aor`
    /// (`register: true` on a trunk); nua refreshes it before `expires` runs out.
    public func register(name: String, registrar: String, aor: String, expires: Int,
                         credentials: SIPCredentials?) -> SIPRegistration? {
        guard let nua, !isShutDown else { return nil }
        let created = aor.withCString { a in legato_nua_handle_create(nua, nil, a, a) }
        guard let handle = created else { return nil }
        if credentials != nil { legato_nua_handle_allow_one_challenge(handle) }
        let registration = SIPRegistration(name: name, handle: handle, registrar: registrar, expires: expires,
                                           credentials: credentials, logger: logger)
        registrations[UInt(bitPattern: handle)] = registration
        registration.release = { [weak self] handle in
            self?.registrations[UInt(bitPattern: handle)] = nil
            legato_nua_handle_destroy(handle)
        }
        registration.send()
        return registration
    }

    /// Shuts the agent down (sofia ends what is left of its dialogs) and waits for it.
    public func shutdown() async {
        guard let nua, !isShutDown else { return }
        isShutDown = true
        await withCheckedContinuation { cont in
            shutdownWaiters.append(cont)
            legato_nua_shutdown(nua)
        }
    }

    // MARK: - nua events

    func handle(kind: legato_event_kind, name: String, status: Int, phrase: String, handle nh: OpaquePointer?,
                message: SIPMessage?, callState: Int32, saved: UnsafeMutableRawPointer? = nil) {
        if let method = SIPMetrics.method(of: kind, name: name, message: message) { SIPMetrics.requestReceived(method) }
        switch kind {
        case LEGATO_EV_I_INFO, LEGATO_EV_I_MESSAGE, LEGATO_EV_I_REFER, LEGATO_EV_I_UPDATE, LEGATO_EV_I_PRACK:
            guard let nh else { return }
            guard let leg = legs[nh] else {
                // Outside any dialog Legato handles: refuse, and drop the handle nua opened for it.
                // INFO belongs to a dialog (RFC 6086: 481); Legato relays no
                // out-of-dialog MESSAGE or REFER (403).
                let status: Int32 = kind == LEGATO_EV_I_MESSAGE || kind == LEGATO_EV_I_REFER ? 403 : 481
                if let saved { legato_nua_respond_saved(nh, saved, status, nil, nil, nil, 0, nil) }
                legato_nua_handle_destroy(nh)
                return
            }
            let request = SIPServerRequest(message: message ?? SIPMessage(), leg: leg, saved: saved)
            switch kind {
            case LEGATO_EV_I_INFO: leg.deliver(.info(request))
            case LEGATO_EV_I_MESSAGE: leg.deliver(.message(request))
            case LEGATO_EV_I_UPDATE: leg.deliver(.update(request))
            case LEGATO_EV_I_PRACK: leg.deliver(.prack(request))
            default: leg.deliver(.refer(request))
            }
            if request.isPending, leg.delegate == nil { request.respond(481) }
        case LEGATO_EV_R_INFO, LEGATO_EV_R_MESSAGE, LEGATO_EV_R_UPDATE, LEGATO_EV_R_PRACK, LEGATO_EV_R_REQUEST:
            guard let nh, let leg = legs[nh], status >= 200 else { return }
            var response = message ?? SIPMessage()
            response.status = status
            if response.reason?.isEmpty ?? true { response.reason = phrase }
            switch kind {
            case LEGATO_EV_R_INFO: leg.deliver(.infoResponse(response))
            case LEGATO_EV_R_MESSAGE: leg.deliver(.messageResponse(response))
            case LEGATO_EV_R_PRACK: leg.deliver(.prackResponse(response))
            case LEGATO_EV_R_REQUEST: leg.deliver(.requestResponse(response))
            default: leg.deliver(.updateResponse(response))
            }
        case LEGATO_EV_I_INVITE:
            guard let nh else { return }
            if let leg = legs[nh] {
                // A re-INVITE in an existing dialog: its owner answers it.
                if let message { leg.deliver(.reinvite(message)) } else { leg.respond(500) }
                return
            }
            let leg = SIPLeg(endpoint: self, handle: nh, direction: .inbound)
            legs[nh] = leg
            if let delegate, let message {
                delegate.endpoint(self, didReceiveInvite: message, on: leg)
            } else {
                leg.respond(503)
            }
        case LEGATO_EV_R_INVITE:
            guard let nh, let leg = legs[nh] else { return }
            if status == 401 || status == 407, leg.answerChallenge(realm: message?.challengeRealm) {
                // Answered once with the trunk's credentials: nua sends the INVITE again.
                logger.debug("sip.auth-answered", metadata: ["sip.status": "\(status)"])
                return
            }
            var response = message ?? SIPMessage()
            response.status = status
            if response.reason?.isEmpty ?? true { response.reason = phrase }
            leg.deliver(.response(response))
            if status == 401 || status == 407 {
                // A challenge Legato has no (more) credentials for: sofia keeps the
                // dialog waiting for nua_authenticate, so end it here.
                end(leg, handle: nh, status: status, phrase: phrase)
            }
        case LEGATO_EV_I_ACK:
            guard let nh, let leg = legs[nh] else { return }
            leg.deliver(.ack(message ?? SIPMessage(method: "ACK")))
        case LEGATO_EV_I_CANCEL:
            // nua answers the CANCEL 200 itself.
            SIPMetrics.responseSent(200)
            guard let nh, let leg = legs[nh] else { return }
            leg.deliver(.cancelled(message))
        case LEGATO_EV_I_BYE:
            // nua answers the BYE 200 itself.
            SIPMetrics.responseSent(200)
            guard let nh, let leg = legs[nh] else { return }
            leg.deliver(.bye(message))
        case LEGATO_EV_I_STATE:
            guard let nh, let leg = legs[nh], callState == Int32(LEGATO_CALLSTATE_TERMINATED) else { return }
            end(leg, handle: nh, status: status, phrase: phrase)
        case LEGATO_EV_R_SHUTDOWN:
            if status >= 200 { finishShutdown() }
        case LEGATO_EV_I_OTHER_REQUEST:
            // Requests nua answered itself (OPTIONS and the like) open a handle nobody owns.
            if let nh, legs[nh] == nil {
                if saved == nil, status >= 200 { SIPMetrics.responseSent(status) }  // nua answered it
                if let saved {
                    // An OPTIONS left to Legato: draining (503 with Retry-After), else 200.
                    let status: Int32 = refuseOptions ? 503 : 200
                    SIPMetrics.responseSent(Int(status))
                    let headers = refuseOptions ? "Retry-After: \(optionsRetryAfter)" : nil
                    headers.withOptionalCString { h in
                        legato_nua_respond_saved(nh, saved, status, refuseOptions ? "Draining" : nil, nil, nil, 0, h)
                    }
                }
                legato_nua_handle_destroy(nh)
            }
        default:
            if name == "nua_r_register" || name == "nua_r_unregister" {
                registrations[nh.map { UInt(bitPattern: $0) } ?? 0]?.handle(status: status, phrase: phrase, message: message,
                                                                           unregister: name == "nua_r_unregister")
                return
            }
            if name == "nua_r_bye", status == 401 || status == 407, let nh, let leg = legs[nh],
               leg.answerChallenge(realm: nil) {
                logger.debug("sip.auth-answered", metadata: ["sip.status": "\(status)", "sip.method": "BYE"])
                return
            }
            logger.trace("sip.event", metadata: ["sip.event": "\(name)", "sip.status": "\(status)"])
        }
    }

    /// Forgets the leg's dialog, destroys its handle and tells its owner.
    private func end(_ leg: SIPLeg, handle: OpaquePointer, status: Int, phrase: String) {
        legs[handle] = nil
        leg.terminate()
        leg.deliver(.terminated(status: status, reason: phrase))
    }

    private func finishShutdown() {
        guard let nua else { return }
        self.nua = nil
        for (_, leg) in legs { leg.terminate() }
        legs.removeAll()
        for (_, registration) in registrations { if let nh = registration.detach() { legato_nua_handle_destroy(nh) } }
        registrations.removeAll()
        legato_nua_destroy(nua)
        let waiters = shutdownWaiters
        shutdownWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
        Unmanaged.passUnretained(self).release()
    }
}

/// nua's callback: copies the event into Swift values and enters the endpoint
/// on the signalling thread (sofia calls it there, outside any Swift job).
private let sofiaCallback: legato_event_callback = { magic, event in
    guard let magic, let ev = event?.pointee else { return }
    let endpoint = Unmanaged<SIPEndpoint>.fromOpaque(magic).takeUnretainedValue()
    let message = SIPMessage(event: ev)
    let name = ev.name.map { String(cString: $0) } ?? "?"
    let phrase = ev.phrase.map { String(cString: $0) } ?? ""
    let handleBits = UInt(bitPattern: ev.handle)
    let kindValue = ev.kind.rawValue
    let status = Int(ev.status), callState = ev.call_state
    let savedBits = UInt(bitPattern: ev.saved)
    SIPActor.assumeIsolated {
        endpoint.handle(kind: legato_event_kind(rawValue: kindValue), name: name, status: status, phrase: phrase,
                        handle: OpaquePointer(bitPattern: handleBits), message: message, callState: callState,
                        saved: UnsafeMutableRawPointer(bitPattern: savedBits))
    }
}
