/// The state of a call as `Call.state` reports it (VoxEngine's `state()`).
public enum CallState: String, Sendable, Equatable, CustomStringConvertible {
    /// Inbound, not answered yet.
    case alerting = "ALERTING"
    /// Outbound, INVITE sent, no final answer yet.
    case progressing = "PROGRESSING"
    /// Answered, dialog up.
    case connected = "CONNECTED"
    /// Ended, or being ended.
    case terminated = "TERMINATED"

    /// The raw value, e.g. `CONNECTED`.
    public var description: String { rawValue }
}
