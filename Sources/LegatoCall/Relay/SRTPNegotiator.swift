import LegatoConfig
import LegatoMedia
import LegatoSDP

/// SDES (RFC 4568) offer/answer for one relay leg, under that leg's policy.
///
/// Legato terminates SRTP per leg: the keys it announces on a leg are its own,
/// generated for that leg from the kernel CSPRNG (one per suite, kept for the
/// whole call so re-INVITEs do not re-key), and the keys the leg's remote
/// announces are used only to unprotect that leg's packets. Nothing here
/// ever copies a key from one leg to the other.
///
/// A value type with no I/O: the relay bridge asks it what to put in the SDP
/// and what to tell the media session, and unit tests drive it directly.
struct SRTPNegotiator {
    /// Why an offer or answer cannot be used; the bridge answers 488 with `reason`.
    struct Refusal: Error, Equatable {
        let reason: String
    }

    /// What the media session must do on the leg once the exchange completes.
    enum Outcome: Equatable {
        case plain
        case secure(SRTPLegKeys)

        var keys: SRTPLegKeys? {
            if case .secure(let keys) = self { return keys }
            return nil
        }
    }

    /// What goes into the SDP Legato sends on the leg.
    struct Announcement: Equatable {
        var cryptos: [SDPCrypto]
        /// `RTP/SAVP` (true) or `RTP/AVP` (false).
        var secureProfile: Bool
    }

    let policy: SRTPPolicy
    /// Suites Legato offers, in preference order (the ones libsrtp2 can run).
    let suites: [SRTPSuite]
    /// Legato's keys for this leg, by suite.
    private(set) var localKeys: [SRTPSuite: SRTPKeyMaterial] = [:]
    /// The crypto lines of the offer Legato sent on this leg, waiting for the answer.
    private var offered: [SDPCrypto] = []

    init(policy: SRTPPolicy, suites: [SRTPSuite] = SRTPSuite.supported) {
        self.policy = policy
        self.suites = suites
    }

    private mutating func localKey(_ suite: SRTPSuite) throws(Refusal) -> SRTPKeyMaterial {
        if let key = localKeys[suite] { return key }
        guard let key = try? SRTPKeyMaterial.generate(for: suite) else {
            throw Refusal(reason: "No Secure Random Source")
        }
        localKeys[suite] = key
        return key
    }

    // MARK: - Legato answers an offer from the leg

    /// Chooses how to answer the leg's offer `section`: the first crypto line
    /// (in the offer's order) whose suite and parameters Legato supports,
    /// answered with the same tag and suite and Legato's own key, in the
    /// offer's profile (`RTP/SAVP`, or best-effort `RTP/AVP` + crypto).
    mutating func answer(_ section: MediaSection) throws(Refusal) -> (Outcome, Announcement) {
        let savp = Self.isSecureProfile(section.proto)
        if policy == .off {
            if savp { throw Refusal(reason: "SRTP Not Accepted Here") }
            return (.plain, Announcement(cryptos: [], secureProfile: false))
        }
        for crypto in section.cryptos {
            guard let remote = try? SRTPKeyMaterial(crypto: crypto), suites.contains(remote.suite) else { continue }
            let local = try localKey(remote.suite)
            var line = local.sdpCrypto(tag: crypto.tag)
            line.sessionParameters = crypto.sessionParameters.filter { $0.hasPrefix("WSH=") }
            return (.secure(SRTPLegKeys(remote: remote, local: local)),
                    Announcement(cryptos: [line], secureProfile: savp))
        }
        if savp || policy == .required {
            throw Refusal(reason: section.cryptos.isEmpty ? "SRTP Required" : "No Supported Crypto Suite")
        }
        return (.plain, Announcement(cryptos: [], secureProfile: false))
    }

    // MARK: - Legato offers to the leg

    /// The crypto lines and profile of an offer Legato sends on the leg:
    /// `required` offers `RTP/SAVP` with one line per suite, `optional`
    /// best-effort `RTP/AVP` with the same lines, `off` plain `RTP/AVP`.
    mutating func offer() throws(Refusal) -> Announcement {
        guard policy != .off else {
            offered = []
            return Announcement(cryptos: [], secureProfile: false)
        }
        var lines: [SDPCrypto] = []
        for (index, suite) in suites.enumerated() {
            lines.append(try localKey(suite).sdpCrypto(tag: index + 1))
        }
        offered = lines
        return Announcement(cryptos: lines, secureProfile: policy == .required)
    }

    /// Reads the leg's answer to Legato's last offer: SRTP when it accepts
    /// one of the offered lines (same tag and suite) with a usable key.
    mutating func accept(_ section: MediaSection) throws(Refusal) -> Outcome {
        guard policy != .off else { return .plain }
        if let crypto = section.cryptos.first {
            guard let mine = offered.first(where: { $0.tag == crypto.tag && $0.suite == crypto.suite }),
                  let remote = try? SRTPKeyMaterial(crypto: crypto),
                  let local = try? SRTPKeyMaterial(crypto: mine) else {
                throw Refusal(reason: "Unusable Crypto In Answer")
            }
            return .secure(SRTPLegKeys(remote: remote, local: local))
        }
        if policy == .required || Self.isSecureProfile(section.proto) {
            throw Refusal(reason: "SRTP Required")
        }
        return .plain
    }

    static func isSecureProfile(_ proto: String) -> Bool {
        proto.uppercased().hasPrefix("RTP/SAVP")
    }
}
