/// What a media worker reports back. Delivered on the worker's thread through
/// the closure given to `MediaWorkerPool`/`MediaWorker`: the receiver should
/// hop to its own context (e.g. the signalling actor) and return at once.
public enum MediaEvent: Sendable, Equatable {
    /// The first packet (RTP or RTCP) accepted from `leg`'s remote.
    case firstPacket(session: MediaSessionID, leg: RelayLeg)
    /// `leg`'s remote for `stream` is now `source`: the first packet's source
    /// (symmetric latching), or a new source when re-latching is allowed.
    case latched(session: MediaSessionID, leg: RelayLeg, stream: MediaStream, source: MediaEndpoint)
    /// An RFC 4733 DTMF digit received from `leg`'s remote (reported once per
    /// event; see `RelaySession.setToneDetection`).
    case tone(session: MediaSessionID, leg: RelayLeg, digit: DTMFDigit)
    /// A playback started with `RelaySession.startPlayback` on `leg` ended:
    /// its source finished (`stopped` false) or it was stopped or replaced.
    case playbackFinished(session: MediaSessionID, leg: RelayLeg, playback: UInt64, stopped: Bool)
    /// A DTMF digit heard in the audio received from `leg`'s remote
    /// (`RelaySession.setInBandToneDetection`; legs without telephone-event).
    case inBandTone(session: MediaSessionID, leg: RelayLeg, digit: DTMFDigit)
    /// `leg`'s remote started (`active`) or stopped talking (`RelaySession.setVoiceActivityDetection`).
    case voiceActivity(session: MediaSessionID, leg: RelayLeg, active: Bool)
    /// The RTP watchdog of a watched leg (`RelaySession.startWatchdog`)
    /// changed its verdict: media stopped, resumed, or stayed away past the
    /// hang-up time (then the session is no longer watched). Sent only on change.
    case watchdog(session: MediaSessionID, leg: RelayLeg, verdict: RTPWatchdog.Verdict)
}
