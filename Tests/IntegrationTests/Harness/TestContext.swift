import Foundation
import Testing

/// What one integration test owns: its ports and its artifacts directory.
struct TestContext {
    let name: String
    let ports: PortBlock
    let artifacts: Artifacts

    init(_ name: String = #function) throws {
        self.name = name.replacingOccurrences(of: "()", with: "")
        ports = try Ports.allocate()
        artifacts = try Artifacts("\(self.name)-\(ports.base)")
    }

    /// The standard conf on this test's ports.
    func conf(calleeTransport: String = "udp") -> LegatoConf {
        .standard(ports, calleeTransport: calleeTransport)
    }

    /// The first of this test's 20 relay media ports (the block's base + 20000).
    var relayLow: Int { ports.base + 20_000 }

    /// The standard conf with `media.mode` `mode` (relay by default), media on
    /// 127.0.0.1 at `relayLow`…`relayLow + 19`, and `extraMedia` lines.
    func relayConf(mode: String = "relay", extraMedia: [String] = []) -> LegatoConf {
        var conf = conf()
        conf.mediaSection = ["  mode: \(mode)", "  address: 127.0.0.1"] + extraMedia
            + ["  port_min: \(relayLow)", "  port_max: \(relayLow + 19)"]
        return conf
    }

    /// A caller; role "uac2" is a second caller on its own ports.
    func uac(_ scenario: String, service: String = "1000", transport: SippOptions.Transport = .udp,
             role: String = "uac") -> SippOptions {
        .uac(scenario, ports, service: service, transport: transport, role: role)
    }

    func uas(_ scenario: String, transport: SippOptions.Transport = .udp) -> SippOptions {
        .uas(scenario, ports, transport: transport)
    }

    /// Starts `uas` (if any) and waits until it listens, runs `uac` to the
    /// end, then waits for the callee to finish (if the caller failed, only
    /// 10 s: the callee may be waiting for something that is not coming).
    func call(uac: SippOptions, uas: SippOptions?) async throws -> (uac: SippResult, uas: SippResult?) {
        var callee: SippProcess?
        if let uas { callee = try await SippProcess.start(uas, artifacts: artifacts) }
        let caller = try await SippProcess.run(uac, artifacts: artifacts)
        let calleeResult = try await callee?.finish(within: caller.exitCode == 0 ? nil : .seconds(10))
        return (caller, calleeResult)
    }

    /// A caller that must be refused with `code` (uac-expect-failure.xml).
    func refusedCaller(service: String, expecting code: Int, maxForwards: Int = 70,
                       transport: SippOptions.Transport = .udp, role: String = "uac") -> SippOptions {
        var options = SippOptions.uac("uac-expect-failure.xml", ports, service: service, transport: transport, role: role)
        options.keys = ["expected": "\(code)", "max_forwards": "\(maxForwards)"]
        return options
    }
}

/// Records an issue unless sipp exited 0, with the trace in the message.
func expectSuccess(_ result: SippResult?, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let result else {
        Issue.record("sipp did not run", sourceLocation: sourceLocation)
        return
    }
    #expect(result.exitCode == 0, "\(result)", sourceLocation: sourceLocation)
}
