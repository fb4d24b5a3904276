import LegatoMedia
import LegatoSDP
import LegatoSIP

/// DTMF on a call (VoxEngine's `handleTones` / `sendDigits` / ToneReceived).
///
/// On a relay leg Legato sees the RTP: RFC 4733 digits from the remote side
/// are reported and (while tones are handled) removed from the relayed
/// stream, and `sendDigits` generates RFC 4733 events into the stream sent to
/// the remote. Where no telephone-event was negotiated, or on a direct leg,
/// digits go out as SIP INFO `application/dtmf-relay`. INFO digits from the
/// remote side (`application/dtmf-relay`, `application/dtmf`) are reported and
/// answered 200 while tones are handled, and relayed like any INFO otherwise.
extension Call {
    /// Starts (or stops) reporting the remote side's digits as ToneReceived;
    /// handled RFC 4733 digits are removed from the relayed audio.
    public func handleTones(_ on: Bool, type: ToneDetection = .all) {
        toneHandling = on ? type : nil
        guard let (session, leg) = media else { return }
        let payloadType = on && type.includes(.rfc4733) ? telephoneEventPayloadType : nil
        // Without telephone-event, digits are listened for in the audio (spandsp dtmf_rx).
        let inBand = on && type.includes(.inBand) && telephoneEventPayloadType == nil ? receivedCodecs : nil
        Task {
            try? await session.setToneDetection(leg, payloadType: payloadType, consume: payloadType != nil)
            try? await session.setInBandToneDetection(leg, codecs: inBand)
        }
    }

    /// Sends `digits` (0-9 * # A-D, `p` = 500 ms pause) to the remote side:
    /// RFC 4733 events on a relay leg that negotiated telephone-event,
    /// otherwise one SIP INFO `application/dtmf-relay` per digit.
    public func sendDigits(_ digits: String) throws(CallError) {
        let parsed: DTMFDigits
        do {
            parsed = try DTMFDigits(digits)
        } catch {
            switch error {
            case .empty: throw .invalidDigits("no digits given")
            case .invalidCharacter(let c, let position): throw .invalidDigits("'\(c)' at position \(position + 1)")
            case .invalidPayloadType(let pt): throw .invalidDigits("payload type \(pt)")
            }
        }
        guard state == .connected else {
            throw .invalidState(method: "sendDigits", state: state, incoming: incoming)
        }
        if let (session, leg) = media, let payloadType = telephoneEventPayloadType {
            logger.info("call.send-digits", metadata: ["dtmf.method": "rfc4733", "dtmf.count": "\(parsed.elements.count)"])
            Task { try? await session.sendDigits(leg, parsed, payloadType: payloadType) }
            return
        }
        logger.info("call.send-digits", metadata: ["dtmf.method": "info", "dtmf.count": "\(parsed.elements.count)"])
        sendDigitsByInfo(parsed)
    }

    /// One INFO per digit, 150 ms apart (100 ms digit + 50 ms gap), 500 ms per pause.
    private func sendDigitsByInfo(_ digits: DTMFDigits) {
        Task { @SIPActor [weak self] in
            for element in digits.elements {
                guard let self, self.state == .connected else { return }
                switch element {
                case .pause:
                    try? await Task.sleep(for: .milliseconds(500))
                case .digit(let digit):
                    let body = "Signal=\(digit.character)\r\nDuration=100\r\n"
                    self.sendInternalInfo(SIPBody(contentType: "application/dtmf-relay", text: body))
                    try? await Task.sleep(for: .milliseconds(150))
                }
            }
        }
    }

    /// A digit detected in this call's media.
    func toneDetected(_ tone: String, type: ToneType) {
        guard let handling = toneHandling, handling.includes(type) else { return }
        logger.info("call.tone", metadata: ["dtmf.tone": "\(tone)", "dtmf.type": "\(type.rawValue)"])
        fireMediaEvent(.toneReceived(tone: tone, type: type))
    }

    /// True when `request` is a DTMF INFO this call consumes: fires
    /// ToneReceived and answers 200 (while tones are handled).
    func consumeDTMFInfo(_ request: SIPServerRequest) -> Bool {
        guard let handling = toneHandling, handling.includes(.sipInfo),
              let body = request.message.body else { return false }
        let type = body.contentType.lowercased()
        let tone: String?
        if type.hasPrefix("application/dtmf-relay") {
            tone = Self.dtmfRelaySignal(body.text)
        } else if type.hasPrefix("application/dtmf") {
            tone = body.text.trimmingWhitespace.isEmpty ? nil : body.text.trimmingWhitespace
        } else {
            return false
        }
        guard let tone, tone.count == 1, (try? DTMFDigits(tone)) != nil else {
            request.respond(400, reason: "Bad DTMF Body")
            return true
        }
        request.respond(200)
        logger.info("call.tone", metadata: ["dtmf.tone": "\(tone.uppercased())", "dtmf.type": "SIP INFO"])
        fireMediaEvent(.toneReceived(tone: tone.uppercased(), type: .sipInfo))
        return true
    }

    /// The `Signal=` value of an `application/dtmf-relay` body.
    nonisolated static func dtmfRelaySignal(_ body: String) -> String? {
        for line in body.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingWhitespace.lowercased() == "signal" {
                return parts[1].trimmingWhitespace
            }
        }
        return nil
    }

    /// The telephone-event payload type the remote side's SDP names (first media section).
    var telephoneEventPayloadType: Int? {
        guard let body = remoteSession, let sdp = try? SDPParser.parse(body.text), let first = sdp.media.first else {
            return nil
        }
        for value in first.attributes("rtpmap") {
            let fields = value.split(separator: " ", maxSplits: 1)
            if fields.count == 2, fields[1].lowercased().hasPrefix("telephone-event/8000"), let pt = Int(fields[0]) {
                return pt
            }
        }
        return nil
    }
}
