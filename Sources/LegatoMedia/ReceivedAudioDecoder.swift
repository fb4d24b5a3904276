import LegatoAudio

/// Decodes the audio packets a leg receives into 8 kHz linear samples, by
/// the payload types its remote negotiated (Opus by libopus at 8 kHz, G.722
/// through a speexdsp resampler): the common front of every tap on a leg's
/// input (analysis, recording, `sendMediaTo`). Other packets (RTCP,
/// telephone-event, unknown payload types) decode to nothing. Lives on the
/// worker; allocates nothing per packet.
final class ReceivedAudioDecoder {
    private var decoders: [UInt8: AudioDecoder] = [:]
    private let scratch = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 2048)

    init(codecs: [UInt8: AudioCodec]) {
        for (pt, codec) in codecs { decoders[pt] = AudioDecoder(codec, outputRate: 8000) }
    }

    deinit { scratch.deallocate() }

    /// The samples of `packet`'s audio, valid until the next call; nil when it carries none Legato decodes.
    func decode(_ packet: MediaPacket) -> UnsafeBufferPointer<Int16>? {
        guard packet.stream == .rtp else { return nil }
        let p = UnsafeRawBufferPointer(packet.bytes)
        guard let range = RTPHeader.payloadRange(p), let decoder = decoders[RTPHeader.payloadType(p)] else { return nil }
        let count = decoder.decode(UnsafeRawBufferPointer(rebasing: p[range]), into: scratch)
        return UnsafeBufferPointer(rebasing: scratch[0..<count])
    }
}

extension RelayLegCore {
    /// The tap `slot` holds, or a new one from `make`, stored there and attached to the leg's input.
    func inputTap<Tap: MediaOutput>(_ slot: ReferenceWritableKeyPath<RelayLegCore, Tap?>, make: () -> Tap) -> Tap {
        if let existing = self[keyPath: slot] { return existing }
        let tap = make()
        self[keyPath: slot] = tap
        input.attach(tap)
        return tap
    }

    /// Detaches and forgets the tap `slot` holds, if any.
    func removeInputTap<Tap: MediaOutput>(_ slot: ReferenceWritableKeyPath<RelayLegCore, Tap?>) {
        guard let tap = self[keyPath: slot] else { return }
        input.detach(tap)
        self[keyPath: slot] = nil
    }
}
