import LegatoMedia
import LegatoSIP

/// Voice activity detection on a call whose media runs through Legato
/// (VoxEngine's `handleMicStatus` / `MicStatusChange` / `vad()`): the remote
/// side's audio is analysed on the media worker with speexdsp's VAD, with
/// hysteresis (speech after 60 ms, silence after 500 ms).
extension Call {
    /// Starts (or stops) `MicStatusChange` events on the remote side's speech and silence.
    public func handleMicStatus(_ on: Bool) {
        mediaApps.vad = on
        guard let (session, leg) = media else { return }
        let codecs = on ? receivedCodecs : nil
        Task { try? await session.setVoiceActivityDetection(leg, codecs: codecs) }
    }

    /// Whether voice activity detection runs on the call.
    public func vad() -> Bool { mediaApps.vad && media != nil }

    /// The worker reports a change.
    func micStatusChanged(active: Bool) {
        guard mediaApps.vad else { return }
        fireMediaEvent(.micStatusChange(active: active))
    }
}
