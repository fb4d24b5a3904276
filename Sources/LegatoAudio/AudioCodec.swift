/// The audio codecs the media pipeline decodes and encodes.
public enum AudioCodec: String, Sendable, Equatable, Hashable, CaseIterable {
    /// G.711 μ-law (static payload type 0).
    case pcmu = "PCMU"
    /// G.711 A-law (static payload type 8).
    case pcma = "PCMA"
    /// G.722 (static payload type 9; 16 kHz audio, 8 kHz RTP clock per RFC 3551).
    case g722 = "G722"

    /// The codec for an `a=rtpmap` encoding name (case-insensitive), if supported.
    public init?(encodingName: String) {
        switch encodingName.uppercased() {
        case "PCMU": self = .pcmu
        case "PCMA": self = .pcma
        case "G722": self = .g722
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
    public var sampleRate: Int { self == .g722 ? 16000 : 8000 }
    /// RTP timestamp units per 20 ms frame (G.722 counts at 8 kHz).
    public var timestampPerFrame: UInt32 { 160 }
    /// Linear samples per 20 ms frame.
    public var samplesPerFrame: Int { sampleRate / 50 }
    /// Encoded bytes per 20 ms frame.
    public var bytesPerFrame: Int { 160 }
}
