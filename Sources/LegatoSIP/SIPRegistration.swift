internal import CSofiaShim
import Logging

/// A registration Legato keeps with a trunk (`trunks.NAME.register: true`):
/// one nua handle whose REGISTER nua refreshes before it expires. A 401/407
/// is answered once per REGISTER with the trunk's credentials; each success
/// and each failure is logged (`trunk.registered`, `trunk.register-failed`),
/// and a failed registration is tried again after `retryAfter` seconds.
/// `stop` ends it: REGISTER with Expires: 0 (logged `trunk.unregistered`),
/// then the handle is released.
@SIPActor
public final class SIPRegistration {
    /// The trunk's name (log metadata).
    public let name: String
    /// Seconds asked for in Expires.
    public let expires: Int
    /// True while the registrar's last answer was a 2xx.
    public private(set) var isRegistered = false
    /// 2xx answers so far (the first registration and every refresh).
    public private(set) var successes = 0
    /// Seconds before a failed registration is sent again.
    public var retryAfter: Double = 30

    private let registrar: String
    private let credentials: SIPCredentials?
    private let logger: Logger
    private var handle: OpaquePointer?
    private var challengeAnswered = false
    private var retry: Task<Void, Never>?
    /// A REGISTER (or un-REGISTER) awaits its final answer.
    private var pending = false
    private var stopping = false
    private var whenStopped: [@SIPActor () -> Void] = []
    /// Set by the endpoint: forgets and destroys the handle once the registration has ended.
    var release: (@SIPActor (OpaquePointer) -> Void)?

    init(name: String, handle: OpaquePointer, registrar: String, expires: Int, credentials: SIPCredentials?,
         logger: Logger) {
        self.name = name
        self.handle = handle
        self.registrar = registrar
        self.expires = expires
        self.credentials = credentials
        self.logger = logger
    }

    /// Sends the REGISTER (nua refreshes it from then on).
    func send() {
        guard let handle, !stopping else { return }
        challengeAnswered = false
        pending = true
        registrar.withCString { legato_nua_register(handle, $0, Int32(expires), nil) }
    }

    /// A final answer to the REGISTER or one of its refreshes (`unregister`:
    /// to the REGISTER with Expires: 0 that `stop` sent).
    func handle(status: Int, phrase: String, message: SIPMessage?, unregister: Bool = false) {
        guard status >= 200, let handle else { return }
        // Once stopping, only the un-REGISTER's answers matter.
        if stopping && !unregister { return }
        if status == 401 || status == 407, !challengeAnswered, let credentials,
           let realm = credentials.realm.map({ "\"\($0)\"" }) ?? message?.challengeRealm {
            challengeAnswered = true
            let auth = "Digest:\(realm):\(credentials.username):\(credentials.password)"
            auth.withCString { legato_nua_authenticate(handle, $0) }
            return
        }
        challengeAnswered = false  // the next refresh is a new request
        pending = false
        if stopping {
            ended(status: status, phrase: phrase)
            return
        }
        if status < 300 {
            isRegistered = true
            successes += 1
            logger.info("trunk.registered", metadata: ["trunk": "\(name)", "register.expires": "\(expires)",
                                                      "register.count": "\(successes)"])
            return
        }
        isRegistered = false
        logger.warning("trunk.register-failed", metadata: ["trunk": "\(name)", "sip.status": "\(status)",
                                                          "sip.reason": "\(phrase)",
                                                          "register.retry_s": "\(Int(retryAfter))"])
        retry?.cancel()
        let delay = retryAfter
        retry = Task { @SIPActor [weak self] in
            try? await Task.sleep(for: .seconds(delay))
            guard !Task.isCancelled else { return }
            self?.send()
        }
    }

    /// Ends the registration: REGISTER with Expires: 0 when it is registered
    /// or a REGISTER is on its way (a challenge answered once, as for the
    /// REGISTER), no more refreshes or retries; `then` runs once it is over
    /// (the un-REGISTER answered, or at once when none was needed), after the
    /// handle was released.
    public func stop(then done: (@SIPActor () -> Void)? = nil) {
        retry?.cancel()
        retry = nil
        if let done { whenStopped.append(done) }
        guard !stopping else { return }
        stopping = true
        guard let handle, isRegistered || pending else {
            ended(status: nil, phrase: "")
            return
        }
        challengeAnswered = false
        pending = true
        legato_nua_unregister(handle)
    }

    /// The registration is over: logs the un-REGISTER's answer, releases the handle, runs the waiters.
    private func ended(status: Int?, phrase: String) {
        if let status {
            if status < 300 {
                logger.info("trunk.unregistered", metadata: ["trunk": "\(name)", "sip.status": "\(status)"])
            } else {
                logger.warning("trunk.unregister-failed", metadata: ["trunk": "\(name)", "sip.status": "\(status)",
                                                                    "sip.reason": "\(phrase)"])
            }
        } else {
            logger.info("trunk.unregistered", metadata: ["trunk": "\(name)", "register.sent": "false"])
        }
        isRegistered = false
        if let handle = detach() { release?(handle) }
        let waiters = whenStopped
        whenStopped.removeAll()
        for waiter in waiters { waiter() }
    }

    /// Forgets the handle (the endpoint destroys it).
    func detach() -> OpaquePointer? {
        retry?.cancel()
        defer { handle = nil }
        return handle
    }
}
