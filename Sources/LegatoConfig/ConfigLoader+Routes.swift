extension ConfigLoader {
    /// The route actions, as written in `action:`.
    private enum ActionKind: String, CaseIterable {
        case bridge, reject, echo, play, say

        /// Keys only this action takes.
        var keys: [String] {
            switch self {
            case .bridge: ["trunk", "mode", "user", "headers", "no_answer_timeout", "blind_transfer", "transfer_targets", "deny",
                          "handle_tones", "digits_after_answer", "direct_after_answer", "record", "ringback", "fallback"]
            case .reject: ["code", "reason"]
            case .echo: []
            case .play: ["file", "then", "trunk", "user", "mode"]
            case .say: ["text", "voice", "then", "trunk", "user", "mode"]
            }
        }
    }

    /// `routes:` — a non-empty sequence of routes with distinct names.
    static func readRoutes(_ document: MappingReader, media: MediaConfig, trunks: TrunkTable) -> [RouteConfig] {
        let diagnostics = document.diagnostics
        guard let node = document.value("routes") else {
            document.reportMissing("routes", "at least one route")
            return []
        }
        guard let items = node.isNull ? [] : diagnostics.sequence(node, key: "routes") else { return [] }
        if items.isEmpty {
            diagnostics.report("must list at least one route", key: "routes", at: node)
        }
        var routes: [RouteConfig] = []
        var names: [String: String] = [:]
        for (index, item) in items.enumerated() {
            guard let reader = MappingReader(item, path: "routes".appendingIndex(index), diagnostics: diagnostics),
                  let route = readRoute(reader, number: index + 1, media: media, trunks: trunks) else { continue }
            if let other = names[route.name] {
                reader.report("route name '\(route.name)' is already used by \(other)", key: "name")
            }
            names[route.name] = reader.path
            routes.append(route)
        }
        return routes
    }

    /// One route: `name`, `match`, `action`, and the keys of that action.
    /// `number` is the 1-based position, used for the default name `route-N`.
    private static func readRoute(_ route: MappingReader, number: Int, media: MediaConfig,
                                  trunks: TrunkTable) -> RouteConfig? {
        let common = ["name", "match", "action"]
        var kind: ActionKind?
        if route.value("action") == nil {
            route.reportMissing("action", "bridge, reject, echo, play or say")
        } else {
            kind = route.choice("action", of: ActionKind.allCases)
        }
        if let kind {
            var misplaced: [String: String] = [:]
            for other in ActionKind.allCases where other != kind {
                for key in other.keys where !kind.keys.contains(key) && misplaced[key] == nil {
                    misplaced[key] = "'\(key)' only applies to action: \(other.rawValue) (this route's action is \(kind.rawValue))"
                }
            }
            route.checkKeys(common + kind.keys, misplaced: misplaced)
        } else {
            route.checkKeys(common + ActionKind.bridge.keys + ActionKind.reject.keys)
        }

        let name = route.string("name") ?? "route-\(number)"
        let match = route.mapping("match").map(readMatch) ?? RouteMatch()
        let action: RouteAction? = switch kind {
        case .bridge: readBridge(route, match: match, media: media, trunks: trunks).map(RouteAction.bridge)
        case .reject: readReject(route)
        case .echo: .echo
        case .play, .say: readAnnouncement(route, kind: kind!, match: match, media: media, trunks: trunks)
        case nil: nil
        }
        guard let action else { return nil }
        return RouteConfig(name: name, match: match, action: action)
    }

    /// `match:` — `ruri_user`, `from_user` and `headers` (header name → regex).
    private static func readMatch(_ match: MappingReader) -> RouteMatch {
        match.checkKeys(["ruri_user", "from_user", "headers"])
        var result = RouteMatch(requestUser: match.regex("ruri_user"), fromUser: match.regex("from_user"))
        guard let headers = match.mapping("headers") else { return result }
        var seen: [String: String] = [:]
        for (name, key, value) in headers.pairs {
            let path = headers.keyPath(name)
            guard SIPSyntax.isToken(name) else {
                headers.diagnostics.report("'\(name)' is not a valid header name", key: path, at: key)
                continue
            }
            if let other = seen[name.lowercased()] {
                headers.diagnostics.report("header '\(name)' is already matched as '\(other)' (header names ignore case)",
                                           key: path, at: key)
            }
            seen[name.lowercased()] = name
            if let pattern = headers.diagnostics.regex(value, key: path) {
                result.headers[name] = pattern
            }
        }
        return result
    }

    /// `action: bridge` — `trunk` (required, must exist), `mode`, `user`, `headers`, `no_answer_timeout`,
    /// `blind_transfer`, `handle_tones`, `digits_after_answer`, `direct_after_answer` (relay mode only).
    private static func readBridge(_ route: MappingReader, match: RouteMatch, media: MediaConfig,
                                   trunks: TrunkTable) -> RouteAction.Bridge? {
        var trunk = route.requiredString("trunk", "the name of a trunk")
        if let name = trunk, !trunks.names.contains(name) {
            route.report("unknown trunk '\(name)'" + trunkHint(name, trunks), key: "trunk")
            trunk = nil
        }
        let mode = route.choice("mode", of: MediaMode.allModes) ?? media.mode
        var user = "${user}"
        if let template = route.string("user") {
            switch SIPSyntax.userTemplate(template) {
            case .failure(let problem):
                route.report(problem.message, key: "user")
            case .success(let group) where group > 0 && match.requestUser == nil:
                route.report("'\(template)' uses $\(group), but the route has no match.ruri_user to capture from",
                             key: "user")
            case .success:
                user = template
            }
        }
        let headers = route.mapping("headers").flatMap(readHeaderPolicy)
        let timeout = route.number("no_answer_timeout", minimum: 0, inclusive: false)
        let blindTransfer = route.bool("blind_transfer") ?? false
        var deny: [String] = []
        if let node = route.value("deny"), !node.isNull {
            deny = route.diagnostics.regexList(node, key: route.keyPath("deny")) ?? []
        }
        var transferTargets: [String]?
        if let node = route.value("transfer_targets") {
            transferTargets = node.isNull ? [] : route.diagnostics.regexList(node, key: route.keyPath("transfer_targets"))
        } else if blindTransfer, let node = route.value("blind_transfer") {
            route.diagnostics.warn("blind_transfer without transfer_targets allows no transfer target (every REFER gets 403); "
                                   + "list the Refer-To URIs allowed, e.g. transfer_targets: [\"^sip:[0-9]+@pbx\\\\.example\\\\.net$\"]",
                                   key: route.keyPath("blind_transfer"), at: node)
        }
        let handleTones = route.bool("handle_tones") ?? false
        var digits = route.string("digits_after_answer")
        if let text = digits, let bad = text.firstIndex(where: { !"0123456789*#ABCDabcdpP".contains($0) }) {
            route.report("'\(text[bad])' at position \(text.distance(from: text.startIndex, to: bad) + 1) is not a DTMF digit "
                         + "(0-9 * # A-D, p = pause)", key: "digits_after_answer")
            digits = nil
        }
        var directAfterAnswer = route.bool("direct_after_answer") ?? false
        if directAfterAnswer, mode != .relay {
            route.report("direct_after_answer needs mode: relay (a direct-mode bridge is direct from the start)",
                         key: "direct_after_answer")
            directAfterAnswer = false
        }
        let record = route.bool("record") ?? false
        if record, mode != .relay {
            route.report("record needs mode: relay (Legato records the media it relays)", key: "record")
        }
        var ringback = route.string("ringback")
        if let country = ringback {
            if mode != .relay {
                route.report("ringback needs mode: relay (Legato plays it into the media it relays)", key: "ringback")
                ringback = nil
            } else if !["US", "RU", "GB", "DE", "FR"].contains(country.uppercased()) {
                route.report("no tone plan for '\(country)' (US, RU, GB, DE, FR)", key: "ringback")
                ringback = nil
            }
        }
        var fallbackNext = false
        if let fallback = route.string("fallback") {
            if fallback == "next" {
                fallbackNext = true
            } else if fallback != "none" {
                route.report("expected next or none, found '\(fallback)'", key: "fallback")
            }
        }
        guard let trunk else { return nil }
        var bridge = RouteAction.Bridge(trunk: trunk, mode: mode, user: user, headers: headers, noAnswerTimeout: timeout,
                                        blindTransfer: blindTransfer, handleTones: handleTones, digitsAfterAnswer: digits,
                                        directAfterAnswer: directAfterAnswer, transferTargets: transferTargets ?? [],
                                        deny: deny)
        bridge.record = record && mode == .relay
        bridge.ringback = ringback?.uppercased()
        bridge.fallbackNext = fallbackNext
        return bridge
    }

    /// `action: play` (`file`) / `action: say` (`text`, `voice`), then `then: hangup | bridge`
    /// (bridge: `trunk`, `user`, `mode` as for `action: bridge`; relay mode).
    private static func readAnnouncement(_ route: MappingReader, kind: ActionKind, match: RouteMatch, media: MediaConfig,
                                         trunks: TrunkTable) -> RouteAction? {
        var content: RouteAction.Announcement.Content?
        if kind == .play {
            if let file = route.requiredString("file", "a sound file path or file:// URL") {
                if file.hasPrefix("/") || file.hasPrefix("file:///") {
                    content = .file(file)
                } else {
                    route.report("'\(file)' is not an absolute path or file:// URL", key: "file")
                }
            }
        } else if let text = route.requiredString("text", "the text to speak") {
            if text.count > 1500 {
                route.report("text of \(text.count) characters is over the 1500-character limit", key: "text")
            } else {
                content = .speech(text: text, voice: route.string("voice") ?? "en")
            }
        }
        enum ThenKind: String, CaseIterable { case hangup, bridge }
        let then = route.choice("then", of: ThenKind.allCases) ?? .hangup
        var after: RouteAction.Announcement.Then = .hangup
        if then == .bridge {
            guard let bridge = readBridge(route, match: match, media: media, trunks: trunks) else { return nil }
            var relayed = bridge
            relayed.mode = .relay
            after = .bridge(relayed)
        } else {
            for key in ["trunk", "user", "mode"] where route.value(key) != nil {
                route.report("'\(key)' only applies with then: bridge", key: key)
            }
        }
        guard let content else { return nil }
        return .announce(RouteAction.Announcement(content: content, then: after))
    }

    /// `action: reject` — `code` (required, 300–699) and `reason`.
    private static func readReject(_ route: MappingReader) -> RouteAction? {
        guard route.value("code") != nil else {
            route.reportMissing("code", "a final status from 300 to 699")
            return nil
        }
        var reason = route.string("reason")
        if let text = reason, let problem = SIPSyntax.headerValueProblem(text) {
            route.report(problem, key: "reason")
            reason = nil
        }
        guard let code = route.integer("code", in: 300...699) else { return nil }
        return .reject(code: code, reason: reason)
    }

    /// " (did you mean 'x'?)", " (defined: a, b)" or " (no trunks are defined)".
    private static func trunkHint(_ name: String, _ trunks: TrunkTable) -> String {
        if trunks.names.isEmpty { return " (no trunks are defined)" }
        if let close = KeySuggestion.closest(to: name, among: trunks.names) { return " (did you mean '\(close)'?)" }
        return " (defined: \(trunks.names.joined(separator: ", ")))"
    }
}
