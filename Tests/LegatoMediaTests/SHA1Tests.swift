import Testing
@testable import LegatoMedia

func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// SHA-1 against FIPS 180 examples, HMAC-SHA1 against RFC 2202.
@Suite struct SHA1Tests {
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
    ])
    func fipsExamples(message: String, digest: String) {
        #expect(hexString(SHA1.hash(Array(message.utf8))) == digest)
    }

    @Test func incrementalUpdatesMatchOneShot() {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var sha = SHA1()
        for chunk in stride(from: 0, to: message.count, by: 37) {
            sha.update(Array(message[chunk..<min(chunk + 37, message.count)]))
        }
        #expect(sha.finalize() == SHA1.hash(message))
    }

    @Test(arguments: [
        (String(repeating: "0b", count: 20), Array("Hi There".utf8), "b617318655057264e28bc0b6fb378c8ef146be00"),
        (hexString(Array("Jefe".utf8)), Array("what do ya want for nothing?".utf8), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
        (String(repeating: "aa", count: 20), [UInt8](repeating: 0xDD, count: 50), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"),
        (String(repeating: "aa", count: 80), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "aa4ae5e15272d00e95705637ce8a3b55ed402112"),
    ])
    func hmacRFC2202(key: String, data: [UInt8], mac: String) {
        #expect(hexString(HMACSHA1.mac(key: hexBytes(key), message: data)) == mac)
    }
}

@Suite struct CRC32Tests {
    @Test func checkValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
    }
}
