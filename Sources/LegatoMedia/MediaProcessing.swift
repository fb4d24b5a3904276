/// Attaching processing (DTMF detection, players, recorders, SRTP) to a leg.
///
/// Every leg has two media units: `input` sees packets received from the leg's
/// remote before they are forwarded; `output` sees packets about to be sent to
/// the leg's remote. A unit has one input and any number of outputs: its
/// processors run in order on the packet (and may rewrite or drop it), then
/// every attached `MediaOutput` observes the result, then the packet continues
/// on its way. A unit with nothing attached is skipped with one branch, so the
/// relay fast path forwards packets untouched.
///
/// Everything here runs on the worker thread that owns the session.

/// A packet lent to processing. Valid only during the call: never keep `buffer`.
struct MediaPacket {
    /// The whole packet buffer (capacity, with tail room); the packet is `0..<length`.
    let buffer: UnsafeMutableRawBufferPointer
    /// Packet length; processing may change it (up to `buffer.count`).
    var length: Int
    /// RTP or RTCP (demultiplexed when the leg uses rtcp-mux).
    let stream: MediaStream
    /// The leg the packet came from.
    let from: RelayLeg

    /// The packet's bytes.
    var bytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length]) }
}

/// What a processor decides for a packet.
enum MediaVerdict {
    case forward
    case drop
}

/// In-line processing: may rewrite the packet (SRTP, SSRC/sequence rewriting)
/// or drop it (e.g. RFC 4733 events consumed by a DTMF detector).
protocol MediaProcessor: AnyObject {
    func process(_ packet: inout MediaPacket) -> MediaVerdict
}

/// An output: observes packets without changing them (recorder, detector, tap).
protocol MediaOutput: AnyObject {
    func receive(_ packet: MediaPacket)
}

/// Where on a leg processing attaches.
enum MediaUnitSide: Sendable {
    /// Packets received from the leg's remote.
    case input
    /// Packets about to be sent to the leg's remote.
    case output
}

/// A leg's processing chain for one direction.
final class MediaUnit {
    private(set) var processors: [any MediaProcessor] = []
    private(set) var outputs: [any MediaOutput] = []
    /// True when nothing is attached: the packet path skips the unit.
    private(set) var isEmpty = true

    func attach(_ processor: any MediaProcessor) {
        processors.append(processor)
        isEmpty = false
    }

    func attach(_ output: any MediaOutput) {
        outputs.append(output)
        isEmpty = false
    }

    /// Removes `processor` (compared by identity).
    func detach(_ processor: any MediaProcessor) {
        processors.removeAll { $0 === processor }
        isEmpty = processors.isEmpty && outputs.isEmpty
    }

    /// Removes `output` (compared by identity).
    func detach(_ output: any MediaOutput) {
        outputs.removeAll { $0 === output }
        isEmpty = processors.isEmpty && outputs.isEmpty
    }

    func detachAll() {
        processors.removeAll()
        outputs.removeAll()
        isEmpty = true
    }

    /// Runs processors then outputs. Allocates nothing.
    @inline(__always)
    func run(_ packet: inout MediaPacket) -> MediaVerdict {
        for processor in processors where processor.process(&packet) == .drop {
            return .drop
        }
        for output in outputs {
            output.receive(packet)
        }
        return .forward
    }
}

/// Something to attach, built on the worker thread by the factory given to
/// `RelaySession.attach` (processing objects are not Sendable: they live on
/// the worker).
enum MediaAttachment {
    case processor(any MediaProcessor)
    case output(any MediaOutput)
}
