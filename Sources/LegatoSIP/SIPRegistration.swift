internal import CSofiaShim
import Logging

/// A registration Legato keeps with a trunk (`trunks.NAME.register: true`):
/// one nua handle whose REGISTER nua refreshes before it expires. A 401/407
/// is answered once per REGISTER with the trunk's credentials; each success
/// and each failure is logged (`trunk.registered`, `trunk.register-failed`),
/// and a failed registration is tried again after `retryAfter` seconds.
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
        guard let handle else { return }
        challengeAnswered = false
        registrar.withCString { legato_nua_register(handle, $0, Int32(expires), nil) }
    }

    /// A final answer to the REGISTER or one of its refreshes.
    func handle(status: Int, phrase: String, message: SIPMessage?) {
        guard status >= 200, let handle else { return }
        if status == 401 || status == 407, !challengeAnswered, let credentials,
           let realm = credentials.realm.map({ "\"\($0)\"" }) ?? message?.challengeRealm {
            challengeAnswered = true
            let auth = "Digest:\(realm):\(credentials.username):\(credentials.password)"
            auth.withCString { legato_nua_authenticate(handle, $0) }
            return
        }
        challengeAnswered = false  // the next refresh is a new request
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

    /// Removes the registration (Expires: 0) and stops retrying.
    public func stop() {
        retry?.cancel()
        retry = nil
        guard let handle else { return }
        if isRegistered { legato_nua_unregister(handle) }
        isRegistered = false
    }

    /// Forgets the handle (the endpoint destroys it).
    func detach() -> OpaquePointer? {
        retry?.cancel()
        defer { handle = nil }
        return handle
    }
}
