/// RFC 4733 DTMF detection on a leg's input: reports each digit once, as a
/// `MediaEvent.tone`, and with `consume` drops the telephone-event packets so
/// they are not relayed. Runs on the worker thread; allocates nothing.
///
/// An event is identified by its SSRC, RTP timestamp and event code. The
/// digit is reported on the first packet of a new event, whatever it is (a
/// start packet with the marker, an update, or one of the end packets when
/// everything before was lost); repeated start/update packets and the usual
/// three end packets of the same event report nothing more. A packet of an
/// older event (timestamp up to 10 s behind, reordered or late) is ignored.
final class DTMFDetector: MediaProcessor {
    /// Telephone-event payload type (from `a=rtpmap:<pt> telephone-event/8000`).
    var payloadType: UInt8
    /// Drop the event packets (true) or relay them unchanged (false).
    var consume: Bool

    private let session: MediaSessionID
    private let leg: RelayLeg
    private let events: @Sendable (MediaEvent) -> Void

    private var hasLast = false
    private var lastSSRC: UInt32 = 0
    private var lastTimestamp: UInt32 = 0
    private var lastEvent: UInt8 = 0

    /// How far back (RTP units at 8 kHz) a timestamp counts as a late packet
    /// of an old event rather than a new event.
    private static let lateWindow: Int32 = 10 * 8000

    init(session: MediaSessionID, leg: RelayLeg, payloadType: UInt8, consume: Bool,
         events: @escaping @Sendable (MediaEvent) -> Void) {
        self.session = session
        self.leg = leg
        self.payloadType = payloadType
        self.consume = consume
        self.events = events
    }

    func process(_ packet: inout MediaPacket) -> MediaVerdict {
        guard packet.stream == .rtp else { return .forward }
        let p = UnsafeRawBufferPointer(packet.bytes)
        guard RTPHeader.isRTP(p), RTPHeader.payloadType(p) == payloadType else { return .forward }
        guard let range = RTPHeader.payloadRange(p),
              let event = TelephoneEvent.parse(UnsafeRawBufferPointer(rebasing: p[range])) else {
            return consume ? .drop : .forward
        }
        observe(ssrc: RTPHeader.ssrc(p), timestamp: RTPHeader.timestamp(p), event: event.event)
        return consume ? .drop : .forward
    }

    /// Reports the digit if this is a new event.
    @inline(__always)
    private func observe(ssrc: UInt32, timestamp: UInt32, event: UInt8) {
        if hasLast && ssrc == lastSSRC {
            let delta = Int32(bitPattern: timestamp &- lastTimestamp)
            if delta == 0 && event == lastEvent { return }       // same event
            if delta < 0 && delta > -Self.lateWindow { return }  // late packet of an older event
        }
        hasLast = true
        lastSSRC = ssrc
        lastTimestamp = timestamp
        lastEvent = event
        if let digit = DTMFDigit(eventCode: Int(event)) {
            events(.tone(session: session, leg: leg, digit: digit))
        }
    }
}
