import Testing

extension LegatoProcess {
    /// Stops the daemon (SIGTERM) and records an issue unless it had no call
    /// left when the drain began: every dialog of the test ended on its own.
    func expectNoCallsLeft(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await stop()
        let draining = log.split(whereSeparator: \.isNewline).first { $0.contains("legato.draining") }
        #expect(draining?.contains("calls=0 ") == true,
                "calls still alive at shutdown: \(draining.map(String.init) ?? "no drain line"); log \(logPath)",
                sourceLocation: sourceLocation)
    }
}
