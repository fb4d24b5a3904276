import LegatoConfig
import LegatoMedia
import LegatoSDP
import LegatoSIP

/// Why `CallBridge.switchToDirect()` or `switchToRelay()` did not switch.
/// Refusals (everything but `rejected` and `mediaUnavailable`) are decided
/// before any re-INVITE is sent.
public enum MediaSwitchError: Error, Equatable, Sendable {
    /// A side is not connected (still ringing, or ended).
    case notConnected
    /// An offer/answer exchange (re-INVITE, UPDATE, refresh, another switch) is under way.
    case offerInFlight
    /// The bridge is already in the mode asked for.
    case alreadyInMode
    /// Legato terminates SRTP on the legs under different terms (SRTP on one
    /// leg only, or different policies): the endpoints could not talk directly.
    case srtpTerminated
    /// No relay can be set up for this bridge (it was not given a `RelayPlan`).
    case relayUnavailable
    /// No media ports (or the relay session could not be created).
    case mediaUnavailable
    /// A side has no usable SDP to offer the other.
    case noSession
    /// `side` answered Legato's re-INVITE with this final status (or an
    /// unusable SDP, reported as 488); what could be rolled back was, the call goes on.
    case rejected(side: BridgeSide, status: Int)
}

/// What it takes to relay a bridge's media (what `RelayMedia.start` was
/// given): kept on the bridge so a direct bridge can be relayed mid-call.
public struct RelayPlan: Sendable {
    /// Creates a relay session (the daemon's media pool; unit tests inject their own).
    public typealias Allocate = @Sendable (MediaSessionID, RelaySessionOptions) async throws -> RelaySession

    let address: String
    let policies: RelayMedia.Policies
    let watchdog: WatchdogSettings
    let allowRelatch: Bool
    let ice: ICEMode
    let allocate: Allocate

    init(address: String, policies: RelayMedia.Policies, watchdog: WatchdogSettings,
         allowRelatch: Bool, ice: ICEMode, allocate: @escaping Allocate) {
        self.address = address
        self.policies = policies
        self.watchdog = watchdog
        self.allowRelatch = allowRelatch
        self.ice = ice
        self.allocate = allocate
    }

    /// A plan that allocates from `pool`.
    init(pool: MediaWorkerPool, address: String, policies: RelayMedia.Policies, watchdog: WatchdogSettings,
         allowRelatch: Bool, ice: ICEMode) {
        self.init(address: address, policies: policies, watchdog: watchdog, allowRelatch: allowRelatch, ice: ice) {
            id, options in try await pool.createRelaySession(id: id, address: address, options: options)
        }
    }

    /// The session options for a new relay session of this plan.
    var sessionOptions: RelaySessionOptions {
        RelaySessionOptions(allowRelatch: allowRelatch, iceA: ice == .lite ? .random() : nil,
                            iceB: ice == .lite ? .random() : nil)
    }
}

/// The `o=` line Legato presents to one leg (RFC 4566 5.2). RFC 3264 8
/// wants every later SDP on a leg to repeat it with a higher version, so
/// each leg keeps one across relay and direct mode: in relay mode Legato's
/// own, in direct mode (after a switch) the one that leg saw last.
struct SDPOrigin: Equatable, Sendable {
    var username: String
    var sessionID: String
    var version: UInt64
    var addressType: String
    var address: String

    /// Legato's own origin for a new relay leg.
    static func legato(address: String) -> SDPOrigin {
        SDPOrigin(username: "legato", sessionID: String(UInt64.random(in: 1_000_000...9_999_999_999)), version: 0,
                  addressType: SDPConnection.addressType(of: address), address: address)
    }

    init(username: String, sessionID: String, version: UInt64, addressType: String, address: String) {
        self.username = username
        self.sessionID = sessionID
        self.version = version
        self.addressType = addressType
        self.address = address
    }

    /// The origin of `body`'s SDP; nil without a well-formed `o=` line.
    init?(of body: SIPBody?) {
        guard let body, body.isSDP, let sdp = try? SDPParser.parse(body.text),
              let line = sdp.sessionLines.first(where: { $0.type == "o" }) else { return nil }
        let fields = line.value.split(separator: " ").map(String.init)
        guard fields.count >= 6, let version = UInt64(fields[2]) else { return nil }
        self.init(username: fields[0], sessionID: fields[1], version: version, addressType: fields[4],
                  address: fields[5])
    }

    /// `body` with this origin at the next version (bumped here); unchanged if it is not SDP.
    mutating func stamp(_ body: SIPBody) -> SIPBody {
        guard body.isSDP, var sdp = try? SDPParser.parse(body.text) else { return body }
        version += 1
        let value = "\(username) \(sessionID) \(version) IN \(addressType) \(address)"
        if let index = sdp.sessionLines.firstIndex(where: { $0.type == "o" }) {
            sdp.sessionLines[index].value = value
        }
        return SIPBody(contentType: body.contentType, text: sdp.text)
    }
}
