#if canImport(Glibc)
import Glibc
#endif

/// sd_notify's socket protocol (no libsystemd): datagrams such as `READY=1`
/// to the Unix socket systemd names in `$NOTIFY_SOCKET` (a path, or `@name`
/// in the abstract namespace). Without the variable every call does nothing.
package struct SystemdNotifier: Sendable {
    /// The socket address from `$NOTIFY_SOCKET`, if systemd gave one.
    package let socketPath: String?
    /// Microseconds between WATCHDOG=1 pings systemd expects (`$WATCHDOG_USEC`), if any.
    package let watchdogMicroseconds: UInt64?

    /// Reads `$NOTIFY_SOCKET` and `$WATCHDOG_USEC`.
    package init(environment: [String: String] = SystemdNotifier.processEnvironment()) {
        let path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        socketPath = path
        watchdogMicroseconds = path == nil ? nil : environment["WATCHDOG_USEC"].flatMap { UInt64($0) }
    }

    /// Sends `state` (e.g. `READY=1`, `STOPPING=1`, `WATCHDOG=1`, `STATUS=…`);
    /// false when there is no socket or the send failed.
    @discardableResult
    package func notify(_ state: String) -> Bool {
        guard let socketPath else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(socketPath.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let payload = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                payload.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), sa, length) }
            }
        }
        return sent == payload.count
    }

    /// The process environment as a dictionary.
    package static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                result[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            pointer += 1
        }
        return result
    }
}
