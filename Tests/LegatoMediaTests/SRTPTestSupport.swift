@testable import LegatoMedia

/// A packet in a buffer with the tail room SRTP needs, for the SRTP tests.
struct SRTPTestPacket {
    var storage: [UInt8]
    var length: Int

    init(_ bytes: [UInt8]) {
        storage = bytes + [UInt8](repeating: 0, count: SRTPContext.maximumRTCPTrailerLength)
        length = bytes.count
    }

    var bytes: [UInt8] { Array(storage[..<length]) }

    mutating func apply(
        _ operation: (SRTPContext) -> (UnsafeMutableRawBufferPointer, inout Int) throws(SRTPError) -> Void,
        _ context: SRTPContext
    ) throws(SRTPError) {
        var length = self.length
        var result: Result<Void, SRTPError> = .success(())
        storage.withUnsafeMutableBytes { buffer in
            do throws(SRTPError) {
                try operation(context)(buffer, &length)
            } catch {
                result = .failure(error)
            }
        }
        try result.get()
        self.length = length
    }

    mutating func protect(_ c: SRTPContext) throws(SRTPError) { try apply(SRTPContext.protect, c) }
    mutating func unprotect(_ c: SRTPContext) throws(SRTPError) { try apply(SRTPContext.unprotect, c) }
    mutating func protectRTCP(_ c: SRTPContext) throws(SRTPError) { try apply(SRTPContext.protectRTCP, c) }
    mutating func unprotectRTCP(_ c: SRTPContext) throws(SRTPError) { try apply(SRTPContext.unprotectRTCP, c) }
}

/// Bytes from a hex string (whitespace ignored).
func srtpHex(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// An RTP packet: version 2, PT 0, the given sequence number, SSRC 0x11223344, `payloadLength` bytes of 0x5a.
func srtpSampleRTP(sequence: UInt16 = 1, payloadLength: Int = 160) -> [UInt8] {
    [0x80, 0x00, UInt8(sequence >> 8), UInt8(sequence & 0xff), 0, 0, 0x03, 0x20, 0x11, 0x22, 0x33, 0x44]
        + [UInt8](repeating: 0x5a, count: payloadLength)
}

/// An RTCP receiver report with one report block, SSRC 0x11223344.
func srtpSampleRTCP() -> [UInt8] {
    [0x81, 0xc9, 0x00, 0x07, 0x11, 0x22, 0x33, 0x44] + [UInt8](repeating: 0x42, count: 24)
}
