internal import CSofiaShim

extension SIPMessage {
    /// Copies the message fields of a flattened nua event into Swift values.
    init?(event ev: legato_event) {
        guard ev.has_message != 0 else { return nil }
        func str(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
        func unquoted(_ s: String?) -> String? {
            guard var s, !s.isEmpty else { return nil }
            if s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") { s = String(s.dropFirst().dropLast()) }
            return s
        }

        var headers: [SIPHeader] = []
        if let ua = str(ev.user_agent) { headers.append(SIPHeader(name: "User-Agent", value: ua)) }
        if let subject = str(ev.subject) { headers.append(SIPHeader(name: "Subject", value: subject)) }
        if let value = str(ev.authorization) { headers.append(SIPHeader(name: "Authorization", value: value)) }
        if let value = str(ev.proxy_authorization) {
            headers.append(SIPHeader(name: "Proxy-Authorization", value: value))
        }
        if let block = str(ev.other_headers) {
            headers += SIPHeader.parseBlock(block)
        }

        var body: SIPBody?
        if let payload = ev.payload, ev.payload_len > 0 {
            let bytes = UnsafeRawBufferPointer(start: payload, count: ev.payload_len)
            body = SIPBody(contentType: str(ev.content_type) ?? "application/octet-stream", bytes: Array(bytes))
        }

        self.init(
            method: str(ev.method), requestURI: str(ev.request_uri), requestUser: str(ev.request_user),
            status: Int(ev.msg_status), reason: str(ev.msg_phrase),
            fromURI: str(ev.from_uri), fromUser: str(ev.from_user), fromDisplayName: unquoted(str(ev.from_display)),
            toURI: str(ev.to_uri), toUser: str(ev.to_user), toDisplayName: unquoted(str(ev.to_display)),
            callID: str(ev.call_id), maxForwards: ev.max_forwards >= 0 ? Int(ev.max_forwards) : nil,
            body: body, contactURI: str(ev.contact_uri), headers: headers)
        referTo = str(ev.refer_to)
        challengeRealm = str(ev.challenge_realm)
        referredBy = str(ev.referred_by)
        rseq = Int(ev.rseq)
        cseq = Int(ev.cseq)
        supports100rel = ev.supports_100rel != 0
        sessionExpires = ev.session_expires >= 0 ? Int(ev.session_expires) : nil
        sessionRefresher = str(ev.session_refresher)?.lowercased()
        minSE = ev.min_se >= 0 ? Int(ev.min_se) : nil
        supportsTimer = ev.supports_timer != 0
        allowsUpdate = ev.allows_update < 0 ? nil : ev.allows_update != 0
        if ev.source_port > 0 {
            let address = withUnsafeBytes(of: ev.source_address) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            source = SIPSource(address: address, port: Int(ev.source_port), transport: str(ev.source_transport) ?? "udp")
        }
    }
}
