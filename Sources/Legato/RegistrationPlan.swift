import LegatoCall
import LegatoConfig

/// What a registration with a trunk is made of (`trunks.NAME.register: true`
/// with `username` and `password`): two plans that differ need the old
/// registration removed and a new one made.
struct RegistrationPlan: Equatable, Sendable {
    /// The trunk's name.
    let trunk: String
    /// The trunk's URI with its transport (the registrar is derived from it).
    let uri: String
    let username: String
    let password: String
    let realm: String?
    let expires: Int

    /// The plan of every trunk of `configuration` that registers, by trunk name.
    static func all(_ configuration: LegatoConfiguration) -> [String: RegistrationPlan] {
        var plans: [String: RegistrationPlan] = [:]
        for trunk in configuration.trunks.values where trunk.register {
            guard let username = trunk.username, let password = trunk.password else { continue }
            plans[trunk.name] = RegistrationPlan(
                trunk: trunk.name, uri: URIParts.withTransport(trunk.uri, trunk.transport.rawValue),
                username: username, password: password, realm: trunk.realm, expires: trunk.registerExpires)
        }
        return plans
    }

    /// What a reload does: registrations to end (trunk removed, `register`
    /// turned off, or credentials, registrar or expiry changed) and plans to
    /// start (trunk added or turned on, or changed: started once the old one
    /// has ended). Both sorted by trunk name.
    static func changes(running: [String: RegistrationPlan], wanted: [String: RegistrationPlan])
        -> (stop: [String], start: [RegistrationPlan]) {
        let stop = running.keys.filter { wanted[$0] != running[$0] }.sorted()
        let start = wanted.values.filter { running[$0.trunk] != $0 }.sorted { $0.trunk < $1.trunk }
        return (stop, start)
    }
}
