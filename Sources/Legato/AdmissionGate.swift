import Logging
import LegatoConfig
import LegatoSecurity
import LegatoCall
import LegatoSIP

/// The daemon's admission chain on the wire: builds the `AdmissionChain`
/// from the configuration, shows it every datagram and new connection on the
/// listeners (through `WireGate`, before sofia parses anything) and logs each
/// refusal as `security.refused src=IP reason=REASON` (notice level; at most
/// one line per source and reason every `logInterval` seconds, with the count
/// of refusals since the last line). A new INVITE read while its UDP socket's
/// receive queue is past `signalling.overload_queue_bytes` is answered 503
/// (`Retry-After: 5`) from the gate itself, statelessly, and never reaches
/// sofia (`QueueShedder`, `StatelessResponse`). At INVITE time (`admitInvite`, before a
/// `Call` is built) it answers scanners 403 when so configured and runs digest
/// authentication for sources that are not trunks.
@SIPActor
final class AdmissionGate {
    private var chain: AdmissionChain
    private var authenticator: DigestAuthenticator
    /// Sources that are not trunks must authenticate: true when the conf has
    /// `users` or identifies any trunk by `sources`.
    private var authRequired: Bool
    private let logger: Logger
    /// `security.max_message_bytes` / `max_body_bytes` for datagrams.
    private var sizeLimits: (message: Int, body: Int)
    /// `signalling.overload_queue_bytes`: new INVITEs shed on receive-queue depth.
    private var shedder: QueueShedder
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let logInterval: Double
    private var lastLogged: [LogKey: (at: Double, suppressed: Int)] = [:]
    /// Refusals so far, by reason (for tests and, later, a metrics counter).
    private(set) var refusals: [RefusalReason: Int] = [:]

    private struct LogKey: Hashable {
        let source: IPAddress
        let reason: RefusalReason
    }

    init(configuration: LegatoConfiguration, logger: Logger, logInterval: Double = 10) throws {
        chain = AdmissionChain(policy: try Self.policy(configuration))
        authenticator = DigestAuthenticator(realm: configuration.security.realm, users: configuration.users)
        authRequired = !configuration.users.isEmpty || configuration.trunks.values.contains { !$0.sources.isEmpty }
        sizeLimits = (configuration.security.maxMessageBytes, configuration.security.maxBodyBytes)
        shedder = QueueShedder(thresholdBytes: configuration.signalling.overloadQueueBytes)
        self.logger = logger
        self.logInterval = logInterval
        start = clock.now
    }

    /// The chain's policy from the conf's listeners, trunks and `security` section.
    static func policy(_ configuration: LegatoConfiguration) throws -> AdmissionPolicy {
        var listeners: [Int: AdmissionPolicy.ListenerACL] = [:]
        for (index, listener) in configuration.listeners.enumerated()
        where !listener.allowFrom.isEmpty || !listener.denyFrom.isEmpty {
            listeners[index] = .init(allowFrom: listener.allowFrom, denyFrom: listener.denyFrom)
        }
        let security = configuration.security
        let trunks = configuration.trunks.values.sorted { $0.name < $1.name }
            .filter { !$0.sources.isEmpty }.map { (name: $0.name, sources: $0.sources) }
        return AdmissionPolicy(
            listeners: listeners, trusted: security.trusted, trunkSources: trunks,
            scanners: security.scannerUserAgents.isEmpty ? nil : try ScannerMatcher(patterns: security.scannerUserAgents),
            scannerAction: security.scannerAction, perSourceCPS: security.perSourceCPS,
            blockSeconds: security.blockSeconds)
    }

    /// A reload: the new conf's security policy, trunk sources and users take
    /// over for what arrives next (the rate limiter's table and outstanding
    /// nonces start afresh; a client holding an old nonce is challenged again).
    /// Listener ACLs change only with the listeners, which need a restart.
    func apply(_ configuration: LegatoConfiguration) throws {
        chain = AdmissionChain(policy: try Self.policy(configuration))
        authenticator = DigestAuthenticator(realm: configuration.security.realm, users: configuration.users)
        authRequired = !configuration.users.isEmpty || configuration.trunks.values.contains { !$0.sources.isEmpty }
        sizeLimits = (configuration.security.maxMessageBytes, configuration.security.maxBodyBytes)
        shedder.thresholdBytes = configuration.signalling.overloadQueueBytes
    }

    /// Installs the gate on the wire.
    func install() {
        WireGate.install { [weak self] packet in self?.decide(packet) ?? false }
    }

    /// Removes the gate.
    func uninstall() { WireGate.install(nil) }

