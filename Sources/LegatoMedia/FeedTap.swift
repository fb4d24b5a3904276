import LegatoAudio

/// Sends the audio a leg receives to other legs (`sendMediaTo`): decodes its
/// audio packets to 8 kHz and pushes them into every attached `AudioFeed`;
/// each target leg plays its feed with its own codec (transcoding when the
/// legs negotiated different ones). An output of the leg's input unit.
final class FeedTap: MediaOutput {
    private let decoder: ReceivedAudioDecoder
    private(set) var feeds: [AudioFeed] = []

    init(codecs: [UInt8: AudioCodec]) {
        decoder = ReceivedAudioDecoder(codecs: codecs)
    }

    func add(_ feed: AudioFeed) {
        if !feeds.contains(where: { $0 === feed }) { feeds.append(feed) }
    }

    func remove(_ feed: AudioFeed) { feeds.removeAll { $0 === feed } }

    func receive(_ packet: MediaPacket) {
        guard !feeds.isEmpty, let samples = decoder.decode(packet) else { return }
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
            core.inputTap(\.feedTap) { FeedTap(codecs: codecs) }.add(feed)
        }
    }

    /// Stops feeding `feed` from `leg`.
    public func removeFeed(_ leg: RelayLeg, _ feed: AudioFeed) async throws {
        let id = self.id
        try await worker.perform { loop in
            let core = try loop.session(id).leg(leg)
            guard let tap = core.feedTap else { return }
            tap.remove(feed)
            if tap.feeds.isEmpty { core.removeInputTap(\.feedTap) }
        }
    }
}
