/// An SDP body (RFC 4566): the session-level lines and the media sections,
/// kept line by line so that unknown lines survive a rewrite unchanged.
public struct SessionDescription: Sendable, Equatable {
    /// Lines before the first `m=`.
    public var sessionLines: [SDPLine]
    /// The `m=` sections, in order.
    public var media: [MediaSection]

    /// A body from its lines, as given (no validation).
    public init(sessionLines: [SDPLine], media: [MediaSection]) {
        self.sessionLines = sessionLines
        self.media = media
    }

    /// The session-level `c=` address.
    public var connectionAddress: String? {
        sessionLines.first { $0.type == "c" }.flatMap { SDPConnection.address(of: $0.value) }
    }

    /// The connection address that applies to a media section (its own `c=`, else the session's).
    public func connectionAddress(of index: Int) -> String? {
        media[index].connectionAddress ?? connectionAddress
    }

    /// The direction in force for a media section: its own attribute, else the
    /// session's, else sendonly for an RFC 2543 hold (`c=` 0.0.0.0), else sendrecv.
    public func direction(of index: Int) -> MediaDirection {
        if let own = media[index].explicitDirection { return own }
        for line in sessionLines where line.type == "a" {
            if let d = MediaDirection(rawValue: line.value) { return d }
        }
        if connectionAddress(of: index) == "0.0.0.0" { return .sendonly }
        return .sendrecv
    }

    /// A copy whose media section `index` says `direction` and whose session
    /// level says none (an answer's direction, RFC 3264 §6.1).
    public func settingDirection(_ direction: MediaDirection, of index: Int) -> SessionDescription {
        var copy = self
        let isDirection: (SDPLine) -> Bool = { $0.type == "a" && MediaDirection(rawValue: $0.value) != nil }
        copy.sessionLines.removeAll(where: isDirection)
        copy.media[index].replaceLines(where: isDirection, with: [SDPLine(type: "a", value: direction.rawValue)])
        return copy
    }

    /// The body as sent on the wire (CRLF line endings, final CRLF).
    public var text: String {
        var out = ""
        for line in sessionLines { out += line.text + "\r\n" }
        for section in media { for line in section.lines { out += line.text + "\r\n" } }
        return out
    }
}
