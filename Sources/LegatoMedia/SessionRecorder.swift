internal import CLibevent
import Glibc
import LegatoAudio

/// Records both directions of a relay session: a tap on each leg's input
/// decodes the audio received from that leg's remote (leg A → left, leg B →
/// right), a 20 ms timer takes one frame per direction from the
/// `RecordingMixer` (silence where none came) and copies it into the
/// `RecordingWriter`'s bounded queue; the writer thread encodes the file.
/// Recording is at 8 kHz (other rates are converted while decoding). Lives on the worker.
final class SessionRecorder {
    /// Live timers (as `AudioPlayout.openTimers`).
    static let openTimers = WorkerTimer.Count()

    let id: UInt64
    private let writer: RecordingWriter
    private let mixer: RecordingMixer
    private var taps: [RecorderTap] = []
    private var timer: WorkerTimer?
    private let frame: UnsafeMutableBufferPointer<Int16>
    private var due = ContinuousClock.now
    private unowned(unsafe) let session: RelaySessionCore

    init(id: UInt64, session: RelaySessionCore, writer: RecordingWriter, stereo: Bool,
         codecs: [RelayLeg: [UInt8: AudioCodec]]) throws(MediaError) {
        self.id = id
        self.session = session
        self.writer = writer
        mixer = RecordingMixer(frameSamples: 160, stereo: stereo)
        frame = .allocate(capacity: 160 * mixer.channels)
        frame.initialize(repeating: 0)
        for leg in [RelayLeg.a, .b] {
            let tap = RecorderTap(channel: leg == .a ? 0 : 1, mixer: mixer, codecs: codecs[leg] ?? [:])
            taps.append(tap)
            session.leg(leg).input.attach(tap)
        }
        do {
            timer = try WorkerTimer(base: session.loop.base, count: Self.openTimers) { [unowned(unsafe) self] in self.tick() }
        } catch {
            frame.deallocate()
            throw error
        }
        due = .now + .milliseconds(20)
        arm()
    }

    deinit {
        finish()
        frame.deallocate()
    }

    /// Stops the taps and the timer and lets the writer close the file. Idempotent.
    func finish() {
        guard let timer else { return }
        timer.cancel()
        self.timer = nil
        for (tap, leg) in zip(taps, [RelayLeg.a, .b]) { session.leg(leg).input.detach(tap) }
        taps.removeAll()
        writer.finish()
    }

    private func tick() {
        let now = ContinuousClock.now
        var frames = 0
        while due <= now, frames < 10 {
            mixer.nextFrame(into: frame)
            writer.append(UnsafeBufferPointer(frame))
            due += .milliseconds(20)
            frames += 1
        }
        if due <= now { due = now + .milliseconds(20) }
        arm()
    }

    private func arm() {
        timer?.arm(after: due - ContinuousClock.now)
    }
}

/// Decodes the audio packets a leg receives into one channel of a `RecordingMixer`.
final class RecorderTap: MediaOutput {
    let channel: Int
    private let mixer: RecordingMixer
    private let decoder: ReceivedAudioDecoder

    init(channel: Int, mixer: RecordingMixer, codecs: [UInt8: AudioCodec]) {
        self.channel = channel
        self.mixer = mixer
        decoder = ReceivedAudioDecoder(codecs: codecs)
    }

    func receive(_ packet: MediaPacket) {
        guard let samples = decoder.decode(packet) else { return }
        mixer.push(channel, samples)
    }
}
