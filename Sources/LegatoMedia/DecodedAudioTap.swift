import LegatoAudio

/// Analysis of the audio a leg receives: decodes its audio packets (by the
/// payload types its remote negotiated) into 20 ms frames at 8 kHz and runs
/// in-band DTMF detection (spandsp) and voice activity detection (speexdsp)
/// on them, reporting through the worker's events. An output of the leg's
/// input unit: it never changes or drops packets. Lives on the worker.
final class DecodedAudioTap: MediaOutput {
    private let session: MediaSessionID
    private let leg: RelayLeg
    private let events: @Sendable (MediaEvent) -> Void
    private let decoder: ReceivedAudioDecoder
    private let frame = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 160)
    private var filled = 0
    var dtmf: InBandDTMFDetector?
    var vad: VoiceActivityDetector?

    init(session: MediaSessionID, leg: RelayLeg, codecs: [UInt8: AudioCodec], events: @escaping @Sendable (MediaEvent) -> Void) {
        self.session = session
        self.leg = leg
        self.events = events
        decoder = ReceivedAudioDecoder(codecs: codecs)
    }

    deinit { frame.deallocate() }

    var isIdle: Bool { dtmf == nil && vad == nil }

    func receive(_ packet: MediaPacket) {
        guard let scratch = decoder.decode(packet) else { return }
        let count = scratch.count
        var index = 0
        while index < count {
            let n = min(160 - filled, count - index)
            for i in 0..<n { frame[filled + i] = scratch[index + i] }
            filled += n
            index += n
            if filled == 160 {
                analyse()
                filled = 0
            }
        }
    }

    private func analyse() {
        let samples = UnsafeBufferPointer(frame)
        if let dtmf {
            dtmf.feed(samples) { character in
                if let digit = DTMFDigit(character) {
                    events(.inBandTone(session: session, leg: leg, digit: digit))
                }
            }
        }
        if let vad, let change = vad.feed(samples) {
            events(.voiceActivity(session: session, leg: leg, active: change))
        }
    }
}

/// In-band DTMF and voice activity detection on a relay session.
extension RelaySession {
    /// Detects DTMF tones in the audio received from `leg`'s remote
    /// (`MediaEvent.inBandTone`), decoding the payload types in `codecs`; nil turns it off.
    public func setInBandToneDetection(_ leg: RelayLeg, codecs: [UInt8: AudioCodec]?) async throws {
        try await configureTap(leg, codecs: codecs ?? [:]) { tap in
            tap.dtmf = codecs == nil ? nil : (tap.dtmf ?? InBandDTMFDetector())
        }
    }

    /// Reports when `leg`'s remote starts and stops talking
    /// (`MediaEvent.voiceActivity`), decoding the payload types in `codecs`; nil turns it off.
    public func setVoiceActivityDetection(_ leg: RelayLeg, codecs: [UInt8: AudioCodec]?) async throws {
        try await configureTap(leg, codecs: codecs ?? [:]) { tap in
            tap.vad = codecs == nil ? nil : (tap.vad ?? VoiceActivityDetector())
        }
    }

    private func configureTap(_ leg: RelayLeg, codecs: [UInt8: AudioCodec],
                              _ change: @escaping @Sendable (DecodedAudioTap) -> Void) async throws {
        let id = self.id
        try await worker.perform { loop in
            let core = try loop.session(id).leg(leg)
            let tap = core.inputTap(\.audioTap) { DecodedAudioTap(session: id, leg: leg, codecs: codecs, events: loop.events) }
            change(tap)
            if tap.isIdle { core.removeInputTap(\.audioTap) }
        }
    }
}
