import LegatoAudio
import LegatoMedia
import LegatoSIP

/// `sendMediaTo` / `stopMediaTo` (VoxEngine): this call's received audio is
/// played to another call's remote, transcoded to that call's codec. A call
/// sends to any number of targets; a target receives one stream — a new one
/// (or any playback) replaces the previous. Both calls need media in Legato.
extension Call {
    /// Sends what this call's remote says to `target`'s remote.
    public func sendMediaTo(_ target: Call) {
        guard let (session, leg) = media else {
            logger.warning("call.send-media-failed", metadata: ["error": "the call has no media in Legato"])
            return
        }
        stopMediaTo(target)
        let feed = AudioFeed()
        let codecs = receivedCodecs
        Task { try? await session.addFeed(leg, feed, codecs: codecs) }
        let playback = target.playFeed(feed)
        mediaApps.feeds.append((target: target.id, feed: feed, playback: playback))
        logger.info("call.send-media", metadata: ["target": "\(target.id)"])
    }

    /// Stops sending this call's audio to `target`.
    public func stopMediaTo(_ target: Call) {
        guard let index = mediaApps.feeds.firstIndex(where: { $0.target == target.id }) else { return }
        let entry = mediaApps.feeds.remove(at: index)
        if let (session, leg) = media {
            Task { try? await session.removeFeed(leg, entry.feed) }
        }
        if target.mediaApps.playback == entry.playback { target.stopPlayback() }
    }
}
