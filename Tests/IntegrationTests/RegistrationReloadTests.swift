import Foundation
import Testing

extension Integration.OutboundDigest {
    /// Issue #10: registrations follow a live reload. Trunk `carrier`
    /// registers with a sipp registrar; a reload that removes the trunk sends
    /// REGISTER with Expires: 0 on the same registration (Call-ID) and logs
    /// `trunk.unregistered`; a reload that adds it back registers afresh; a
    /// reload that changes its password unregisters it, then registers anew.
    @Test("Registrations follow reload: a removed trunk unregisters (Expires: 0), an added one registers, a changed one re-registers")
    func registrationsFollowReload() async throws {
        let test = try TestContext()
        var conf = test.conf()
        conf.trunks.append(.init(name: "carrier", uri: "sip:127.0.0.1:\(test.ports.uas)"))
        conf.trunkExtra = ["carrier": ["    username: \(Self.username)", "    password: \"\(Self.password)\"",
                                       "    register: true", "    register_expires: 60"]]
        var registrar = test.uas("uas-registrar-reload.xml")
        registrar.calls = 3
        registrar.timeLimit = .seconds(40)
        let registrarProcess = try await SippProcess.start(registrar, artifacts: test.artifacts)
        let (result, log) = try await withLegato(conf, artifacts: test.artifacts) { legato in
            #expect(await legato.waitForLog("trunk.registered"), "\(legato.log.suffix(2000))")
            var removed = conf
            removed.trunks.removeAll { $0.name == "carrier" }
            removed.trunkExtra = [:]
            removed.controlSocket = legato.conf.controlSocket
            try removed.yaml.write(toFile: legato.configPath, atomically: true, encoding: .utf8)
            let reload = try await legato.ctl("reload")
            #expect(reload.status == 0, "\(reload.output)")
            #expect(await legato.waitForLog("trunk.unregistered"), "\(legato.log.suffix(2000))")
            var added = conf
            added.controlSocket = legato.conf.controlSocket
            try added.yaml.write(toFile: legato.configPath, atomically: true, encoding: .utf8)
            try await legato.signal(SIGHUP)
            let again = await waitUntil(timeout: .seconds(10)) {
                legato.log.components(separatedBy: "trunk.registered").count - 1 >= 2
            }
            #expect(again, "registered again after the reload that added the trunk back: \(legato.log.suffix(2000))")
            // Changed credentials: unregistered, then registered anew.
            var changed = conf
            changed.trunkExtra = ["carrier": ["    username: \(Self.username)", "    password: \"changed-pass\"",
                                              "    register: true", "    register_expires: 60"]]
            changed.controlSocket = legato.conf.controlSocket
            try changed.yaml.write(toFile: legato.configPath, atomically: true, encoding: .utf8)
            #expect(try await legato.ctl("reload").status == 0)
            let third = await waitUntil(timeout: .seconds(10)) {
                legato.log.components(separatedBy: "trunk.registered").count - 1 >= 3
            }
            #expect(third, "registered anew after the credentials changed: \(legato.log.suffix(2000))")
            let result = try await registrarProcess.finish(within: .seconds(2))
            return (result, legato.log)
        }
        let registers = result.trace.requests("REGISTER", .received)
        #expect(registers.count >= 3, "\(result.trace)")
        guard registers.count >= 2 else { return }
        let unregister = registers[1]
        #expect(unregister.callID == registers[0].callID, "the un-REGISTER is the registration's own")
        #expect(unregister.header("Expires") == "0" || (unregister.header("Contact") ?? "").contains("expires=0"),
                "Expires: 0 expected: \(unregister.raw)")
        if registers.count >= 3 {
            #expect(registers[2].callID != registers[0].callID, "registered afresh")
            #expect(registers[2].header("Expires") != "0")
        }
        #expect(registers.count == 5, "REGISTER, un-REGISTER, REGISTER, un-REGISTER, REGISTER: \(result.trace)")
        if registers.count >= 5 {
            // The changed registration: the old one removed first, then the new one (same Contact).
            #expect(registers[3].callID == registers[2].callID && registers[3].header("Expires") == "0")
            #expect(registers[4].callID != registers[2].callID && registers[4].header("Expires") == "60")
            #expect((registers[3].timestamp ?? 0) <= (registers[4].timestamp ?? 0))
        }
        #expect(log.contains("trunk.unregistered") && log.contains("trunk=carrier"))
    }
}