    private var now: Double {
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// True to drop the packet. Packets the chain answers (403 to a scanner)
    /// pass on; `CallEngine` gives the answer.
    private func decide(_ packet: WirePacket) -> Bool {
        guard let source = IPAddress(bytes: packet.address) else { return false }
        let request: AdmissionRequest
        if packet.isConnection {
            request = AdmissionRequest(listener: packet.listener, source: source, method: nil, isNewDialog: false,
                                       userAgent: nil)
        } else {
            let head = WireHead(packet.bytes)
            if let malformation = head.malformation
                ?? head.sizeProblem(size: packet.bytes.count, maxMessageBytes: sizeLimits.message,
                                    maxBodyBytes: sizeLimits.body) {
                refused(source, .malformed, detail: malformation)
                return true
            }
            guard let method = head.method else {
                // Responses: only the ACL applies.
                let probe = AdmissionRequest(listener: packet.listener, source: source, method: nil,
                                             isNewDialog: false, userAgent: nil)
                if case .drop(let reason) = chain.admit(probe, now: now), reason == .acl {
                    refused(source, reason)
                    return true
                }
                return false
            }
            request = AdmissionRequest(listener: packet.listener, source: source, method: method,
                                       isNewDialog: !head.hasToTag, userAgent: head.userAgent)
        }
        switch chain.admit(request, now: now) {
        case .accept, .reject:
            if request.method == "INVITE" && request.isNewDialog && !packet.isConnection {
                return shedOnQueueDepth(packet, source: source)
            }
            if request.method == "ACK" && !request.isNewDialog && !packet.isConnection,
               let headers = TransactionHeaders(packet.bytes), StatelessTag.isAckOfStatelessResponse(headers) {
                return true  // the ACK of a 503 this gate sent: no transaction in sofia to take it
            }
            return false
        case .drop(let reason):
            refused(source, reason)
            return true
        }
    }

    /// A new INVITE while its socket's receive queue is past
    /// `overload_queue_bytes` (and not a retransmission of one handed to sofia):
    /// answered 503 with `Retry-After: 5` from here, statelessly, and dropped.
    private func shedOnQueueDepth(_ packet: WirePacket, source: IPAddress) -> Bool {
        guard shedder.thresholdBytes > 0 else { return false }
        let headers = TransactionHeaders(packet.bytes)
        let decision = shedder.decide(key: headers?.transactionKey, now: now) {
            WireGate.currentQueue().map { (queued: $0.queued, capacity: $0.capacity) }
        }
        guard case .shed(let queued, let threshold) = decision else { return false }
        if let headers, headers.cseqMethod == "INVITE",
           let response = StatelessResponse.make(
               status: 503, reason: "Service Unavailable", to: headers, toTag: StatelessTag.tag(for: headers),
               source: "\(source)", sourcePort: packet.port, headers: [("Retry-After", "5")]) {
            WireGate.reply(response)
        }
        refused(source, .overload, detail: "receive queue \(queued) bytes > \(threshold)")
        return true
    }

    /// The INVITE-time checks (`CallEngine.inviteAdmission`): a scanner's
    /// INVITE gets 403 when `scanner_action: 403` (with `drop` it never got here).
    /// Then a source that is not a trunk must authenticate (digest) when
    /// `authRequired`: 401 with the same challenges for everyone, 403 for
    /// any credentials that do not verify.
    func admitInvite(_ invite: SIPMessage, listener: Int) -> InviteRefusal? {
        let policy = chain.policy
        let address = invite.source.flatMap { IPAddress($0.address) }
        let trunk = address.flatMap { policy.trunk(for: $0) }
        if policy.scannerAction == .forbid, let scanners = policy.scanners,
           let userAgent = invite.header("User-Agent"), scanners.matches(userAgent),
           trunk == nil, !(address.map { policy.trusted.containsAddress($0) } ?? false) {
            return InviteRefusal(status: 403, refusal: RefusalReason.scanner.rawValue)
        }
        guard authRequired, trunk == nil else { return nil }
        switch authenticator.verify(header: invite.header("Authorization"), method: "INVITE", now: now) {
        case .authenticated:
            return nil
        case .challenge(let challenges):
            return InviteRefusal(status: 401, refusal: RefusalReason.authRequired.rawValue,
                                 headers: challenges.map { SIPHeader(name: "WWW-Authenticate", value: $0) })
        case .stale(let challenges):
            return InviteRefusal(status: 401, refusal: RefusalReason.authRequired.rawValue,
                                 headers: challenges.map { SIPHeader(name: "WWW-Authenticate", value: $0) })
        case .forbidden:
            return InviteRefusal(status: 403, refusal: RefusalReason.authFailed.rawValue)
        }
    }

    /// Logs an INVITE refused by `CallEngine` (overload, scanner 403…); a
    /// challenge is the normal first step of a call, not a refusal worth a line.
    func refusedInvite(_ refusal: InviteRefusal, _ invite: SIPMessage) {
        guard refusal.refusal != RefusalReason.authRequired.rawValue, let address = invite.source.flatMap({ IPAddress($0.address) }),
              let reason = RefusalReason(rawValue: refusal.refusal) else { return }
        refused(address, reason, detail: "\(refusal.status)")
    }

    /// Logs a refusal (rate-limited per source and reason).
    func refused(_ source: IPAddress, _ reason: RefusalReason, detail: String? = nil) {
        refusals[reason, default: 0] += 1
        LegatoMetrics.admissionRefused(reason.rawValue)
        let key = LogKey(source: source, reason: reason)
        let time = now
        if let last = lastLogged[key], time - last.at < logInterval {
            lastLogged[key] = (last.at, last.suppressed + 1)
            return
        }
        let suppressed = lastLogged[key]?.suppressed ?? 0
        lastLogged[key] = (time, 0)
        if lastLogged.count > 10_000 { lastLogged = lastLogged.filter { time - $0.value.at < logInterval } }
        var metadata: Logger.Metadata = [:]
        if suppressed > 0 { metadata["security.repeated"] = "\(suppressed)" }
        if let detail { metadata["security.detail"] = "\(detail)" }
        logger.notice("security.refused src=\(source) reason=\(reason.rawValue)", metadata: metadata)
    }
}
