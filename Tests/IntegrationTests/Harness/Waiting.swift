import Foundation

/// Polls `condition` every `interval` until it holds or `timeout` passes.
/// Returns whether it held. The integration tests wait on conditions, never on fixed delays.
func waitUntil(timeout: Duration, interval: Duration = .milliseconds(25),
               _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: interval)
    }
}

/// `waitUntil` for a condition that awaits (e.g. asks the daemon with `legato ctl`).
func waitUntilAsync(timeout: Duration, interval: Duration = .milliseconds(200),
                    _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: interval)
    }
}

extension Duration {
    /// Whole seconds, rounded up (for command-line time limits).
    var wholeSecondsRoundedUp: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}
