import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sends one datagram to Legato from the test's caller socket and records
/// what comes back, while a socket standing in for the trunk's callee
/// answers every INVITE Legato forwards with 486 Busy Here (so a forwarded
/// call ends quickly with a final response the caller can see).
struct TortureExchange {
    /// Datagrams Legato sent to the caller socket.
    var toCaller: [SIPMessage] = []
    /// Datagrams Legato sent to the trunk (callee) socket.
    var toTrunk: [SIPMessage] = []

    var responses: [SIPMessage] { toCaller.filter { !$0.isRequest } }
    var finalResponses: [SIPMessage] { responses.filter { ($0.statusCode ?? 0) >= 200 } }
    var provisionalResponses: [SIPMessage] { responses.filter { ($0.statusCode ?? 0) < 200 } }
    var forwardedInvites: [SIPMessage] { toTrunk.filter { $0.method == "INVITE" } }

    /// - Parameters:
    ///   - window: how long to wait for a final response.
    ///   - settle: how long to keep listening after the first final response.
    static func run(sending message: [UInt8], from caller: UDPSocket, to legatoPort: Int, trunk: UDPSocket,
                    window: Duration, settle: Duration = .milliseconds(250)) throws -> TortureExchange {
        var exchange = TortureExchange()
        try caller.send(message, toPort: legatoPort)
        var deadline = ContinuousClock.now + window
        var settled = false
        while case let remaining = deadline - .now, remaining > .zero {
            for (index, datagram) in UDPSocket.receiveAny([caller, trunk], timeout: remaining) {
                let parsed = SIPMessage(raw: datagram.text, direction: .received, transport: "UDP", timestamp: nil)
                if index == 0 {
                    exchange.toCaller.append(parsed)
                    if !settled, !parsed.isRequest, (parsed.statusCode ?? 0) >= 200 {
                        settled = true
                        deadline = min(deadline, .now + settle)
                    }
                } else {
                    exchange.toTrunk.append(parsed)
                    if parsed.method == "INVITE" {
                        try trunk.send(busyHere(answering: parsed), toPort: datagram.fromPort)
                    }
                }
            }
        }
        return exchange
    }

    /// A 486 for a forwarded INVITE, built from its Via, From, To, Call-ID and CSeq.
    static func busyHere(answering invite: SIPMessage) -> String {
        var lines = ["SIP/2.0 486 Busy Here"]
        for via in invite.values("Via") { lines.append("Via: \(via)") }
        lines.append("From: \(invite.header("From") ?? "")")
        let to = invite.header("To") ?? ""
        lines.append("To: \(to)" + (invite.toTag == nil ? ";tag=torture-callee" : ""))
        lines.append("Call-ID: \(invite.callID ?? "")")
        lines.append("CSeq: \(invite.header("CSeq") ?? "")")
        lines.append("Content-Length: 0")
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// A plain OPTIONS to Legato from `socket`; true when a 200 comes back within `timeout`.
    static func optionsAnswered200(from socket: UDPSocket, legatoPort: Int, timeout: Duration = .seconds(3)) throws -> Bool {
        let callID = "probe-\(UInt32.random(in: 0...UInt32.max))@127.0.0.1"
        let branch = "z9hG4bK-probe-\(UInt32.random(in: 0...UInt32.max))"
        let options = [
            "OPTIONS sip:127.0.0.1:\(legatoPort) SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:\(socket.port);branch=\(branch)",
            "Max-Forwards: 70",
            "From: <sip:probe@127.0.0.1:\(socket.port)>;tag=probe",
            "To: <sip:127.0.0.1:\(legatoPort)>",
            "Call-ID: \(callID)",
            "CSeq: 1 OPTIONS",
            "Content-Length: 0",
        ].joined(separator: "\r\n") + "\r\n\r\n"
        try socket.send(options, toPort: legatoPort)
        let deadline = ContinuousClock.now + timeout
        while case let remaining = deadline - .now, remaining > .zero {
            guard let datagram = socket.receive(timeout: remaining) else { break }
            let response = SIPMessage(raw: datagram.text, direction: .received, transport: "UDP", timestamp: nil)
            if response.callID == callID, response.statusCode == 200 { return true }
        }
        return false
    }
}

extension UDPSocket {
    /// Datagrams ready on any of `sockets` (index into `sockets`), waiting up to `timeout`.
    static func receiveAny(_ sockets: [UDPSocket], timeout: Duration) -> [(Int, Datagram)] {
        var descriptors = sockets.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        let milliseconds = Int32(clamping: max(1, timeout.components.seconds * 1000
            + timeout.components.attoseconds / 1_000_000_000_000_000))
        guard poll(&descriptors, nfds_t(descriptors.count), milliseconds) > 0 else { return [] }
        var result: [(Int, Datagram)] = []
        for (index, descriptor) in descriptors.enumerated() where descriptor.revents & Int16(POLLIN) != 0 {
            if let datagram = sockets[index].receive(timeout: .zero) { result.append((index, datagram)) }
        }
        return result
    }
}
