/// Where Legato receives one media section's RTP (and RTCP) on a relay leg.
public struct RelayAddress: Sendable, Equatable {
    /// Address Legato announces for the section (its `c=` line).
    public var address: String
    /// RTP port put in the `m=` line.
    public var rtpPort: Int
    /// nil when RTCP is multiplexed on the RTP port (rtcp-mux).
    public var rtcpPort: Int?
    /// The SDES crypto lines Legato offers (one per suite) or answers with
    /// (one) on this leg; empty for plain RTP.
    public var cryptos: [SDPCrypto]
    /// `RTP/SAVP` (true) or `RTP/AVP` (false); nil: SAVP exactly when there
    /// are crypto lines. False with crypto lines is best-effort SRTP
    /// (`RTP/AVP` + `a=crypto`).
    public var secureProfile: Bool?
    /// rtcp-mux (RFC 5761) on this leg: true writes `a=rtcp-mux` (with
    /// `a=rtcp` as the fallback port when `rtcpPort` is set), false removes
    /// it; nil keeps the source's `a=rtcp-mux` only when `rtcpPort` is nil.
    public var rtcpMux: Bool?

    /// An address; by default no crypto, profile from the crypto lines, rtcp-mux kept only without `rtcpPort`.
    public init(address: String, rtpPort: Int, rtcpPort: Int?, cryptos: [SDPCrypto] = [], secureProfile: Bool? = nil,
                rtcpMux: Bool? = nil) {
        self.rtcpMux = rtcpMux
        self.address = address
        self.rtpPort = rtpPort
        self.rtcpPort = rtcpPort
        self.cryptos = cryptos
        self.secureProfile = secureProfile
    }

    /// One crypto line (or none).
    public init(address: String, rtpPort: Int, rtcpPort: Int?, crypto: SDPCrypto?) {
        self.init(address: address, rtpPort: rtpPort, rtcpPort: rtcpPort, cryptos: crypto.map { [$0] } ?? [])
    }
}

extension SessionDescription {
    /// The SDP Legato sends on the other leg in relay mode: every active media
    /// section now points at Legato (`c=`, port, `a=rtcp`), its crypto lines are
    /// replaced by Legato's own for that leg (keys never cross legs), the
    /// profile follows (`RTP/SAVP` with crypto, `RTP/AVP` without), and the
    /// origin's address is Legato's. Sections with port 0 stay rejected.
    /// Everything else (codecs, fmtp, direction, telephone-event) is kept.
    ///
    /// - Parameter addresses: one entry per media section (nil leaves a section rejected).
    /// - Parameter version: the `o=` session version to write (increment on every change).
    /// - Parameter sessionID: the `o=` session id to write (keep it for the
    ///   whole session, RFC 3264 8); nil keeps the source's.
    public func rewrittenForRelay(addresses: [RelayAddress?], origin: String, version: UInt64,
                                  sessionID: UInt64? = nil) -> SessionDescription {
        var out = self
        let sessionAddress = addresses.compactMap { $0?.address }.first
        for i in out.sessionLines.indices {
            switch out.sessionLines[i].type {
            case "o":
                var fields = out.sessionLines[i].value.split(separator: " ").map(String.init)
                if fields.count >= 6 {
                    fields[0] = "legato"
                    if let sessionID { fields[1] = String(sessionID) }
                    fields[2] = String(version)
                    if let sessionAddress {
                        fields[4] = SDPConnection.addressType(of: sessionAddress)
                        fields[5] = sessionAddress
                    } else {
                        fields[5] = origin
                    }
                    out.sessionLines[i].value = fields.joined(separator: " ")
                }
            case "c":
                if let sessionAddress { out.sessionLines[i].value = SDPConnection.value(for: sessionAddress) }
            default:
                break
            }
        }
        for index in out.media.indices {
            guard out.media[index].port != 0, index < addresses.count, let relay = addresses[index] else {
                out.media[index].port = 0
                continue
            }
            var section = out.media[index]
            section.port = relay.rtpPort
            section.replaceLines(where: { $0.type == "c" },
                                 with: [SDPLine(type: "c", value: SDPConnection.value(for: relay.address))])
            section.replaceLines(where: { $0.attributeName == "rtcp" }, with: relay.rtcpPort.map {
                [SDPLine(type: "a", value: "rtcp:\($0) \(SDPConnection.value(for: relay.address))")]
            } ?? [])
            switch relay.rtcpMux {
            case true?:
                if !section.hasAttribute("rtcp-mux") {
                    section.replaceLines(where: { $0.attributeName == "rtcp-mux" },
                                         with: [SDPLine(type: "a", value: "rtcp-mux")])
                }
            case false?:
                section.lines.removeAll { $0.attributeName == "rtcp-mux" }
            case nil:
                if relay.rtcpPort != nil { section.lines.removeAll { $0.attributeName == "rtcp-mux" } }
            }
            section.replaceLines(where: { $0.attributeName == "crypto" }, with: relay.cryptos.map {
                SDPLine(type: "a", value: "crypto:" + $0.attributeValue)
            })
            section.proto = Self.profile(section.proto, secure: relay.secureProfile ?? !relay.cryptos.isEmpty)
            out.media[index] = section
        }
        return out
    }

    /// `RTP/AVP` ↔ `RTP/SAVP` (and the F variants), leaving other protocols alone.
    static func profile(_ proto: String, secure: Bool) -> String {
        switch proto.uppercased() {
        case "RTP/AVP", "RTP/SAVP": return secure ? "RTP/SAVP" : "RTP/AVP"
        case "RTP/AVPF", "RTP/SAVPF": return secure ? "RTP/SAVPF" : "RTP/AVPF"
        default: return proto
        }
    }
}
