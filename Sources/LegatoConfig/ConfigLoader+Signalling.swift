extension ConfigLoader {
    /// `signalling:` — timers and the User-Agent / Server header value.
    static func readSignalling(_ section: MappingReader) -> SignallingConfig {
        section.checkKeys(["no_answer_timeout", "shutdown_grace", "user_agent", "max_calls", "overload_lag_ms",
                           "early_media_timeout", "session_timer", "session_min_se", "udp_buffer",
                           "overload_queue_bytes", "shards"])
        var signalling = SignallingConfig()
        if let timeout = section.number("no_answer_timeout", minimum: 0, inclusive: false) {
            signalling.noAnswerTimeout = timeout
        }
        if let grace = section.number("shutdown_grace", minimum: 0, inclusive: true) {
            signalling.shutdownGrace = grace
        }
        if let early = section.number("early_media_timeout", minimum: 0, inclusive: false) {
            signalling.earlyMediaTimeout = early
        }
        if let timer = section.integer("session_timer", in: 0...86_400) {
            if timer != 0 && timer < 90 {
                section.report("must be 0 (off) or at least 90 seconds (RFC 4028 Min-SE), found \(timer)",
                               key: "session_timer")
            } else {
                signalling.sessionTimer = timer
            }
        }
        if let minSE = section.integer("session_min_se", in: 90...86_400) {
            signalling.sessionMinSE = minSE
        }
        if let maxCalls = section.integer("max_calls", in: 0...10_000_000) {
            signalling.maxCalls = maxCalls
        }
        if let lag = section.integer("overload_lag_ms", in: 0...60_000) {
            signalling.overloadLagMilliseconds = lag
        }
        if let buffer = section.integer("udp_buffer", in: 0...1_073_741_824) {
            signalling.udpBuffer = buffer
        }
        if let queue = section.integer("overload_queue_bytes", in: 0...1_073_741_824) {
            signalling.overloadQueueBytes = queue
            // The kernel grants twice the buffer asked for; half of that is the cap.
            if queue > signalling.udpBuffer, signalling.udpBuffer > 0, let node = section.value("overload_queue_bytes") {
                section.diagnostics.warn("overload_queue_bytes is capped at half the granted receive buffer "
                                         + "(udp_buffer \(signalling.udpBuffer) → at most \(signalling.udpBuffer) bytes)",
                                         key: section.keyPath("overload_queue_bytes"), at: node)
            }
        }
        if let shards = section.integer("shards", in: 1...SignallingConfig.maxShards) {
            signalling.shards = shards
        }
        if let userAgent = section.string("user_agent") {
            if let problem = SIPSyntax.headerValueProblem(userAgent) {
                section.report(problem, key: "user_agent")
            } else {
                signalling.userAgent = userAgent
            }
        }
        return signalling
    }

    /// `media:` — the default media mode and the relay's address, ports and workers.
    static func readMedia(_ section: MappingReader) -> MediaConfig {
        section.checkKeys(["mode", "address", "port_min", "port_max", "workers", "rtp_timeout", "rtp_hangup_timeout",
                           "allow_relatch", "ice", "recordings", "record_format"])
        var media = MediaConfig(mode: section.choice("mode", of: MediaMode.allModes) ?? .direct)
        if let address = section.string("address") {
            if IPAddressLiteral.isIPv4(address) || IPAddressLiteral.isIPv6(address) {
                media.address = address
            } else {
                section.report("'\(address)' is not an IPv4 or IPv6 address", key: "address")
            }
        }
        let low = section.integer("port_min", in: 1024...65534) ?? media.portRange.lowerBound
        let high = section.integer("port_max", in: 1025...65535) ?? media.portRange.upperBound
        if high - low >= 3 {
            media.portRange = low...high
        } else {
            section.report("port_max must be at least port_min + 3 (two RTP/RTCP pairs)", key: "port_max")
        }
        if let workers = section.integer("workers", in: 0...256) { media.workers = workers }
        if let timeout = section.number("rtp_timeout", minimum: 0, inclusive: false) { media.rtpTimeout = timeout }
        if let relatch = section.bool("allow_relatch") { media.allowRelatch = relatch }
        if let ice = section.choice("ice", of: ICEMode.allModes) { media.ice = ice }
        if let timeout = section.number("rtp_hangup_timeout", minimum: 0, inclusive: true) {
            media.rtpHangupTimeout = timeout
        }
        if let folder = section.string("recordings") {
            if folder.hasPrefix("/") {
                media.recordings = folder
            } else {
                section.report("'\(folder)' is not an absolute path", key: "recordings")
            }
        }
        if let format = section.choice("record_format", of: RecordFileFormat.allCases) { media.recordFormat = format }
        return media
    }
}

extension MediaMode {
    /// Every mode, in the order error messages list them.
    static let allModes: [MediaMode] = [.direct, .relay]
}
