import LegatoMedia
import LegatoSIP

/// The state of a `Call` that only some calls use: anchored media, media
/// applications, DTMF, transfer limits, relayed in-dialog requests, the
/// early-media timer.
///
/// A signalling-only call bridged in `media: direct` never writes any of it,
/// so it lives in a box the call allocates on the first write instead of in
/// every `Call` (#12: Legato's share of the memory per dialog). Reads of an
/// unallocated box give the defaults below.
final class CallOptionalState {
    var customDataValue: String?
    var media: (session: RelaySession, leg: RelayLeg)?
    var mediaAnchor: MediaAnchor?
    var mediaApps = CallMediaApps()
    var infoOrigins: [SIPServerRequest?] = []
    var messageOrigins: [SIPServerRequest?] = []
    var updateOrigin: SIPServerRequest?
    var prackOrigin: SIPServerRequest?
    var toneHandling: ToneDetection?
    var peerHeaderFilter: HeaderFilter?
    var earlyMediaTimer: LoopTimer?
    var transferTargetFilter: (@SIPActor (String) -> Bool)?
    var watchdog: MediaWatchdog?
    var anchorAwaitsAck = false
}

extension Call {
    /// The box, allocated now if the call has none yet (writers only).
    var optional: CallOptionalState {
        if let box = optionalStorage { return box }
        let box = CallOptionalState()
        optionalStorage = box
        return box
    }

    /// Writes `value` into the box; writing a field's default (`isDefault`)
    /// into no box allocates none, since reads of no box give the defaults.
    private func store<Value>(_ field: ReferenceWritableKeyPath<CallOptionalState, Value>, _ value: Value,
                              isDefault: Bool) {
        guard !isDefault || optionalStorage != nil else { return }
        optional[keyPath: field] = value
    }

    var customDataValue: String? {
        get { optionalStorage?.customDataValue }
        set { store(\.customDataValue, newValue, isDefault: newValue == nil) }
    }

    /// The media this call's leg has in Legato (a relay session's leg); nil for direct legs.
    var media: (session: RelaySession, leg: RelayLeg)? {
        get { optionalStorage?.media }
        set { store(\.media, newValue, isDefault: newValue == nil) }
    }

    /// The call's own anchored media (`answer()` outside a bridge).
    var mediaAnchor: MediaAnchor? {
        get { optionalStorage?.mediaAnchor }
        set { store(\.mediaAnchor, newValue, isDefault: newValue == nil) }
    }

    /// Playback and recording on this call (`Call+Playback`, `Call+Recording`).
    var mediaApps: CallMediaApps {
        get { optionalStorage?.mediaApps ?? CallMediaApps() }
        _modify { yield &optional.mediaApps }
    }

    /// INFO requests Legato sent on this call's leg, oldest first: the
    /// request each relays (nil: sent through the API), answered with this
    /// leg's response.
    var infoOrigins: [SIPServerRequest?] {
        get { optionalStorage?.infoOrigins ?? [] }
        set { store(\.infoOrigins, newValue, isDefault: newValue.isEmpty) }
        _modify { yield &optional.infoOrigins }
    }

    /// MESSAGE requests Legato sent on this call's leg, as `infoOrigins`.
    var messageOrigins: [SIPServerRequest?] {
        get { optionalStorage?.messageOrigins ?? [] }
        set { store(\.messageOrigins, newValue, isDefault: newValue.isEmpty) }
        _modify { yield &optional.messageOrigins }
    }

    /// The relayed UPDATE this leg sent and the request it answers.
    var updateOrigin: SIPServerRequest? {
        get { optionalStorage?.updateOrigin }
        set { store(\.updateOrigin, newValue, isDefault: newValue == nil) }
    }

    /// The relayed PRACK this leg sent and the request it answers.
    var prackOrigin: SIPServerRequest? {
        get { optionalStorage?.prackOrigin }
        set { store(\.prackOrigin, newValue, isDefault: newValue == nil) }
    }

    /// Which digits are reported (`handleTones`); nil: none.
    var toneHandling: ToneDetection? {
        get { optionalStorage?.toneHandling }
        set { store(\.toneHandling, newValue, isDefault: newValue == nil) }
    }

    /// The filter the outbound call of a relay bridge gets (set before it exists).
    var peerHeaderFilter: HeaderFilter? {
        get { optionalStorage?.peerHeaderFilter }
        set { store(\.peerHeaderFilter, newValue, isDefault: newValue == nil) }
    }

    var earlyMediaTimer: LoopTimer? {
        get { optionalStorage?.earlyMediaTimer }
        set { store(\.earlyMediaTimer, newValue, isDefault: newValue == nil) }
    }

    /// Blind transfer targets allowed (`restrictTransferTargets`); nil: any.
    var transferTargetFilter: (@SIPActor (String) -> Bool)? {
        get { optionalStorage?.transferTargetFilter }
        set { store(\.transferTargetFilter, newValue, isDefault: newValue == nil) }
    }

    /// The RTP watchdog of an anchored call (`media.rtp_timeout`).
    var watchdog: MediaWatchdog? {
        get { optionalStorage?.watchdog }
        set { store(\.watchdog, newValue, isDefault: newValue == nil) }
    }

    /// An anchored call answered an offerless re-INVITE with Legato's offer: the answer comes in the ACK.
    var anchorAwaitsAck: Bool {
        get { optionalStorage?.anchorAwaitsAck ?? false }
        set { store(\.anchorAwaitsAck, newValue, isDefault: !newValue) }
    }
}
