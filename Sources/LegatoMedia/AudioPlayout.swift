internal import CLibevent
import Glibc
import LegatoAudio
import Synchronization

/// What a playback plays, built into an `AudioSource` on the worker.
public enum PlaybackSource: Sendable {
    /// A decoded file or TTS prompt (shared, immutable), once or looped.
    case clip(AudioClip, loop: Bool)
    /// A call-progress tone plan, until stopped.
    case tone(TonePlan)
    /// Another leg's received audio (`sendMediaTo`), until stopped.
    case feed(AudioFeed)
}

/// Plays an `AudioSource` into a leg's outgoing RTP stream: a one-shot
/// libevent timer re-armed against an absolute 20 ms schedule pulls a frame
/// from the source, encodes it with the leg's codec and sends it to the
/// leg's remote (SRTP-protected when the leg is secure).
///
/// RTP continuity: the first frame continues the stream last sent to the leg
/// (`RTPSendPosition`: same SSRC, next sequence number, timestamp advanced by
/// the wall clock) with the marker bit set; with nothing sent yet, a random
/// SSRC, sequence and timestamp. While it plays, relayed RTP to the leg is
/// dropped (the playback replaces it); afterwards relayed packets of that
/// SSRC get their sequence numbers shifted to follow the generated ones —
/// which is why it is also a processor on the leg's output. While the remote
/// holds (`sendPaused`) frames are produced but not sent, so the prompt goes
/// on in time. Lives on, and only runs on, the worker thread; allocates
/// nothing per frame.
final class AudioPlayout: MediaProcessor {
    /// Why a playout ended.
    enum EndReason {
        case finished
        case stopped
    }

    /// Live timers (tests check that closing sessions frees them).
    static let openTimers = WorkerTimer.Count()

    let id: UInt64
    private unowned(unsafe) let leg: RelayLegCore
    /// The worker's loop: counts late frames for the whole worker too.
    private unowned(unsafe) let loop: WorkerLoop
    private let source: any AudioSource
    private let encoder: AudioEncoder
    private let payloadType: UInt8
    private let onEnd: (UInt64, Bool) -> Void
    private var timer: WorkerTimer?
    private let frame: UnsafeMutableBufferPointer<Int16>
    /// Header + 160 payload bytes + room for an SRTP trailer.
    private let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: 512, alignment: 16)

    private var due = ContinuousClock.now
    private var started = false
    private var ssrc: UInt32 = 0
    private var sequence: UInt16 = 0
    private var timestamp: UInt32 = 0
    /// Frames sent more than a frame late (the benchmark's "late ticks").
    private(set) var lateTicks = 0
    private(set) var framesSent = 0

    // Relayed packets to the leg, after the playout.
    private var playing = true
    /// Until the first frame: relayed packets still flow (and are recorded)
    /// so that the playout continues their stream.
    private var awaitingPosition = false
    private var rewriting = false
    private var resync = false
    private var offset: UInt16 = 0

    init(id: UInt64, leg: RelayLegCore, loop: WorkerLoop, source: any AudioSource, codec: AudioCodec,
         payloadType: UInt8, onEnd: @escaping (UInt64, Bool) -> Void) throws(MediaError) {
        self.id = id
        self.leg = leg
        self.loop = loop
        self.source = source
        self.encoder = AudioEncoder(codec)
        self.payloadType = payloadType
        self.onEnd = onEnd
        frame = .allocate(capacity: codec.samplesPerFrame)
        frame.initialize(repeating: 0)
        do {
            timer = try WorkerTimer(base: loop.base, count: Self.openTimers) { [unowned(unsafe) self] in self.tick() }
        } catch {
            frame.deallocate()
            packet.deallocate()
            throw error
        }
    }

    deinit {
        freeTimer()
        frame.deallocate()
        packet.deallocate()
    }

    /// True while frames are being produced.
    var isPlaying: Bool { playing }

    /// Starts the schedule with the first frame now.
    func start() {
        let warmUp = leg.startTrackingSentRTP()
        awaitingPosition = warmUp > .zero
        due = .now + warmUp
        tick()
    }

    /// Stops producing frames and reports the end once. Relayed packets
    /// flow again (renumbered to follow the generated ones).
    func close(reason: EndReason) {
        guard playing else { return }
        playing = false
        rewriting = started
        resync = started
        freeTimer()
        onEnd(id, reason == .stopped)
    }

    private func freeTimer() {
        timer?.cancel()
        timer = nil
    }

    // MARK: Relayed packets (output processor)

    func process(_ packet: inout MediaPacket) -> MediaVerdict {
        guard packet.stream == .rtp else { return .forward }
        if playing { return awaitingPosition ? .forward : .drop }
        guard rewriting else { return .forward }
        let p = packet.bytes
        guard RTPHeader.isRTP(UnsafeRawBufferPointer(p)), RTPHeader.ssrc(UnsafeRawBufferPointer(p)) == ssrc else { return .forward }
        let original = RTPHeader.sequence(UnsafeRawBufferPointer(p))
        if resync {
            offset = (sequence &+ 1) &- original
            resync = false
        }
        if offset != 0 { RTPHeader.setSequence(p, original &+ offset) }
        return .forward
    }

    // MARK: Schedule

    private static let frameInterval = Duration.milliseconds(20)

    private func tick() {
        let now = ContinuousClock.now
        var sent = 0
        while playing, due <= now {
            if now - due > Self.frameInterval {
                lateTicks += 1
                loop.lateTicks &+= 1
            }
            // Far behind (the worker stalled): skip ahead instead of bursting.
            if sent >= 3 {
                due = now
            }
            guard source.read(into: frame) else {
                close(reason: .finished)
                return
            }
            send(at: due)
            due += Self.frameInterval
            sent += 1
        }
        guard playing else { return }
        timer?.arm(after: due - now)
    }

    private func send(at instant: ContinuousClock.Instant) {
        let marker = !started
        if !started {
            started = true
            awaitingPosition = false
            let position = leg.sentRTP
            if let at = position.at {
                ssrc = position.ssrc
                sequence = position.sequence &+ 1
                // `samples` counts at 8 kHz: scale to the codec's RTP clock (Opus: 48 kHz).
                timestamp = position.timestamp &+ RTPSendPosition.samples(instant - at) &* UInt32(encoder.codec.clockRate / 8000)
            } else {
                ssrc = UInt32.random(in: .min ... .max)
                sequence = UInt16.random(in: .min ... .max)
                timestamp = UInt32.random(in: .min ... .max)
            }
        } else {
            sequence &+= 1
            timestamp &+= encoder.codec.timestampPerFrame
        }
        framesSent += 1
        RTPHeader.write(to: packet, marker: marker, payloadType: payloadType,
                        sequence: sequence, timestamp: timestamp, ssrc: ssrc)
        let payload = encoder.encode(UnsafeBufferPointer(frame),
                                     into: UnsafeMutableRawBufferPointer(rebasing: packet[RTPHeader.size..<(RTPHeader.size + 320)]))
        leg.sentRTP.record(ssrc: ssrc, sequence: sequence, timestamp: timestamp, at: instant)
        guard !leg.sendPaused else { return }
        var length = RTPHeader.size + payload
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
}
