/// A message body with its content type (an SDP offer or answer, for example).
public struct SIPBody: Sendable, Equatable {
    /// The Content-Type value, e.g. `application/sdp`.
    public var contentType: String
    /// The body bytes, unchanged.
    public var bytes: [UInt8]

    /// A body from raw bytes.
    public init(contentType: String, bytes: [UInt8]) {
        self.contentType = contentType
        self.bytes = bytes
    }

    /// A body from text, encoded as UTF-8.
    public init(contentType: String, text: String) {
        self.init(contentType: contentType, bytes: Array(text.utf8))
    }

    /// The body decoded as UTF-8 (lossy).
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// True for `application/sdp`.
    public var isSDP: Bool { contentType.lowercased().hasPrefix("application/sdp") }
}
