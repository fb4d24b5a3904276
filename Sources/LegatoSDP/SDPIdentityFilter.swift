/// Topology hiding in SDP (relay mode): what one side's SDP says about
/// itself — its tool, session name, contact details, SSRCs and CNAMEs, msid,
/// ICE credentials and candidates, bundle grouping — does not cross to the
/// other side. Session-level lines cross only when allow-listed; media-level
/// attributes known to name the sender or its transport are removed, the
/// rest (rtpmap, fmtp, ptime, direction, rtcp-mux, telephone-event…) crosses.
public enum SDPIdentityFilter {
    /// Session-level line types that cross (`o=` and `c=` are rewritten by
    /// `rewrittenForRelay`, `s=` is replaced by `-`). Not `i=`, `u=`, `e=`,
    /// `p=`, `k=`.
    static let sessionLineTypes: Set<Character> = ["v", "o", "s", "c", "t", "r", "z", "b"]
    /// Bandwidth modifiers that cross (`b=AS:64`…); they describe the media, not the sender.
    static let bandwidthModifiers: Set<Substring> = ["AS", "TIAS", "CT"]
    /// Session-level attributes that cross; every other one is dropped.
    static let sessionAttributes: Set<Substring> = ["sendrecv", "sendonly", "recvonly", "inactive", "ptime", "maxptime"]
    /// Media-level attributes that never cross: ICE (RFC 8839), SSRC and
    /// CNAME (RFC 5576), msid (RFC 8830), bundling (RFC 8843: Legato relays
    /// only the first m-line), labels and tools.
    public static let mediaAttributes: Set<Substring> = [
        "ice-ufrag", "ice-pwd", "ice-options", "ice-lite", "ice-mismatch", "candidate", "end-of-candidates",
        "remote-candidates", "ssrc", "ssrc-group", "msid", "msid-semantic", "mid", "group", "label", "tool",
    ]
    /// What Legato writes as `s=` (RFC 4566: `-` when there is no name).
    public static let sessionName = "-"

    /// True when a session-level line may cross.
    static func keepsSessionLine(_ line: SDPLine) -> Bool {
        switch line.type {
        case "a": return line.attributeName.map(sessionAttributes.contains) ?? false
        case "b": return line.value.split(separator: ":", maxSplits: 1).first.map(bandwidthModifiers.contains) ?? false
        default: return sessionLineTypes.contains(line.type)
        }
    }

    /// True when a media-level line may cross (`i=` titles never do).
    static func keepsMediaLine(_ line: SDPLine) -> Bool {
        switch line.type {
        case "i": return false
        case "a": return !(line.attributeName.map(mediaAttributes.contains) ?? false)
        default: return true
        }
    }
}

extension SessionDescription {
    /// This SDP without what its author said about itself (`SDPIdentityFilter`):
    /// unknown session-level lines dropped, `s=` replaced by `-`, identity and
    /// ICE attributes removed from every media section.
    public func withoutPeerIdentity() -> SessionDescription {
        var out = self
        out.sessionLines = sessionLines.filter(SDPIdentityFilter.keepsSessionLine).map { line in
            line.type == "s" ? SDPLine(type: "s", value: SDPIdentityFilter.sessionName) : line
        }
        for index in out.media.indices {
            out.media[index].lines = [out.media[index].lines[0]]
                + out.media[index].lines.dropFirst().filter(SDPIdentityFilter.keepsMediaLine)
        }
        return out
    }

    /// True when the SDP carries ICE credentials (`a=ice-ufrag`, session or media level).
    public var offersICE: Bool {
        sessionLines.contains { $0.attributeName == "ice-ufrag" } || media.contains { $0.hasAttribute("ice-ufrag") }
    }
}
