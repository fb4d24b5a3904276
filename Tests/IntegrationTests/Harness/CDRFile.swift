import Foundation

/// The CDR file a daemon writes (`cdr.path`): its JSON lines, parsed.
struct CDRFile {
    let path: String

    /// Every line, parsed (a line that is not a JSON object is an empty dictionary).
    var records: [[String: Any]] {
        Artifacts.read(path).split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        }
    }

    /// Waits until the file has at least `count` lines; returns them.
    func wait(for count: Int, timeout: Duration = .seconds(10)) async -> [[String: Any]] {
        _ = await waitUntil(timeout: timeout) { records.count >= count }
        return records
    }

    /// The record of the inbound leg whose SIP Call-ID is `callID`.
    func record(sipCallID callID: String?) -> [String: Any]? {
        records.first { ($0["sip_call_id"] as? String) == callID }
    }

    /// The exact field names a CDR line has (`transfer` only when one happened).
    static let fields: Set<String> = ["call_id", "sip_call_id", "from", "to", "listener", "route", "trunk", "start",
                                      "answer", "end", "duration_s", "billsec_s", "disposition", "sip_code",
                                      "hangup_side", "media", "custom_data"]
}

/// A Prometheus text exposition, read by sample name and labels.
struct MetricsScrape {
    let text: String

    /// The value of the sample `name{labels}` (labels written as in the exposition, e.g. `disposition="busy"`).
    func value(_ name: String, _ labels: String = "") -> Double? {
        let key = labels.isEmpty ? name : "\(name){\(labels)}"
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            if line[..<space] == key { return Double(line[line.index(after: space)...]) }
        }
        return nil
    }

    /// GETs `http://host:port/metrics` over a plain TCP socket.
    static func fetch(host: String = "127.0.0.1", port: Int) throws -> MetricsScrape {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket failed") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw HarnessError("cannot connect to the metrics endpoint \(host):\(port)") }
        let request = Array("GET /metrics HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            response += buffer[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard text.hasPrefix("HTTP/1.1 200"), let body = text.range(of: "\r\n\r\n") else {
            throw HarnessError("metrics endpoint answered: \(text.prefix(200))")
        }
        return MetricsScrape(text: String(text[body.upperBound...]))
    }
}
