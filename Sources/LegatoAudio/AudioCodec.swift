/// The audio codecs the media pipeline decodes and encodes.
public enum AudioCodec: String, Sendable, Equatable, Hashable, CaseIterable {
    /// G.711 μ-law (static payload type 0).
    case pcmu = "PCMU"
    /// G.711 A-law (static payload type 8).
    case pcma = "PCMA"
    /// G.722 (static payload type 9; 16 kHz audio, 8 kHz RTP clock per RFC 3551).
    case g722 = "G722"
    /// Opus (RFC 7587: dynamic payload type, `opus/48000/2`; 48 kHz audio and RTP clock, sent mono).
    case opus = "opus"

    /// The codec for an `a=rtpmap` encoding name (case-insensitive), if supported.
    public init?(encodingName: String) {
        switch encodingName.uppercased() {
        case "PCMU": self = .pcmu
        case "PCMA": self = .pcma
        case "G722": self = .g722
        case "OPUS": self = .opus
        default: return nil
        }
    }

    /// The codec of a static payload type (RFC 3551), if supported.
    public init?(staticPayloadType pt: Int) {
        switch pt {
        case 0: self = .pcmu
        case 8: self = .pcma
        case 9: self = .g722
        default: return nil
        }
    }

    /// Audio samples per second of the linear frames.
    public var sampleRate: Int {
        switch self {
        case .pcmu, .pcma: 8000
        case .g722: 16000
        case .opus: 48000
        }
    }
    /// RTP clock rate (G.722 counts at 8 kHz, RFC 3551; Opus at 48 kHz, RFC 7587).
    public var clockRate: Int { self == .opus ? 48000 : 8000 }
    /// RTP timestamp units per 20 ms frame.
    public var timestampPerFrame: UInt32 { UInt32(clockRate / 50) }
    /// Linear samples per 20 ms frame.
    public var samplesPerFrame: Int { sampleRate / 50 }
    /// Encoded bytes per 20 ms frame (at most, for Opus: its variable frames stay under this).
    public var bytesPerFrame: Int { self == .opus ? 320 : 160 }
}
