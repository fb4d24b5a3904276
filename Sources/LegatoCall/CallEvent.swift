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
    case reInviteReceived = "ReInviteReceived"
    case reInviteAccepted = "ReInviteAccepted"
    case reInviteRejected = "ReInviteRejected"
    case onHold = "OnHold"
    case offHold = "OffHold"
    case infoReceived = "InfoReceived"
    case messageReceived = "MessageReceived"
    case blindTransferRequested = "BlindTransferRequested"
    case toneReceived = "ToneReceived"
    case playbackStarted = "PlaybackStarted"
    case playbackFinished = "PlaybackFinished"
    case recordStarted = "RecordStarted"
    case recordStopped = "RecordStopped"
    case micStatusChange = "MicStatusChange"
}

/// How a DTMF digit travelled (VoxEngine's ToneReceived `type`).
public enum ToneType: String, Sendable, Equatable {
    /// RFC 4733 telephone-event packets in the RTP stream.
    case rfc4733 = "RFC 4733"
    /// SIP INFO with `application/dtmf-relay` or `application/dtmf`.
    case sipInfo = "SIP INFO"
    /// Tones in the audio (waits for in-band detection).
    case inBand = "in-band"
}

/// Which digits `handleTones` reports.
public enum ToneDetection: Sendable, Equatable {
    case all
    case only(ToneType)

    func includes(_ type: ToneType) -> Bool {
        if case .only(let only) = self { return only == type }
        return true
    }
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
    /// The remote side sent a re-INVITE (its body, e.g. the new SDP offer).
    case reInviteReceived(headers: [SIPHeader], body: SIPBody?)
    /// The re-INVITE this call's remote side sent was answered 2xx by the peer.
    case reInviteAccepted(headers: [SIPHeader], body: SIPBody?)
    /// The re-INVITE this call's remote side sent was refused by the peer.
    case reInviteRejected(headers: [SIPHeader], code: Int, reason: String)
    /// The remote side put the call on hold (sendonly or inactive).
    case onHold
    /// The remote side took the call off hold.
    case offHold
    /// The remote side sent an INFO in the dialog.
    case infoReceived(headers: [SIPHeader], mimeType: String, body: String)
    /// The remote side sent a MESSAGE in the dialog.
    case messageReceived(headers: [SIPHeader], text: String)
    /// A DTMF digit from the remote side, after `handleTones(true)`.
    case toneReceived(tone: String, type: ToneType)
    /// The remote side asked for a blind transfer (REFER, answered 202) while
    /// `handleBlindTransfer(true)`: `transferTo` is the Refer-To URI.
    case blindTransferRequested(headers: [SIPHeader], transferTo: String, referredBy: String)
    /// A playback (`startPlayback`, `say`, `playProgressTone`) started sending audio.
    case playbackStarted(playback: UInt64)
    /// A playback ended: finished, stopped (`stopped`), or never started
    /// because of `error` (unreadable, unsupported or over-limit file, TTS
    /// failure, text too long, no media on the call). The call goes on.
    case playbackFinished(playback: UInt64, stopped: Bool, error: String?)
    /// `record()` opened its file.
    case recordStarted(path: String)
    /// A recording ended (the file is complete), or could not start (`error`).
    case recordStopped(path: String, error: String?)
    /// After `handleMicStatus(true)`: the remote side started (`active`) or stopped talking.
    case micStatusChange(active: Bool)

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
        case .reInviteReceived: return .reInviteReceived
        case .reInviteAccepted: return .reInviteAccepted
        case .reInviteRejected: return .reInviteRejected
        case .onHold: return .onHold
        case .offHold: return .offHold
        case .infoReceived: return .infoReceived
        case .messageReceived: return .messageReceived
        case .blindTransferRequested: return .blindTransferRequested
        case .toneReceived: return .toneReceived
        case .playbackStarted: return .playbackStarted
        case .playbackFinished: return .playbackFinished
        case .recordStarted: return .recordStarted
        case .recordStopped: return .recordStopped
        case .micStatusChange: return .micStatusChange
        }
    }

    /// The `X-` headers of the SIP message that caused the event.
    public var headers: [SIPHeader] {
        switch self {
        case .ringing(_, let h, _), .connected(let h, _), .disconnected(let h, _, _, _, _), .failed(let h, _, _),
             .reInviteReceived(let h, _), .reInviteAccepted(let h, _), .reInviteRejected(let h, _, _),
             .infoReceived(let h, _, _), .messageReceived(let h, _), .blindTransferRequested(let h, _, _): return h
        case .stateChanged, .rtpStopped, .rtpResumed, .audioStarted, .firstAudioPacketReceived, .onHold, .offHold,
             .toneReceived, .playbackStarted, .playbackFinished, .recordStarted, .recordStopped, .micStatusChange:
            return []
        }
    }
}

/// Identifies one listener added with `Call.addEventListener`, for removal.
public struct ListenerToken: Sendable, Hashable {
    let id: Int
    let kind: CallEventKind
}
