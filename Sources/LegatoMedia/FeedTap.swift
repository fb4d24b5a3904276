import LegatoAudio

/// Sends the audio a leg receives to other legs (`sendMediaTo`): decodes its
/// audio packets to 8 kHz and pushes them into every attached `AudioFeed`;
/// each target leg plays its feed with its own codec (transcoding when the
/// legs negotiated different ones). An output of the leg's input unit.
final class FeedTap: MediaOutput {
    private var decoders: [UInt8: AudioDecoder] = [:]
    private let scratch = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 2048)
    private(set) var feeds: [AudioFeed] = []

    init(codecs: [UInt8: AudioCodec]) {
        for (pt, codec) in codecs { decoders[pt] = AudioDecoder(codec, outputRate: 8000) }
    }

    deinit { scratch.deallocate() }

    func add(_ feed: AudioFeed) {
        if !feeds.contains(where: { $0 === feed }) { feeds.append(feed) }
    }

    func remove(_ feed: AudioFeed) { feeds.removeAll { $0 === feed } }

    func receive(_ packet: MediaPacket) {
        guard packet.stream == .rtp, !feeds.isEmpty else { return }
        let p = UnsafeRawBufferPointer(packet.bytes)
        guard let range = RTPHeader.payloadRange(p), let decoder = decoders[RTPHeader.payloadType(p)] else { return }
        let count = decoder.decode(UnsafeRawBufferPointer(rebasing: p[range]), into: scratch)
        let samples = UnsafeBufferPointer(rebasing: scratch[0..<count])
        for feed in feeds { feed.push(samples) }
    }
}

/// `sendMediaTo` on a relay session: the source side.
extension RelaySession {
    /// Also sends the audio `leg` receives (payload types in `codecs`) into `feed`.
    public func addFeed(_ leg: RelayLeg, _ feed: AudioFeed, codecs: [UInt8: AudioCodec]) async throws {
        let id = self.id
        try await worker.perform { loop in
            let core = try loop.session(id).leg(leg)
            let tap: FeedTap
            if let existing = core.feedTap {
                tap = existing
            } else {
                tap = FeedTap(codecs: codecs)
                core.feedTap = tap
                core.input.attach(tap)
            }
            tap.add(feed)
        }
    }

    /// Stops feeding `feed` from `leg`.
    public func removeFeed(_ leg: RelayLeg, _ feed: AudioFeed) async throws {
        let id = self.id
        try await worker.perform { loop in
            let core = try loop.session(id).leg(leg)
            guard let tap = core.feedTap else { return }
            tap.remove(feed)
            if tap.feeds.isEmpty {
                core.input.detach(tap)
                core.feedTap = nil
            }
        }
    }
}
