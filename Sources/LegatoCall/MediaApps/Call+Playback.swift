import LegatoAudio
import LegatoMedia
import LegatoSIP

/// Playback on a call whose media runs through Legato (anchored with
/// `answer()`/`startEarlyMedia()`, or a relay-mode bridge): files, TTS and
/// progress tones are decoded or synthesized off the media workers, then
/// played into the stream Legato sends to the call's remote
/// (`RelaySession.startPlayback`). One playback at a time per call: a new
/// one replaces the previous (which finishes as stopped).
///
/// Events: `PlaybackStarted` when audio starts, `PlaybackFinished` when it
/// ends, is stopped, or fails (`error` set: unreadable, unsupported or
/// over-limit file, text over 1,500 characters, no media). A failure never
/// ends the call.
extension Call {
    /// Plays a local file (a path or a `file://` URL; WAV, FLAC, Ogg/Vorbis,
    /// MP3) to the call's remote. Returns the playback's id (in its events).
    @discardableResult
    public func startPlayback(url: String, options: PlaybackOptions = PlaybackOptions()) -> UInt64 {
        let loop = options.loop
        return play("playback") { rate throws(AudioError) in
            .clip(try await AudioClipCache.shared.clip(url: url, sampleRate: rate), loop: loop)
        }
    }

    /// Speaks `text` with espeak-ng (synthesized off the media workers).
    /// Text over 1,500 characters finishes with an error.
    @discardableResult
    public func say(_ text: String, options: SayOptions = SayOptions()) -> UInt64 {
        let speech = options
        do {
            try SpeechSynthesizer.validate(text)
        } catch {
            return failAtOnce("say", error: "\(error)")
        }
        return play("say") { rate throws(AudioError) in
            .clip(try await SpeechSynthesizer.synthesize(text, options: speech, sampleRate: rate), loop: false)
        }
    }

    /// Plays `country`'s ringback tone (US, RU, GB, DE, FR) until stopped
    /// (also in early media after `startEarlyMedia`); `tone` picks busy or
    /// congestion instead.
    @discardableResult
    public func playProgressTone(_ country: String, tone: ProgressTone = .ringback) -> UInt64 {
        play("progress-tone") { _ throws(AudioError) in
            guard let plan = ProgressTones.plan(tone, country: country) else {
                throw .unsupportedURL("progress tone \(tone.rawValue) for country '\(country)'")
            }
            return .tone(plan)
        }
    }

    /// Plays another call's audio (`sendMediaTo`).
    func playFeed(_ feed: AudioFeed) -> UInt64 {
        play("send-media") { _ throws(AudioError) in .feed(feed) }
    }

    /// Stops the running playback, if any (it finishes as stopped).
    public func stopPlayback() {
        guard mediaApps.playback != nil else { return }
        mediaApps.playback = nil
        guard let (session, leg) = media else { return }
        Task { try? await session.stopPlayback(leg) }
    }

    private func play(_ what: String, _ prepare: @escaping @SIPActor (Int) async throws(AudioError) -> PlaybackSource) -> UInt64 {
        CallMediaApps.nextID += 1
        let id = CallMediaApps.nextID
        mediaApps.playback = id
        Task { @SIPActor [weak self] in
            guard let self else { return }
            guard let (session, leg) = self.media, let (codec, pt) = self.sendingCodec else {
                self.playbackFailed(id, what: what, error: "the call has no media in Legato (answer() or a relay bridge first)")
                return
            }
            let source: PlaybackSource
            do {
                source = try await prepare(codec.sampleRate)
            } catch {
                self.playbackFailed(id, what: what, error: "\(error)")
                return
            }
            // Stopped or replaced while decoding.
            guard self.mediaApps.playback == id, self.state != .terminated else {
                self.fireMediaEvent(.playbackFinished(playback: id, stopped: true, error: nil))
                return
            }
            do {
                try await session.startPlayback(leg, playback: id, source: source, codec: codec, payloadType: pt)
            } catch {
                self.playbackFailed(id, what: what, error: "\(error)")
                return
            }
            self.logger.info("call.playback-started", metadata: ["playback": "\(id)", "playback.kind": "\(what)",
                                                                 "codec": "\(codec.rawValue)"])
            self.fireMediaEvent(.playbackStarted(playback: id))
        }
        return id
    }

    /// A playback refused before it started: its id, and PlaybackFinished with `error` right after.
    private func failAtOnce(_ what: String, error: String) -> UInt64 {
        CallMediaApps.nextID += 1
        let id = CallMediaApps.nextID
        Task { @SIPActor [weak self] in self?.playbackFailed(id, what: what, error: error) }
        return id
    }

    private func playbackFailed(_ id: UInt64, what: String, error: String) {
        logger.warning("call.playback-failed", metadata: ["playback": "\(id)", "playback.kind": "\(what)", "error": "\(error)"])
        if mediaApps.playback == id { mediaApps.playback = nil }
        fireMediaEvent(.playbackFinished(playback: id, stopped: false, error: error))
    }

    /// The worker reports a playback's end.
    func playbackEnded(_ id: UInt64, stopped: Bool) {
        if mediaApps.playback == id { mediaApps.playback = nil }
        logger.info("call.playback-finished", metadata: ["playback": "\(id)", "stopped": "\(stopped)"])
        fireMediaEvent(.playbackFinished(playback: id, stopped: stopped, error: nil))
    }
}
