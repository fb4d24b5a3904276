/// Failures of media workers and relay sessions.
public enum MediaError: Error, Equatable, Sendable {
    /// No port pair left in the configured range (or none of them could be bound).
    case portsExhausted
    /// The text is not a numeric IPv4 or IPv6 address.
    case invalidAddress(String)
    /// The port is outside 1...65535.
    case invalidPort(Int)
    /// A system call failed; `errno` as reported.
    case system(call: String, errno: Int32)
    /// libevent could not create the loop or register an event.
    case eventLoop(String)
    /// No session with that id lives on the worker.
    case unknownSession(MediaSessionID)
    /// A session with that id already lives on the worker.
    case duplicateSession(MediaSessionID)
    /// The worker has been shut down.
    case workerStopped
    /// An RTP payload type outside 0...127 (playback).
    case invalidPayloadType(Int)
}
