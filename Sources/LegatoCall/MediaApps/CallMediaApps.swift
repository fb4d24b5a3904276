import LegatoAudio
import LegatoMedia
import LegatoSDP
import LegatoSIP

/// `startPlayback` options (VoxEngine's `startPlayback(url, {loop})`).
public struct PlaybackOptions: Sendable, Equatable {
    /// Play the file again and again until `stopPlayback`.
    public var loop: Bool

    public init(loop: Bool = false) { self.loop = loop }
}

/// `say` options: espeak-ng voice or language, speaking rate (words per
/// minute, 80–450), volume (percent, 0–200) — the synthesizer's own options.
public typealias SayOptions = SpeechOptions

/// `record()` parameters.
public struct RecordParameters: Sendable, Equatable {
    /// Caller left, callee right; false: both mixed to one channel.
    public var stereo: Bool
    /// wav, flac or mp3.
    public var format: RecordFormat
    /// The folder the file goes to; its name is the call's id.
    public var directory: String

    public init(stereo: Bool = true, format: RecordFormat = .wav, directory: String) {
        self.stereo = stereo
        self.format = format
        self.directory = directory
    }
}

/// A call's playback and recording state (on the signalling thread).
struct CallMediaApps {
    /// Ids handed out by `startPlayback`/`say`/`playProgressTone`.
    @SIPActor static var nextID: UInt64 = 0
    /// The playback the call's leg runs or is preparing, if any.
    var playback: UInt64?
    /// The recording running on the call's session, if any.
    var recording: (id: UInt64, path: String)?
    /// `handleMicStatus(true)` is on.
    var vad = false
    /// `sendMediaTo` targets: the target call's id, the feed, the target's playback of it.
    var feeds: [(target: String, feed: AudioFeed, playback: UInt64)] = []
}

extension Call {
    /// The codec and payload type Legato sends to this call's remote: the
    /// first G.711/G.722 format of the SDP that decided the leg's codec (the
    /// callee's answer for a bridge's caller side, else the leg's remote SDP).
    var sendingCodec: (codec: AudioCodec, payloadType: Int)? {
        var candidates: [SIPBody?] = []
        if let bridge, bridge.a === self { candidates.append(bridge.b.remoteSession) }
        candidates.append(remoteSession)
        for body in candidates {
            guard let body, let sdp = try? SDPParser.parse(body.text), let first = sdp.media.first else { continue }
            let map = Self.audioCodecs(of: first)
            for format in first.formats {
                if let pt = UInt8(format), let codec = map[pt] { return (codec, Int(pt)) }
            }
        }
        return nil
    }

    /// The audio payload types this call's remote sends (its own SDP's formats).
    var receivedCodecs: [UInt8: AudioCodec] { Self.audioCodecs(of: remoteSession) }

    /// The audio payload types a media section names (static ones and `a=rtpmap` ones Legato decodes).
    static func audioCodecs(of section: MediaSection) -> [UInt8: AudioCodec] {
        var map: [UInt8: AudioCodec] = [:]
        for format in section.formats {
            if let pt = Int(format), let codec = AudioCodec(staticPayloadType: pt) { map[UInt8(pt)] = codec }
        }
        for value in section.attributes("rtpmap") {
            let fields = value.split(separator: " ", maxSplits: 1)
            guard fields.count == 2, let pt = UInt8(fields[0]) else { continue }
            let name = fields[1].split(separator: "/").first.map(String.init) ?? ""
            if let codec = AudioCodec(encodingName: name) { map[pt] = codec } else { map[pt] = nil }
        }
        return map
    }

    /// The audio payload types `body`'s first media section names.
    static func audioCodecs(of body: SIPBody?) -> [UInt8: AudioCodec] {
        guard let body, let sdp = try? SDPParser.parse(body.text), let first = sdp.media.first else { return [:] }
        return audioCodecs(of: first)
    }
}
