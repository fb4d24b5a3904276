import Legato

/// Screens each inbound call with a PIN: the caller hears ringing, then
/// early media anchored in Legato (`startEarlyMedia()`), and types the PIN
/// as DTMF (RFC 4733, or SIP INFO). The right PIN puts the call through to
/// the dialled user at the conf's trunk `callee`; a wrong PIN, or no PIN
/// within the time limit, rejects the call.
@SIPActor
final class CallScreener: Scenario {
    /// The screening rules (see `CallScreeningApp` for where they come from).
    struct Settings {
        /// The digits to type; `#` ends a shorter entry early.
        var pin: String
        /// How long the caller has to type it, in seconds.
        var timeout: Double
        /// The code a wrong PIN gets, and the code a timeout gets.
        var wrongPINCode = 403
        var timeoutCode = 408
    }

    private let settings: Settings
    private let trunk: TrunkConfig?
    private let noAnswerTimeout: Double
    private let logger: Logger

    init(settings: Settings, configuration: LegatoConfiguration, logger: Logger) {
        self.settings = settings
        trunk = configuration.trunks["callee"]
        noAnswerTimeout = configuration.signalling.noAnswerTimeout
        self.logger = logger
    }

    func callAlerting(_ alerting: CallAlerting, engine: CallEngine) {
        let inbound = alerting.call
        guard let trunk else {
            logger.error("screening.no-callee-trunk")
            try? inbound.reject(code: 500)
            return
        }
        let uri = URIParts.withTransport(URIParts.replacingUser(in: trunk.uri, with: alerting.destination),
                                         trunk.transport.rawValue)
        let options = CallSIPOptions(callerid: alerting.callerid,
                                     displayName: alerting.displayName.isEmpty ? nil : alerting.displayName,
                                     offer: inbound.remoteSession, maxForwards: alerting.maxForwards - 1,
                                     noAnswerTimeout: noAnswerTimeout)
        let entry = PINEntry(call: inbound, settings: settings, logger: logger) { [weak inbound] in
            // The right PIN: place the call and bridge it.
            guard let inbound, inbound.state == .alerting else { return }
            do {
                let outbound = try engine.callSIP(uri, options: options)
                CallBridge.direct(inbound: inbound, outbound: outbound)
            } catch {
                try? inbound.reject(code: 500)
            }
        }
        Task { @SIPActor in
            do {
                try inbound.ring()
                try await inbound.startEarlyMedia()
            } catch {
                logger.warning("screening.early-media-failed", metadata: ["error": "\(error)", "call": "\(inbound.id)"])
                try? inbound.reject(code: 488)
                return
            }
            entry.start()
        }
    }
}

/// One caller typing the PIN: collects ToneReceived digits until the PIN's
/// length (or `#`), then either runs `onAccepted` or rejects the call.
@SIPActor
final class PINEntry {
    private weak var call: Call?
    private let settings: CallScreener.Settings
    private let logger: Logger
    private let onAccepted: @SIPActor () -> Void
    private var digits = ""
    private var done = false
    private var timer: Task<Void, Never>?

    init(call: Call, settings: CallScreener.Settings, logger: Logger, onAccepted: @escaping @SIPActor () -> Void) {
        self.call = call
        self.settings = settings
        self.logger = logger
        self.onAccepted = onAccepted
    }

    /// Listens for digits and starts the time limit. The listeners keep this entry alive until the call ends.
    func start() {
        guard let call, call.state == .alerting else { return }
        call.handleTones(true)
        call.addEventListener(.toneReceived) { [self] event in
            if case .toneReceived(let tone, _) = event { digit(tone) }
        }
        call.addEventListener(.disconnected) { [self] _ in finish() }
        let timeout = settings.timeout
        timer = Task { @SIPActor [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
            guard !Task.isCancelled, let self, !self.done else { return }
            self.logger.info("screening.timeout", metadata: ["digits": "\(self.digits.count)"])
            self.reject(code: self.settings.timeoutCode, reason: "PIN Timeout")
        }
    }

    private func digit(_ tone: String) {
        guard !done else { return }
        if tone != "#" { digits += tone }
        guard tone == "#" || digits.count >= settings.pin.count else { return }
        if digits == settings.pin {
            logger.info("screening.accepted", metadata: ["call": "\(call?.id ?? "-")"])
            finish()
            call?.handleTones(false)
            onAccepted()
        } else {
            logger.info("screening.wrong-pin", metadata: ["call": "\(call?.id ?? "-")"])
            reject(code: settings.wrongPINCode, reason: "Wrong PIN")
        }
    }

    private func reject(code: Int, reason: String) {
        finish()
        try? call?.reject(code: code, reason: reason)
    }

    private func finish() {
        done = true
        timer?.cancel()
        timer = nil
    }
}
