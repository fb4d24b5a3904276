import LegatoCall
import LegatoSIP

/// `legato ctl`'s commands, answered on the signalling thread: one line in
/// (`status`, `calls`, `hangup ID`, `reload`, `drain`, `media ID|all
/// direct|relay`, each with an optional `--json`), text out. The first line
/// of a text answer is `ok` or starts with `error:`.
extension Daemon {
    func control(_ line: String) async -> String {
        var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
        let json = words.contains("--json")
        words.removeAll { $0 == "--json" }
        guard let command = words.first, let engine else { return "error: no command\n" }
        switch command {
        case "status":
            return status(engine, json: json)
        case "calls":
            return calls(engine, json: json)
        case "hangup":
            guard words.count == 2 else { return "error: usage: hangup ID\n" }
            let found = engine.hangup(id: words[1])
            if json { return "{\"hangup\":\(ControlJSON.quote(words[1])),\"found\":\(found)}\n" }
            return found ? "ok: hung up \(words[1])\n" : "error: no call \(words[1])\n"
        case "reload":
            let (ok, text) = reload()
            let others = await relayToShards(line)
            if json {
                return "{\"reloaded\":\(ok),\"message\":\(ControlJSON.quote(text))\(Self.shardsJSON(others))}\n"
            }
            return (ok ? "ok: " : "error: ") + text + Self.shardsText(others)
        case "drain":
            drain()
            let count = engine.activeInboundCount
            let others = await relayToShards(line)
            if json { return "{\"draining\":true,\"calls\":\(count)\(Self.shardsJSON(others))}\n" }
            return "ok: draining, \(count) calls in progress\n" + Self.shardsText(others)
        case "media":
            guard words.count == 3, ["direct", "relay"].contains(words[2]) else {
                return "error: usage: media ID|all direct|relay\n"
            }
            return await switchMedia(engine, id: words[1], toDirect: words[2] == "direct")
        default:
            return "error: unknown command '\(command)' (status, calls, hangup ID, reload, drain, media ID direct|relay)\n"
        }
    }

    private func status(_ engine: CallEngine, json: Bool) -> String {
        let uptime = LegatoMetrics.seconds(ContinuousClock.now - startedAt)
        let cps = uptime > 0 ? Double(engine.inboundTotal) / uptime : 0
        let lag = heartbeat?.lastLag ?? 0
        let lags = heartbeat?.lags ?? LagHistogram()
        let state = engine.isDraining ? "draining" : "running"
        // Objects alive now (zero when idle, unless something leaks) and sofia dialogs.
        let live = LiveObjects.snapshot
        let dialogs = endpoints.reduce(0) { $0 + $1.activeLegCount }
        let p99 = Self.fixed(lags.quantile(0.99) * 1000), maxLag = Self.fixed(lags.maximum * 1000)
        let heap = HeapFigures.now()
        if json {
            let lagFields: String = "\"lag_p99_ms\":\(p99),\"lag_max_ms\":\(maxLag),\"lag_beats\":\(lags.count)"
            return "{\"state\":\"\(state)\",\"version\":\"\(Self.version)\",\"uptime_s\":\(Self.fixed(uptime)),"
                + "\"calls\":\(engine.activeInboundCount),\"calls_total\":\(engine.inboundTotal),"
                + "\"cps\":\(Self.fixed(cps)),\"lag_ms\":\(Self.fixed(lag * 1000)),\(lagFields),"
                + "\"live\":{\"calls\":\(live.calls),\"bridges\":\(live.bridges),\"relays\":\(live.relays),"
                + "\"dialogs\":\(dialogs)},\"heap\":{\"in_use_kb\":\(heap.inUse >> 10),\"free_kb\":\(heap.free >> 10)}}\n"
        }
        return "ok\nstate: \(state)\nversion: \(Self.version)\nuptime: \(Self.fixed(uptime)) s\n"
            + "calls: \(engine.activeInboundCount)\ncalls total: \(engine.inboundTotal)\n"
            + "cps: \(Self.fixed(cps))\nlag: \(Self.fixed(lag * 1000)) ms\n"
            + "lag p99: \(p99) ms, max: \(maxLag) ms\n"
            + "live: \(live.calls) calls, \(live.bridges) bridges, \(live.relays) relays, \(dialogs) dialogs\n"
            + "heap: \(heap.inUse >> 10) kB in use, \(heap.free >> 10) kB free\n"
    }

