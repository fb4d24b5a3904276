#if canImport(Glibc)
import Glibc
#endif

/// One request on a `legato ctl` control socket: connect, send the line,
/// read to EOF (blocking; `legato ctl`, and shard 0 passing `drain` and
/// `reload` on to the other shards).
package enum ControlClient {
    /// Why there is no answer.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// Sends `line` on the Unix socket at `path` and returns the whole answer;
    /// throws when it cannot connect, send, or read within `timeoutSeconds`.
    package static func send(_ line: String, to path: String, timeoutSeconds: Int = 30) throws -> String {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: String(cString: strerror(errno))) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw Failure(description: "path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else { throw Failure(description: String(cString: strerror(errno))) }
        let request = Array((line + "\n").utf8)
        guard request.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == request.count else {
            throw Failure(description: "write failed: \(String(cString: strerror(errno)))")
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw Failure(description: "no answer: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            answer += buffer[0..<n]
        }
        return String(decoding: answer, as: UTF8.self)
    }
}
