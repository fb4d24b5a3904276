import LegatoConfig
#if canImport(Glibc)
import Glibc
#endif

/// sofia-sip reads TLS credentials from a directory (`agent.pem` = key and
/// certificate, `cafile.pem`); this builds one, readable by the daemon only,
/// from the conf's certificate and key files.
enum TLSCertificateDirectory {
    enum Failure: Error, CustomStringConvertible {
        case unreadable(String)
        case cannotCreate
        var description: String {
            switch self {
            case .unreadable(let path): return "cannot read TLS file \(path)"
            case .cannotCreate: return "cannot create a private directory for TLS credentials"
            }
        }
    }

    static func make(certificate: String, key: String) throws -> String {
        guard let cert = readFile(certificate) else { throw Failure.unreadable(certificate) }
        guard let keyText = readFile(key) else { throw Failure.unreadable(key) }
        var template = Array("/tmp/legato-tls-XXXXXX".utf8CString)
        guard let dir = mkdtemp(&template) else { throw Failure.cannotCreate }
        let path = String(cString: dir)
        guard writeFile("\(path)/agent.pem", keyText + "\n" + cert),
              writeFile("\(path)/cafile.pem", cert) else { throw Failure.cannotCreate }
        return path
    }

    private static func readFile(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func writeFile(_ path: String, _ text: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
    }
}
