#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a conf file from disk.
enum ConfigFile {
    /// Why a file could not be read, e.g. "cannot open: No such file or directory".
    struct ReadProblem: Error {
        var message: String
    }

    /// The whole file at `path` as UTF-8 text, or why it cannot be had.
    static func contents(of path: String) -> Result<String, ReadProblem> {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            return .failure(ReadProblem(message: "cannot open: \(String(cString: strerror(errno)))"))
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadProblem(message: "cannot read: \(String(cString: strerror(errno)))"))
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[..<count])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(ReadProblem(message: "not valid UTF-8 text"))
        }
        return .success(text)
    }
}
