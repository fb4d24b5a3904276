import LegatoCall
import LegatoConfig
import LegatoSIP

/// A registration the daemon keeps with a trunk, and the plan it was made from.
struct TrunkRegistration {
    let plan: RegistrationPlan
    let registration: SIPRegistration
}

extension Daemon {
    /// Registers with every trunk that says `register: true` (its `username`,
    /// `password`, `realm`, `register_expires`); nua refreshes each registration,
    /// `SIPRegistration` logs every answer and retries failures.
    func startRegistrations(engine: CallEngine) {
        for plan in RegistrationPlan.all(configuration).values.sorted(by: { $0.trunk < $1.trunk }) {
            startRegistration(plan, engine: engine)
        }
    }

    /// A reload: registrations follow the new conf. A trunk removed, or no
    /// longer registering, is unregistered (REGISTER with Expires: 0,
    /// `trunk.unregistered`); one added or turned on starts registering; one
    /// whose registrar, credentials or expiry changed is unregistered, then
    /// registered anew once the registrar has answered the un-REGISTER (both
    /// use the same Contact, so the order matters).
    func reloadRegistrations(engine: CallEngine) {
        let running = registrations.mapValues(\.plan)
        let (stop, start) = RegistrationPlan.changes(running: running, wanted: RegistrationPlan.all(configuration))
        var restarting: [String: RegistrationPlan] = [:]
        for plan in start where running[plan.trunk] != nil { restarting[plan.trunk] = plan }
        for name in stop {
            guard let old = registrations.removeValue(forKey: name) else { continue }
            let next = restarting[name]
            old.registration.stop { [weak self, weak engine] in
                // Still wanted as planned (a later reload may have changed it again).
                guard let self, let engine, let next, self.registrations[name] == nil,
                      RegistrationPlan.all(self.configuration)[name] == next else { return }
                self.startRegistration(next, engine: engine)
            }
        }
        for plan in start where restarting[plan.trunk] == nil {
            startRegistration(plan, engine: engine)
        }
    }

    private func startRegistration(_ plan: RegistrationPlan, engine: CallEngine) {
        let credentials = SIPCredentials(username: plan.username, password: plan.password, realm: plan.realm)
        guard let registration = engine.register(trunk: plan.trunk, uri: plan.uri, credentials: credentials,
                                                 expires: plan.expires) else {
            logger.warning("trunk.register-failed", metadata: ["trunk": "\(plan.trunk)",
                                                              "error": "no listener reaches \(plan.uri)"])
            return
        }
        registrations[plan.trunk] = TrunkRegistration(plan: plan, registration: registration)
    }
}
