import Logging

/// A call's logger: the engine's `Logger` plus the call's ids, added to a
/// line's metadata only when the line is written.
///
/// A `Logger` with per-call metadata keeps its own handler copy, metadata
/// dictionary and pre-rendered metadata string for the call's whole life
/// (about 0.5 kB per call, #12); this keeps two shared strings instead. A
/// written line carries the same `call.id` / `leg.callid` keys as before.
struct CallLogger {
    /// The engine's logger (shared; no per-call metadata).
    let base: Logger
    /// Legato's call id (`call.id`), nil for a logger of no call.
    let callID: String?
    /// The SIP Call-ID of the call's dialog (`leg.callid`).
    let legCallID: String?

    init(_ base: Logger, callID: String? = nil, legCallID: String? = nil) {
        self.base = base
        self.callID = callID
        self.legCallID = legCallID
    }

    /// The level below which nothing is written.
    var logLevel: Logger.Level { base.logLevel }

    /// Writes `message` at `level` with `metadata` and the call's ids.
    func log(level: Logger.Level, _ message: @autoclosure () -> Logger.Message,
             metadata: @autoclosure () -> Logger.Metadata? = nil,
             file: String = #fileID, function: String = #function, line: UInt = #line) {
        guard base.logLevel <= level else { return }
        var all = metadata() ?? [:]
        // A line's own metadata wins, as it does over a Logger's.
        if let callID, all["call.id"] == nil { all["call.id"] = "\(callID)" }
        if let legCallID, all["leg.callid"] == nil { all["leg.callid"] = "\(legCallID)" }
        base.log(level: level, message(), metadata: all, file: file, function: function, line: line)
    }

    func debug(_ message: @autoclosure () -> Logger.Message, metadata: @autoclosure () -> Logger.Metadata? = nil,
               file: String = #fileID, function: String = #function, line: UInt = #line) {
        log(level: .debug, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    func info(_ message: @autoclosure () -> Logger.Message, metadata: @autoclosure () -> Logger.Metadata? = nil,
              file: String = #fileID, function: String = #function, line: UInt = #line) {
        log(level: .info, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    func notice(_ message: @autoclosure () -> Logger.Message, metadata: @autoclosure () -> Logger.Metadata? = nil,
                file: String = #fileID, function: String = #function, line: UInt = #line) {
        log(level: .notice, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    func warning(_ message: @autoclosure () -> Logger.Message, metadata: @autoclosure () -> Logger.Metadata? = nil,
                 file: String = #fileID, function: String = #function, line: UInt = #line) {
        log(level: .warning, message(), metadata: metadata(), file: file, function: function, line: line)
    }

    func error(_ message: @autoclosure () -> Logger.Message, metadata: @autoclosure () -> Logger.Metadata? = nil,
               file: String = #fileID, function: String = #function, line: UInt = #line) {
        log(level: .error, message(), metadata: metadata(), file: file, function: function, line: line)
    }
}
