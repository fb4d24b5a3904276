import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A connection to baresip's `ctrl_tcp` module: commands go out as
/// netstring-framed JSON (`{"command":"dial","params":"sip:…","token":"n"}`),
/// responses (`{"response":true,"ok":…,"data":…,"token":"n"}`) and events
/// (`{"event":true,"type":"CALL_ESTABLISHED",…}`) come back the same way.
final class BaresipControl {
    /// One message baresip sent.
    struct Message: Sendable {
        var isEvent: Bool
        /// Event type (`CALL_ESTABLISHED`, `CALL_CLOSED`, …).
        var type: String?
        var param: String?
        var ok: Bool?
        var data: String?
        var token: String?
        var raw: String
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var nextToken = 1
    /// Every message received so far, in order.
    private(set) var messages: [Message] = []

    /// Connects to 127.0.0.1:`port`. baresip binds its ctrl_tcp socket a moment
    /// before it listens, so a refused connection is retried for up to 5 s.
    init(port: Int) throws {
        var address = SocketAddress.loopback(port: port)
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw HarnessError("socket(): errno \(errno)") }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if connected == 0 {
                self.fd = fd
                return
            }
            let error = errno
            close(fd)
            guard error == ECONNREFUSED, ContinuousClock.now < deadline else {
                throw HarnessError("connect(127.0.0.1:\(port)) to baresip ctrl_tcp: errno \(error)")
            }
            usleep(50_000)
        }
    }

    deinit { close(fd) }

    var events: [Message] { messages.filter(\.isEvent) }

    /// Sends a command (a menu command without the slash) and waits for its response.
    @discardableResult
    func command(_ name: String, _ params: String? = nil, timeout: Duration = .seconds(5)) async throws -> Message {
        let token = "\(nextToken)"
        nextToken += 1
        var object: [String: String] = ["command": name, "token": token]
        if let params { object["params"] = params }
        let json = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        let frame = Array("\(json.count):".utf8) + [UInt8](json) + Array(",".utf8)
        let sent = frame.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == frame.count else { throw HarnessError("baresip ctrl_tcp: send failed (errno \(errno))") }
        var response: Message?
        _ = await waitUntil(timeout: timeout, interval: .milliseconds(10)) {
            pump()
            response = messages.last { !$0.isEvent && $0.token == token }
            return response != nil
        }
        guard let response else { throw HarnessError("baresip ctrl_tcp: no response to \(name) within \(timeout)") }
        return response
    }

    /// Waits for an event of `type` (counting those already received) — at
    /// least `count` of them; false on timeout.
    func waitForEvent(_ type: String, count: Int = 1, timeout: Duration) async -> Bool {
        await waitUntil(timeout: timeout, interval: .milliseconds(10)) {
            pump()
            return events.filter { $0.type == type }.count >= count
        }
    }

    /// Reads whatever has arrived, without blocking, and parses complete netstrings.
    func pump() {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { break }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            buffer += chunk[0..<count]
        }
        while let colon = buffer.firstIndex(of: UInt8(ascii: ":")),
              let length = Int(String(decoding: buffer[..<colon], as: UTF8.self)),
              buffer.count >= colon + 1 + length + 1 {
            let payload = Array(buffer[(colon + 1)..<(colon + 1 + length)])
            buffer.removeFirst(colon + 1 + length + 1)
            messages.append(Self.parse(payload))
        }
    }

    private static func parse(_ payload: [UInt8]) -> Message {
        let raw = String(decoding: payload, as: UTF8.self)
        let object = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any] ?? [:]
        return Message(isEvent: object["event"] as? Bool ?? false, type: object["type"] as? String,
                       param: object["param"] as? String, ok: object["ok"] as? Bool,
                       data: object["data"] as? String, token: object["token"] as? String, raw: raw)
    }
}
