import Glibc

/// Answers ICE connectivity checks on one relay leg as an ICE-lite agent
/// (RFC 8445 §7.3): a Binding Request whose USERNAME is
/// `<Legato's ufrag>:<remote ufrag>` and whose MESSAGE-INTEGRITY verifies
/// under Legato's ice-pwd gets a Binding Success Response with the same
/// transaction id, the sender's XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and
/// FINGERPRINT. Runs on the worker thread, off the fast path.
struct STUNResponder {
    /// What to do with a STUN message.
    enum Outcome: Equatable {
        /// Send these bytes back to the sender.
        case answer([UInt8])
        /// A Binding Request for someone else, or one that does not authenticate.
        case unauthenticated
        /// Not a Binding Request (a response, an indication…).
        case ignored
    }

    let credentials: ICECredentials
    /// `ufrag:` as bytes: what a check's USERNAME starts with.
    private let usernamePrefix: [UInt8]
    private let key: [UInt8]

    init(credentials: ICECredentials) {
        self.credentials = credentials
        usernamePrefix = Array((credentials.ufrag + ":").utf8)
        key = Array(credentials.pwd.utf8)
    }

    func respond(to bytes: [UInt8], from source: UnsafePointer<sockaddr_storage>) -> Outcome {
        guard let request = STUNMessage(bytes), request.type == STUNMessage.bindingRequest else { return .ignored }
        guard let username = request.attribute(STUNMessage.username), username.starts(with: usernamePrefix),
              request.hasValidIntegrity(key: key) else { return .unauthenticated }
        if request.attributes.contains(where: { $0.type == STUNMessage.fingerprint }), !request.hasValidFingerprint {
            return .unauthenticated
        }
        var response = STUNMessageBuilder(type: STUNMessage.bindingSuccess, transactionID: Array(request.transactionID))
        guard response.appendXORMappedAddress(source) else { return .ignored }
        return .answer(response.encoded(integrityKey: key, fingerprint: true))
    }
}
