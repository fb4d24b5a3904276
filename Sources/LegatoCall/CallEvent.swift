import LegatoSIP

/// Which side ended a call.
public enum DisconnectDirection: String, Sendable, Equatable {
    /// The remote party (BYE or CANCEL from the far side, or the network).
    case remote
    /// Legato (an API call such as `hangup` or `reject`).
    case local
}

/// The kinds of event a `Call` fires; listeners subscribe by kind.
public enum CallEventKind: String, Sendable, Equatable, Hashable, CaseIterable {
    case ringing = "Ringing"
    case connected = "Connected"
    case disconnected = "Disconnected"
    case failed = "Failed"
    case stateChanged = "StateChanged"
    case rtpStopped = "RtpStopped"
    case rtpResumed = "RtpResumed"
    case audioStarted = "AudioStarted"
    case firstAudioPacketReceived = "FirstAudioPacketReceived"
}

/// An event of a `Call`, with its payload (VoxEngine `CallEvents.*`).
public enum CallEvent: Sendable, Equatable {
    /// An outbound leg got 180/183. `earlyMedia` holds the SDP of a 183, if any.
    case ringing(status: Int, headers: [SIPHeader], earlyMedia: SIPBody?)
    /// Inbound: answered. Outbound: the remote 200 arrived.
    case connected(headers: [SIPHeader], customData: String?)
    /// A connected call ended, or an inbound call was rejected or cancelled.
    case disconnected(headers: [SIPHeader], code: Int, reason: String, duration: Double, direction: DisconnectDirection)
    /// An outbound leg ended before connecting.
    case failed(headers: [SIPHeader], code: Int, reason: String)
    /// `state` changed.
    case stateChanged(old: CallState, new: CallState)
    /// Relay legs: no RTP/RTCP from the remote side for `media.rtp_timeout`.
    case rtpStopped
    /// Relay legs: media came back after `rtpStopped`.
    case rtpResumed
    /// Relay legs: media through Legato started (answered or early media).
    case audioStarted
    /// Relay legs: the first RTP/RTCP packet from this call's remote side arrived.
    case firstAudioPacketReceived

    /// The event's kind (its VoxEngine name as raw value).
    public var kind: CallEventKind {
        switch self {
        case .ringing: return .ringing
        case .connected: return .connected
        case .disconnected: return .disconnected
        case .failed: return .failed
        case .stateChanged: return .stateChanged
        case .rtpStopped: return .rtpStopped
        case .rtpResumed: return .rtpResumed
        case .audioStarted: return .audioStarted
        case .firstAudioPacketReceived: return .firstAudioPacketReceived
        }
    }

    /// The `X-` headers of the SIP message that caused the event.
    public var headers: [SIPHeader] {
        switch self {
        case .ringing(_, let h, _), .connected(let h, _), .disconnected(let h, _, _, _, _), .failed(let h, _, _): return h
        case .stateChanged, .rtpStopped, .rtpResumed, .audioStarted, .firstAudioPacketReceived: return []
        }
    }
}

/// Identifies one listener added with `Call.addEventListener`, for removal.
public struct ListenerToken: Sendable, Hashable {
    let id: Int
    let kind: CallEventKind
}
