import LegatoSIP

extension CallEngine {
    /// Starts a registration with a trunk (`trunks.NAME.register: true`): the
    /// address of record is `sip:USERNAME@HOST` of the trunk's URI, sent from
    /// the listener that reaches it; nil when no listener can.
    public func register(trunk name: String, uri: String, credentials: SIPCredentials,
                         expires: Int) -> SIPRegistration? {
        guard let listener = listener(for: uri), let host = URIParts.hostPort(of: uri) else { return nil }
        let registrar = URIParts.replacingUser(in: uri, with: "")
        return listener.endpoint.register(name: name, registrar: registrar, aor: "<sip:\(credentials.username)@\(URIParts.host(of: uri) ?? host)>",
                                          expires: expires, credentials: credentials)
    }
}
