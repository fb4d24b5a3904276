import LegatoAudio

/// Media applications on a relay session: playback (files, TTS, tones) into
/// a leg's outgoing stream and recording of both directions. Sessions that
/// use none of them keep the relay fast path untouched (nothing attached).
extension RelaySession {
    /// Plays `source` to `leg`'s remote, encoded as `codec` with `payloadType`
    /// (what that remote negotiated). Replaces a playback already running on
    /// the leg (which ends as stopped). `MediaEvent.playbackFinished` reports
    /// the end with `playback` as id.
    public func startPlayback(_ leg: RelayLeg, playback: UInt64, source: PlaybackSource, codec: AudioCodec,
                              payloadType: Int) async throws {
        guard (0...127).contains(payloadType) else { throw MediaError.invalidPayloadType(payloadType) }
        let id = self.id
        try await worker.perform { loop in
            let session = try loop.session(id)
            let core = session.leg(leg)
            if let current = core.playout {
                current.close(reason: .stopped)
                core.output.detach(current)
                core.playout = nil
            }
            let audio: any AudioSource
            switch source {
            case .clip(let clip, let loop): audio = ClipSource(clip: clip, loop: loop)
            case .tone(let plan): audio = ToneSource(plan: plan, sampleRate: codec.sampleRate)
            case .feed(let feed): audio = FeedSource(feed: feed, sampleRate: codec.sampleRate)
            }
            let events = loop.events
            let playout = try AudioPlayout(id: playback, leg: core, loop: loop, source: audio, codec: codec,
                                           payloadType: UInt8(payloadType)) { finished, stopped in
                events(.playbackFinished(session: id, leg: leg, playback: finished, stopped: stopped))
            }
            core.playout = playout
            core.output.attach(playout)
            playout.start()
        }
    }

    /// Stops the playback on `leg`, if any (it ends as stopped).
    public func stopPlayback(_ leg: RelayLeg) async throws {
        let id = self.id
        try await worker.perform { loop in
            let core = try loop.session(id).leg(leg)
            core.playout?.close(reason: .stopped)
        }
    }

    /// Frames `leg`'s current or last playout was late by more than a frame, and frames it sent.
    public func playbackTiming(_ leg: RelayLeg) async throws -> (late: Int, sent: Int) {
        let id = self.id
        return try await worker.perform { loop in
            let core = try loop.session(id).leg(leg)
            return (core.playout?.lateTicks ?? 0, core.playout?.framesSent ?? 0)
        }
    }

    /// Records both directions into `writer` (leg A's received audio left,
    /// leg B's right; mixed when `stereo` is false). `codecs`: per leg, the
    /// audio payload types its remote sends. Replaces a running recording.
    public func startRecording(_ recording: UInt64, writer: RecordingWriter, stereo: Bool,
                               codecs: [RelayLeg: [UInt8: AudioCodec]]) async throws {
        let id = self.id
        try await worker.perform { loop in
            let session = try loop.session(id)
            session.recorder?.finish()
            session.recorder = try SessionRecorder(id: recording, session: session, writer: writer, stereo: stereo,
                                                   codecs: codecs)
        }
    }

    /// Stops the recording, if any: the writer closes the file and calls its completion.
    public func stopRecording() async throws {
        let id = self.id
        try await worker.perform { loop in
            let session = try loop.session(id)
            session.recorder?.finish()
            session.recorder = nil
        }
    }
}
