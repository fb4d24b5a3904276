/// The replay list of one SRTP or SRTCP stream (RFC 3711 section 3.3.2): the
/// highest packet index accepted so far and a bitmap of which of the
/// `size` indices below it have been accepted.
///
/// A value: ``check(_:)`` only reads, ``accept(_:)`` records an index after
/// the packet authenticated. The bitmap is allocated once, at creation.
struct SRTPReplayWindow: Sendable {
    /// What ``check(_:)`` says of an index.
    enum Verdict: Equatable, Sendable {
        /// Not seen and inside or ahead of the window.
        case fresh
        /// Already accepted.
        case replayed
        /// Below the window: too old to tell.
        case tooOld
    }

    /// The window size in packets (a multiple of 64).
    let size: Int
    /// The highest index accepted; meaningful once ``isEmpty`` is false.
    private(set) var highest: UInt64 = 0
    /// True until the first ``accept(_:)``.
    private(set) var isEmpty = true
    /// Bit `k` (word `k / 64`, bit `k % 64`) is set when `highest - k` was accepted.
    private var words: [UInt64]

    /// A window of `size` packets, rounded up to a multiple of 64 (at least 64).
    init(size: Int) {
        let rounded = max(64, (size + 63) / 64 * 64)
        self.size = rounded
        words = [UInt64](repeating: 0, count: rounded / 64)
    }

    /// Whether `index` may be accepted.
    func check(_ index: UInt64) -> Verdict {
        if isEmpty || index > highest { return .fresh }
        let age = highest - index
        if age >= UInt64(size) { return .tooOld }
        return isSet(Int(age)) ? .replayed : .fresh
    }

    /// Records `index` (call after ``check(_:)`` said ``Verdict/fresh`` and the packet authenticated).
    mutating func accept(_ index: UInt64) {
        if isEmpty {
            isEmpty = false
            highest = index
            words[0] = 1
            return
        }
        if index > highest {
            shift(by: index - highest)
            highest = index
            words[0] |= 1
        } else {
            let age = highest - index
            if age < UInt64(size) { set(Int(age)) }
        }
    }

    private func isSet(_ bit: Int) -> Bool { words[bit >> 6] & (1 << UInt64(bit & 63)) != 0 }

    private mutating func set(_ bit: Int) { words[bit >> 6] |= 1 << UInt64(bit & 63) }

    /// Ages every recorded index by `distance` (bits move towards higher positions).
    private mutating func shift(by distance: UInt64) {
        guard distance < UInt64(size) else {
            for i in words.indices { words[i] = 0 }
            return
        }
        let wordShift = Int(distance >> 6)
        let bitShift = UInt64(distance & 63)
        var i = words.count - 1
        while i >= 0 {
            let source = i - wordShift
            var value: UInt64 = 0
            if source >= 0 {
                value = words[source] << bitShift
                if bitShift > 0, source > 0 { value |= words[source - 1] >> (64 - bitShift) }
            }
            words[i] = value
            i -= 1
        }
    }
}

/// The SRTP packet index from a sequence number (RFC 3711 section 3.3.1 and
/// Appendix A): the rollover counter guessed from the highest index seen.
enum SRTPPacketIndex {
    /// The 48-bit index (`ROC << 16 | seq`) most likely meant by `sequence`
    /// given the highest accepted index `highest` (nil before the first packet).
    /// While the stream's index is at most 2^15 the ROC is taken as 0, as
    /// libsrtp2 does, so a stream may start at any sequence number.
    static func estimate(sequence: UInt16, highest: UInt64?) -> UInt64 {
        guard let highest, highest > 0x8000 else { return UInt64(sequence) }
        let roc = highest >> 16
        let localSequence = Int(highest & 0xffff)
        let s = Int(sequence)
        let guessedROC: UInt64
        if localSequence < 0x8000 {
            guessedROC = s - localSequence > 0x8000 ? roc &- 1 : roc
        } else {
            guessedROC = localSequence - 0x8000 > s ? roc + 1 : roc
        }
        return (guessedROC & 0xffff_ffff) << 16 | UInt64(sequence)
    }
}