    private func calls(_ engine: CallEngine, json: Bool) -> String {
        let calls = engine.inboundCallSummaries()
        if json {
            let items = calls.map { call in
                "{\"id\":\(ControlJSON.quote(call.id)),\"from\":\(ControlJSON.quote(call.from)),"
                    + "\"to\":\(ControlJSON.quote(call.to)),\"route\":\(call.route.map(ControlJSON.quote) ?? "null"),"
                    + "\"state\":\"\(call.state)\",\"age_s\":\(Self.fixed(call.ageSeconds)),\"media\":\"\(call.mediaMode)\"}"
            }
            return "[" + items.joined(separator: ",") + "]\n"
        }
        return "ok\n" + calls.map { call in
            "\(call.id) \(call.from) \(call.to) \(call.route ?? "-") \(call.state) \(Self.fixed(call.ageSeconds))s \(call.mediaMode)"
        }.map { $0 + "\n" }.joined()
    }

    private func switchMedia(_ engine: CallEngine, id: String, toDirect: Bool) async -> String {
        let bridges = CallBridge.live.filter { id == "all" || $0.a.id == id || $0.b.id == id }
        guard !bridges.isEmpty else { return "error: no bridged call \(id)\n" }
        var failures: [String] = []
        for bridge in bridges {
            do {
                if toDirect { try await bridge.switchToDirect() } else { try await bridge.switchToRelay() }
            } catch {
                failures.append("\(bridge.a.id): \(error)")
            }
        }
        logger.info("legato.media-switch", metadata: ["media.to": "\(toDirect ? "direct" : "relay")",
                                                     "bridges": "\(bridges.count)", "failed": "\(failures.count)"])
        return failures.isEmpty ? "ok: \(bridges.count) switched\n" : "error: " + failures.joined(separator: "; ") + "\n"
    }

    /// On shard 0 of several (`signalling.shards`): the same command sent to
    /// every other shard's control socket (`admin.control` + `.N`), so that
    /// `drain` and `reload` act on the whole daemon. Their answers by shard;
    /// empty anywhere else.
    func relayToShards(_ line: String) async -> [(shard: Int, answer: String)] {
        guard let shard, shard.index == 0, shard.count > 1, let base = configuration.admin.control else { return [] }
        var answers: [(shard: Int, answer: String)] = []
        for index in 1..<shard.count {
            let path = "\(base).\(index)"
            // Blocking socket I/O: off the signalling thread.
            let answer = await Task.detached {
                do {
                    return try ControlClient.send(line, to: path, timeoutSeconds: 5)
                } catch {
                    return "error: shard \(index) (\(path)): \(error)\n"
                }
            }.value
            answers.append((index, answer))
        }
        return answers
    }

    /// The other shards' answers as text: one `shard N: …` line each (their first line).
    static func shardsText(_ answers: [(shard: Int, answer: String)]) -> String {
        answers.map { "shard \($0.shard): \($0.answer.split(separator: "\n").first ?? "")\n" }.joined()
    }

    /// The other shards' answers as a JSON member (`,"shards":[…]`, each their own JSON answer); empty without shards.
    static func shardsJSON(_ answers: [(shard: Int, answer: String)]) -> String {
        guard !answers.isEmpty else { return "" }
        let items = answers.map { answer -> String in
            let body = answer.answer.trimmingWhitespace
            let value = body.hasPrefix("{") ? body : ControlJSON.quote(body)
            return "{\"shard\":\(answer.shard),\"answer\":\(value)}"
        }
        return ",\"shards\":[" + items.joined(separator: ",") + "]"
    }

    static func fixed(_ value: Double) -> String {
        let scaled = (value * 1000).rounded() / 1000
        return "\(scaled)"
    }
}

/// JSON string quoting for ctl answers.
enum ControlJSON {
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
