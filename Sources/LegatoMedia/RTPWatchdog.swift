/// Watches one relayed leg's incoming media as a value: feed it the time of
/// the last RTP/RTCP packet received from that leg's remote side, get back
/// what changed (VoxEngine's RtpStopped / RtpResumed, and the hang-up timeout).
public struct RTPWatchdog: Equatable, Sendable {
    /// What changed with one observation.
    public enum Verdict: Equatable, Sendable {
        case unchanged
        /// Nothing received for `stopAfter`.
        case stopped
        /// Media came back after `stopped`.
        case resumed
        /// Nothing received for `hangupAfter`: end the call.
        case expired
    }

    /// Silence after which the leg counts as stopped (RtpStopped).
    public let stopAfter: Duration
    /// nil: never hang up for silence.
    public let hangupAfter: Duration?
    private var start: ContinuousClock.Instant
    /// True between a `.stopped` verdict and the next `.resumed`.
    public private(set) var isStopped = false
    /// True once `.expired` was returned; later observations return `.unchanged`.
    public private(set) var isExpired = false

    /// `start` is when media may first be expected (the answer).
    public init(stopAfter: Duration, hangupAfter: Duration?, start: ContinuousClock.Instant) {
        self.stopAfter = stopAfter
        self.hangupAfter = hangupAfter
        self.start = start
    }

    /// Exempts the silence up to `now` (a call on hold sends no media):
    /// silence is counted again from `now`.
    public mutating func exempt(until now: ContinuousClock.Instant) {
        start = max(start, now)
    }

    /// Judges the silence at `now`, given the last packet time (nil: none yet).
    public mutating func observe(lastPacket: ContinuousClock.Instant?, now: ContinuousClock.Instant) -> Verdict {
        guard !isExpired else { return .unchanged }
        let lastActivity = max(lastPacket ?? start, start)
        let silence = now - lastActivity
        if let hangupAfter, silence >= hangupAfter {
            isExpired = true
            return .expired
        }
        if !isStopped, silence >= stopAfter {
            isStopped = true
            return .stopped
        }
        if isStopped, silence < stopAfter {
            isStopped = false
            return .resumed
        }
        return .unchanged
    }
}
