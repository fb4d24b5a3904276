internal import CLibevent
import Glibc
import Synchronization

/// RFC 4733 DTMF generation into a leg's outgoing RTP stream, paced by a
/// one-shot libevent timer on the session's worker (re-armed for each next
/// packet against an absolute schedule, so callback latency does not add up).
///
/// Each digit continues the stream last sent to the leg (`RTPSendPosition`):
/// same SSRC, next sequence number, timestamp advanced with the wall clock
/// (8 kHz); with nothing sent yet, a random SSRC, sequence and timestamp.
/// All packets of a digit share its timestamp. While a digit's packets are
/// being sent, relayed RTP to the leg is muted; afterwards relayed packets of
/// that SSRC get their sequence numbers shifted to follow the generated ones,
/// so the remote sees one stream without gaps or duplicates. That is why the
/// sender is also a processor on the leg's output unit (attached for the
/// session's life once digits were sent).
///
/// Generated packets are SRTP-protected when the leg is secure. Lives on, and
/// only runs on, the worker thread; `close()` (from the session's close)
/// frees the timer.
final class DTMFSender: MediaProcessor {
    /// Live timers (tests check that closing sessions frees them).
    static let openTimers = WorkerTimer.Count()

    let timing: DTMFTiming
    private unowned(unsafe) let leg: RelayLegCore
    private var timer: WorkerTimer?
    /// Room for a 16-byte event packet plus an SRTP trailer.
    private let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 16)

    private struct Step {
        let element: DTMFDigits.Element
        let payloadType: UInt8
    }

    // The schedule.
    private var steps: [Step] = []
    private var next = 0
    /// When the current step started (the schedule's clock).
    private var stepStart = ContinuousClock.now
    /// Packets of the current digit sent so far.
    private var sent = 0

    // The current event.
    private var ssrc: UInt32 = 0
    private var sequence: UInt16 = 0
    private var timestamp: UInt32 = 0

    // Relayed packets to the leg.
    private var muting = false
    private var rewriting = false
    private var resync = false
    private var offset: UInt16 = 0

    init(leg: RelayLegCore, base: OpaquePointer, timing: DTMFTiming = DTMFTiming()) throws(MediaError) {
        self.leg = leg
        self.timing = timing
        do {
            timer = try WorkerTimer(base: base, count: Self.openTimers) { [unowned(unsafe) self] in self.tick() }
        } catch {
            packet.deallocate()
            throw error
        }
    }

    deinit {
        close()
        packet.deallocate()
    }

    /// Frees the timer; the sender sends nothing afterwards. Idempotent.
    func close() {
        guard let timer else { return }
        timer.cancel()
        self.timer = nil
        steps.removeAll()
        next = 0
        muting = false
    }

    /// True while digits are queued or being sent.
    var isSending: Bool { next < steps.count }

    /// Queues `digits` after anything still being sent.
    func send(_ digits: DTMFDigits, payloadType: UInt8) {
        guard timer != nil else { return }
        let idle = !isSending
        let warmUp = leg.startTrackingSentRTP()
        if idle {
            steps.removeAll(keepingCapacity: true)
            next = 0
            sent = 0
            stepStart = .now + warmUp
        }
        for element in digits.elements { steps.append(Step(element: element, payloadType: payloadType)) }
        if idle { tick() }
    }

    // MARK: Relayed packets (output processor)

    func process(_ packet: inout MediaPacket) -> MediaVerdict {
        guard packet.stream == .rtp else { return .forward }
        if muting { return .drop }
        guard rewriting else { return .forward }
        let p = packet.bytes
        guard RTPHeader.isRTP(UnsafeRawBufferPointer(p)), RTPHeader.ssrc(UnsafeRawBufferPointer(p)) == ssrc else { return .forward }
        let original = RTPHeader.sequence(UnsafeRawBufferPointer(p))
        if resync {
            offset = sequence &- original
            resync = false
        }
        if offset != 0 { RTPHeader.setSequence(p, original &+ offset) }
        return .forward
    }

    // MARK: Schedule

    /// Timer callback (and first step): does whatever is due, then re-arms
    /// for the next thing or goes idle.
    private func tick() {
        let now = ContinuousClock.now
        while next < steps.count {
            let due = nextDue()
            if due > now {
                arm(after: due - now)
                return
            }
            perform(due: due)
        }
        steps.removeAll(keepingCapacity: true)
        next = 0
    }

    private func nextDue() -> ContinuousClock.Instant {
        switch steps[next].element {
        case .pause:
            return stepStart + timing.pause
        case .digit:
            return sent < timing.packetsPerDigit ? stepStart + timing.interval * sent : stepStart + timing.digitSlot
        }
    }

    private func perform(due: ContinuousClock.Instant) {
        let step = steps[next]
        switch step.element {
        case .pause:
            finishStep(after: timing.pause)
        case .digit(let digit):
            guard sent < timing.packetsPerDigit else {
                finishStep(after: timing.digitSlot)
                return
            }
            if sent == 0 { beginEvent(at: due) }
            sendPacket(digit, payloadType: step.payloadType, at: due)
            sent += 1
            if sent == timing.packetsPerDigit {
                muting = false
                rewriting = true
                resync = true
            }
        }
    }

    private func finishStep(after length: Duration) {
        stepStart += length
        next += 1
        sent = 0
    }

    /// Picks up the stream sent to the leg (or starts a random one).
    private func beginEvent(at instant: ContinuousClock.Instant) {
        let position = leg.sentRTP
        if let at = position.at {
            ssrc = position.ssrc
            sequence = position.sequence &+ 1
            timestamp = position.timestamp &+ RTPSendPosition.samples(instant - at)
        } else {
            ssrc = UInt32.random(in: .min ... .max)
            sequence = UInt16.random(in: .min ... .max)
            timestamp = UInt32.random(in: .min ... .max)
        }
        muting = true
    }

    private func sendPacket(_ digit: DTMFDigit, payloadType: UInt8, at instant: ContinuousClock.Instant) {
        let end = sent >= timing.updatePackets - 1
        RTPHeader.write(to: packet, marker: sent == 0, payloadType: payloadType,
                        sequence: sequence, timestamp: timestamp, ssrc: ssrc)
        TelephoneEvent(event: digit.rawValue, end: end, volume: timing.volume,
                       duration: timing.durationField(packet: sent))
            .write(to: UnsafeMutableRawBufferPointer(rebasing: packet[RTPHeader.size...]))
        // The stream's clock now: the event's start plus the time since.
        leg.sentRTP.record(ssrc: ssrc, sequence: sequence,
                           timestamp: timestamp &+ RTPSendPosition.samples(timing.interval * sent), at: instant)
        sequence &+= 1

        var length = RTPHeader.size + TelephoneEvent.size
        if let srtp = leg.srtp {
            guard srtp.protect(packet, length: &length, stream: .rtp, stats: &leg.stats) else { return }
        }
        let destination = leg.destination(.rtp)
        guard destination.isSet else { return }
        let fd = leg.sendSocket(.rtp).fd
        let result = destination.storage.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            sendto(fd, packet.baseAddress, length, 0, $0, destination.length)
        }
        leg.stats.sent(.rtp, packets: result == length ? 1 : 0, bytes: result == length ? UInt64(length) : 0,
                       failed: result == length ? 0 : 1)
    }

    private func arm(after delay: Duration) {
        timer?.arm(after: delay)
    }
}
