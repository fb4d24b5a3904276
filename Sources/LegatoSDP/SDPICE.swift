/// The ICE lines (RFC 8839) Legato writes as an ICE-lite agent (RFC 8445
/// §2.5) on a relay leg: `a=ice-lite` at session level, and in the first
/// media section its credentials and one host candidate per component.
public struct SDPICE: Sendable, Equatable {
    /// One host candidate: component 1 is RTP, 2 is RTCP.
    public struct Candidate: Sendable, Equatable {
        /// 1 for RTP, 2 for RTCP.
        public var component: Int
        /// Numeric address of the candidate.
        public var address: String
        /// UDP port of the candidate.
        public var port: Int

        /// A host candidate.
        public init(component: Int, address: String, port: Int) {
            self.component = component
            self.address = address
            self.port = port
        }

        /// RFC 8445 §5.1.2.1 with type preference 126 (host) and local
        /// preference 65535: 2130706431 for RTP, 2130706430 for RTCP.
        public var priority: UInt32 { (126 << 24) | (65535 << 8) | UInt32(256 - component) }

        /// The value of the `a=candidate:` line (foundation 1, UDP, host).
        public var attributeValue: String {
            "1 \(component) UDP \(priority) \(address) \(port) typ host"
        }
    }

    /// The `a=ice-ufrag` value.
    public var ufrag: String
    /// The `a=ice-pwd` value.
    public var pwd: String
    /// Host candidates, written in this order.
    public var candidates: [Candidate]

    /// The lines of one ICE-lite leg.
    public init(ufrag: String, pwd: String, candidates: [Candidate]) {
        self.ufrag = ufrag
        self.pwd = pwd
        self.candidates = candidates
    }
}

extension SessionDescription {
    /// This SDP with `ice`'s lines added (and any ICE lines it had removed):
    /// `a=ice-lite` after `t=`, credentials and candidates in the first media section.
    public func addingICE(_ ice: SDPICE) -> SessionDescription {
        var out = self
        out.sessionLines.removeAll { $0.attributeName.map(SDPIdentityFilter.mediaAttributes.contains) ?? false }
        let afterTiming = (out.sessionLines.lastIndex { "tzr".contains($0.type) } ?? out.sessionLines.count - 1) + 1
        out.sessionLines.insert(SDPLine(type: "a", value: "ice-lite"), at: afterTiming)
        guard !out.media.isEmpty else { return out }
        let lines = [SDPLine(type: "a", value: "ice-ufrag:" + ice.ufrag), SDPLine(type: "a", value: "ice-pwd:" + ice.pwd)]
            + ice.candidates.map { SDPLine(type: "a", value: "candidate:" + $0.attributeValue) }
        let iceNames: Set<Substring> = ["ice-ufrag", "ice-pwd", "ice-options", "ice-lite", "candidate",
                                        "end-of-candidates", "remote-candidates", "ice-mismatch"]
        out.media[0].lines.removeAll { $0.attributeName.map(iceNames.contains) ?? false }
        out.media[0].lines.append(contentsOf: lines)
        return out
    }
}
