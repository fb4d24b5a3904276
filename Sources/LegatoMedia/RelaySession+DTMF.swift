/// RFC 4733 DTMF on a relay session: detection on a leg's input, generation
/// into a leg's output. See `DTMFDetector` and `DTMFSender`.
extension RelaySession {
    /// Detects RFC 4733 digits received from `leg`'s remote with
    /// `payloadType` (from the leg's `a=rtpmap:<pt> telephone-event/8000`),
    /// reporting each as `MediaEvent.tone` once. With `consume`, the event
    /// packets are dropped instead of relayed to the other leg. `nil` turns
    /// detection off. Detection sees packets even while the other leg has no
    /// remote yet.
    public func setToneDetection(_ leg: RelayLeg, payloadType: Int?, consume: Bool) async throws {
        let pt = try payloadType.map { pt throws(DTMFError) in try Self.validPayloadType(pt) }
        let id = self.id
        try await worker.perform { loop in
            let session = try loop.session(id)
            let core = session.leg(leg)
            if let pt {
                if let detector = core.toneDetector {
                    detector.payloadType = pt
                    detector.consume = consume
                } else {
                    let detector = DTMFDetector(session: id, leg: leg, payloadType: pt, consume: consume, events: loop.events)
                    core.toneDetector = detector
                    core.input.attach(detector)
                }
            } else if let detector = core.toneDetector {
                core.input.detach(detector)
                core.toneDetector = nil
            }
        }
    }

    /// Sends `digits` as RFC 4733 events with `payloadType` to `leg`'s remote
    /// (the telephone-event payload type that remote negotiated), continuing
    /// the RTP stream relayed to it. Returns once queued; digits sent while
    /// others are still playing follow them. Timing: see `DTMFTiming` (100 ms
    /// digits, 50 ms gaps, 500 ms per `p`, a packet every 20 ms).
    public func sendDigits(_ leg: RelayLeg, _ digits: DTMFDigits, payloadType: Int) async throws {
        try await sendDigits(leg, digits, payloadType: payloadType, timing: DTMFTiming())
    }

    /// `sendDigits` with explicit timing (taken when the leg's sender is created, i.e. by the first call on the leg).
    func sendDigits(_ leg: RelayLeg, _ digits: DTMFDigits, payloadType: Int, timing: DTMFTiming) async throws {
        let pt = try Self.validPayloadType(payloadType)
        let id = self.id
        try await worker.perform { loop in
            let core = try loop.session(id).leg(leg)
            let sender: DTMFSender
            if let existing = core.dtmfSender {
                sender = existing
            } else {
                sender = try DTMFSender(leg: core, base: loop.base, timing: timing)
                core.dtmfSender = sender
                core.output.attach(sender)
            }
            sender.send(digits, payloadType: pt)
        }
    }

    private static func validPayloadType(_ pt: Int) throws(DTMFError) -> UInt8 {
        guard (0...127).contains(pt) else { throw .invalidPayloadType(pt) }
        return UInt8(pt)
    }
}
