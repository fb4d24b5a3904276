import Logging
import Testing
@testable import LegatoCall
import LegatoSIP

/// What `CallLogger` writes: the call's ids on every written line, a line's
/// own metadata first, nothing built below the level.
@Suite("CallLogger")
struct CallLoggerTests {
    /// Keeps every record the logger writes.
    final class Capture: @unchecked Sendable {
        var lines: [(level: Logger.Level, message: String, metadata: Logger.Metadata)] = []
    }

    struct CaptureHandler: LogHandler {
        let capture: Capture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            capture.lines.append((event.level, event.message.description,
                                  self.metadata.merging(event.metadata ?? [:]) { $1 }))
        }
    }

    func logger(_ capture: Capture, level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "test") { _ in CaptureHandler(capture: capture) }
        logger.logLevel = level
        return logger
    }

    @Test("a written line carries call.id and leg.callid next to its own metadata")
    func addsTheCallsIDs() {
        let capture = Capture()
        let log = CallLogger(logger(capture), callID: "c-7", legCallID: "abc@host")
        log.info("call.signalling-event", metadata: ["call.event": "Connected"])
        #expect(capture.lines.count == 1)
        #expect(capture.lines[0].level == .info)
        #expect(capture.lines[0].message == "call.signalling-event")
        #expect(capture.lines[0].metadata == ["call.id": "c-7", "leg.callid": "abc@host", "call.event": "Connected"])
    }

    @Test("a line's own call.id wins, as it does over a Logger's metadata; no ids without a call")
    func ownMetadataWins() {
        let capture = Capture()
        CallLogger(logger(capture), callID: "c-1", legCallID: nil).warning("x", metadata: ["call.id": "other"])
        CallLogger(logger(capture)).error("y")
        #expect(capture.lines.map(\.metadata) == [["call.id": "other"], [:]])
        #expect(capture.lines.map(\.level) == [.warning, .error])
    }

    @Test("below the level nothing is written and the metadata is never built")
    func filteredLinesCostNothing() {
        let capture = Capture()
        let log = CallLogger(logger(capture, level: .warning), callID: "c-2")
        var built = 0
        func metadata() -> Logger.Metadata { built += 1; return ["k": "v"] }
        log.info("hidden", metadata: metadata())
        log.debug("hidden", metadata: metadata())
        log.notice("hidden", metadata: metadata())
        #expect(capture.lines.isEmpty)
        #expect(built == 0)
        log.warning("shown", metadata: metadata())
        #expect(built == 1 && capture.lines.count == 1)
    }
}
