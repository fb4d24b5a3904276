import LegatoCall
import LegatoConfig
import LegatoSIP

extension Daemon {
    /// Registers with every trunk that says `register: true` (its `username`,
    /// `password`, `realm`, `register_expires`); nua refreshes each registration,
    /// `SIPRegistration` logs every answer and retries failures.
    func startRegistrations(engine: CallEngine) {
        for trunk in configuration.trunks.values.sorted(by: { $0.name < $1.name }) where trunk.register {
            guard let username = trunk.username, let password = trunk.password else { continue }
            let credentials = SIPCredentials(username: username, password: password, realm: trunk.realm)
            let uri = URIParts.withTransport(trunk.uri, trunk.transport.rawValue)
            guard let registration = engine.register(trunk: trunk.name, uri: uri, credentials: credentials,
                                                     expires: trunk.registerExpires) else {
                logger.warning("trunk.register-failed", metadata: ["trunk": "\(trunk.name)",
                                                                  "error": "no listener reaches \(uri)"])
                continue
            }
            registrations.append(registration)
        }
    }
}
