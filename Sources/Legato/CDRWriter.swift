import Dispatch
import Logging
import Metrics
import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#endif

/// Appends call detail records, one JSON object per line, to `cdr.path`
/// from its own queue: the signalling thread only hands a line over. The
/// queue is bounded (`cdr.queue_size`): a line that does not fit is dropped
/// and counted (`legato_cdr_dropped_total`). A write that fails (full disk,
/// unwritable path) is counted (`legato_cdr_write_failures_total`) and
/// logged once until writing works again; calls never wait for the disk.
/// `reopen()` closes the file so that the next line opens it anew (logrotate).
package final class CDRWriter: Sendable {
    private struct State {
        var pending = 0
        var written: UInt64 = 0
        var dropped: UInt64 = 0
        var failed: UInt64 = 0
    }

    /// The file lines are appended to.
    package let path: String
    private let capacity: Int
    private let queue = DispatchQueue(label: "legato.cdr")
    private let state = NIOLockedValueBox(State())
    private let file = NIOLockedValueBox<(fd: Int32, failing: Bool)>((-1, false))
    private let logger: Logger

    /// A writer for `path` holding at most `capacity` lines not yet written.
    package init(path: String, capacity: Int, logger: Logger) {
        self.path = path
        self.capacity = max(1, capacity)
        self.logger = logger
    }

    deinit {
        let fd = file.withLockedValue { $0.fd }
        if fd >= 0 { close(fd) }
    }

    /// Queues `line` (without its newline); never blocks.
    package func write(_ line: String) {
        let accepted = state.withLockedValue { state -> Bool in
            guard state.pending < capacity else {
                state.dropped += 1
                return false
            }
            state.pending += 1
            return true
        }
        guard accepted else {
            Counter(label: "legato_cdr_dropped_total").increment()
            return
        }
        queue.async { [self] in
            let ok = append(line + "\n")
            state.withLockedValue {
                $0.pending -= 1
                if ok { $0.written += 1 } else { $0.failed += 1 }
            }
            if !ok { Counter(label: "legato_cdr_write_failures_total").increment() }
        }
    }

    /// Closes the file after the lines queued so far: the next line reopens
    /// it (SIGUSR1, reload: after logrotate moved it away).
    package func reopen() {
        queue.async { [self] in
            file.withLockedValue { file in
                if file.fd >= 0 { close(file.fd) }
                file.fd = -1
            }
        }
    }

    /// Waits until every line queued so far was written or given up.
    package func flush() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in queue.async { c.resume() } }
    }

    /// Lines written, dropped (queue full) and failed (write error) so far.
    package var counts: (written: UInt64, dropped: UInt64, failed: UInt64) {
        state.withLockedValue { ($0.written, $0.dropped, $0.failed) }
    }

    /// On the writer queue: opens the file if needed and writes all of `text`.
    private func append(_ text: String) -> Bool {
        file.withLockedValue { file in
            if file.fd < 0 {
                file.fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
            }
            var ok = file.fd >= 0
            var problem = ok ? "" : String(cString: strerror(errno))
            if ok {
                var bytes = Array(text.utf8)
                var offset = 0
                while offset < bytes.count {
                    let n = bytes.withUnsafeMutableBytes { buffer in
                        Glibc.write(file.fd, buffer.baseAddress! + offset, buffer.count - offset)
                    }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 {
                        problem = String(cString: strerror(errno))
                        ok = false
                        break
                    }
                    offset += n
                }
                if !ok {
                    // Start from a fresh open next time (the file may have been replaced).
                    close(file.fd)
                    file.fd = -1
                }
                _ = bytes.count
                bytes.removeAll()
            }
            if !ok && !file.failing {
                logger.error("cdr.write-failed", metadata: ["cdr.path": "\(path)", "error": "\(problem)"])
            } else if ok && file.failing {
                logger.notice("cdr.write-resumed", metadata: ["cdr.path": "\(path)"])
            }
            file.failing = !ok
            return ok
        }
    }
}
