/// ITU-T G.711 μ-law (PCMU) and A-law (PCMA) companding of 16-bit linear
/// samples, sample by sample (the classic segment algorithms; no tables).
public enum G711 {
    private static let bias: Int32 = 0x84
    private static let clip: Int32 = 32635

    /// Encodes one linear sample as μ-law.
    @inline(__always)
    public static func ulaw(_ sample: Int16) -> UInt8 {
        var pcm = Int32(sample)
        let sign: Int32 = pcm < 0 ? 0x80 : 0
        if pcm < 0 { pcm = -pcm }
        if pcm > clip { pcm = clip }
        pcm += bias
        var exponent: Int32 = 7
        var mask: Int32 = 0x4000
        while exponent > 0 && pcm & mask == 0 {
            exponent -= 1
            mask >>= 1
        }
        let mantissa = (pcm >> (exponent + 3)) & 0x0F
        return UInt8(truncatingIfNeeded: ~(sign | exponent << 4 | mantissa))
    }

    /// Decodes one μ-law byte.
    @inline(__always)
    public static func linear(ulaw byte: UInt8) -> Int16 {
        let u = Int32(~byte & 0xFF)
        let exponent = (u >> 4) & 0x07
        let mantissa = u & 0x0F
        let magnitude = ((mantissa << 3) + bias) << exponent
        return Int16(u & 0x80 != 0 ? bias - magnitude : magnitude - bias)
    }

    /// Encodes one linear sample as A-law.
    @inline(__always)
    public static func alaw(_ sample: Int16) -> UInt8 {
        var pcm = Int32(sample) >> 3   // 13-bit magnitude
        let mask: Int32
        if pcm >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            pcm = -pcm - 1
        }
        var segment: Int32 = 0
        var limit: Int32 = 0x1F
        while segment < 8 && pcm > limit {
            segment += 1
            limit = (limit << 1) | 1
        }
        let value: Int32
        if segment >= 8 {
            value = 0x7F
        } else {
            let shift = segment < 2 ? 1 : segment
            value = segment << 4 | ((pcm >> shift) & 0x0F)
        }
        return UInt8(truncatingIfNeeded: value ^ mask)
    }

    /// Decodes one A-law byte.
    @inline(__always)
    public static func linear(alaw byte: UInt8) -> Int16 {
        let a = Int32(byte ^ 0x55)
        var magnitude = (a & 0x0F) << 4
        let segment = (a & 0x70) >> 4
        switch segment {
        case 0: magnitude += 8
        case 1: magnitude += 0x108
        default: magnitude = (magnitude + 0x108) << (segment - 1)
        }
        return Int16(a & 0x80 != 0 ? magnitude : -magnitude)
    }
}
