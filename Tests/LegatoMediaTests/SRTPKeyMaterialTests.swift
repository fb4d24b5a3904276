import Testing
import LegatoSDP
@testable import LegatoMedia

@Suite struct SRTPKeyMaterialTests {
    @Test(arguments: SRTPSuite.allCases) func generatedKeysHaveTheSuiteLengthAndDiffer(suite: SRTPSuite) throws {
        let a = try SRTPKeyMaterial.generate(for: suite)
        let b = try SRTPKeyMaterial.generate(for: suite)
        #expect(a.bytes.count == suite.keyMaterialLength)
        #expect(a.masterKey.count == 16)
        #expect(a.masterSalt.count == suite.masterSaltLength)
        #expect(a.masterKey + a.masterSalt == a.bytes)
        #expect(a != b)
        #expect(a.bytes != [UInt8](repeating: 0, count: suite.keyMaterialLength))
    }

    @Test(arguments: SRTPSuite.allCases) func inlineKeyRoundTrips(suite: SRTPSuite) throws {
        let keys = try SRTPKeyMaterial.generate(for: suite)
        #expect(keys.inlineKey.count == 40)
        #expect(try SRTPKeyMaterial(suite: suite, inlineKey: keys.inlineKey) == keys)
    }

    @Test func base64MatchesKnownEncodings() throws {
        let cm = try SRTPKeyMaterial(suite: .aesCM128HMACSHA1_80, bytes: SRTPKnownAnswerTests.cmKey)
        #expect(cm.inlineKey == "4fl6DT4Bi+DWT6MsBt5BOQ7Gda1Jiv7rtpYLOqvm")
        let gcm = try SRTPKeyMaterial(suite: .aeadAES128GCM, bytes: SRTPKnownAnswerTests.gcmKey)
        #expect(gcm.inlineKey == "AAECAwQFBgcICQoLDA0OD6ChoqOkpaanqKmqqw==")
        // Unpadded input, as some endpoints send it, is accepted too.
        #expect(try SRTPKeyMaterial(suite: .aeadAES128GCM, inlineKey: "AAECAwQFBgcICQoLDA0OD6ChoqOkpaanqKmqqw") == gcm)
        // RFC 4568's example key decodes to 30 bytes.
        #expect(try SRTPKeyMaterial(suite: .aesCM128HMACSHA1_80,
                                    inlineKey: "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR").bytes.count == 30)
        for n in 0..<10 {
            let bytes = (0..<n).map { UInt8($0 * 37 & 0xff) }
            #expect(SRTPBase64.decode(SRTPBase64.encode(bytes)) == bytes)
        }
    }

    @Test func wrongLengthsAndBadBase64AreTypedErrors() {
        // A 30-byte AES-CM key offered for GCM (which needs 28).
        #expect(throws: SRTPKeyError.wrongLength(suite: .aeadAES128GCM, expected: 28, actual: 30)) {
            try SRTPKeyMaterial(suite: .aeadAES128GCM, inlineKey: "4fl6DT4Bi+DWT6MsBt5BOQ7Gda1Jiv7rtpYLOqvm")
        }
        #expect(throws: SRTPKeyError.wrongLength(suite: .aesCM128HMACSHA1_80, expected: 30, actual: 28)) {
            try SRTPKeyMaterial(suite: .aesCM128HMACSHA1_80, inlineKey: "AAECAwQFBgcICQoLDA0OD6ChoqOkpaanqKmqqw==")
        }
        #expect(throws: SRTPKeyError.wrongLength(suite: .aesCM128HMACSHA1_32, expected: 30, actual: 3)) {
            try SRTPKeyMaterial(suite: .aesCM128HMACSHA1_32, inlineKey: "AAAA")
        }
        #expect(throws: SRTPKeyError.invalidBase64) {
            try SRTPKeyMaterial(suite: .aesCM128HMACSHA1_80, inlineKey: "4fl6DT4Bi+DWT6Ms Bt5BOQ7Gda1Jiv7rtpYLOqvm")
        }
        #expect(throws: SRTPKeyError.invalidBase64) {
            try SRTPKeyMaterial(suite: .aesCM128HMACSHA1_80, inlineKey: "4fl6DT4Bi+DWT6MsBt5BOQ7Gda1Jiv7rtpYLOqv=m")
        }
    }

    @Test func sdpCryptoAttributesAreReadAndWritten() throws {
        let line = "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20"
        let crypto = try #require(SDPCrypto(attributeValue: Substring(line)))
        let keys = try SRTPKeyMaterial(crypto: crypto)
        #expect(keys.suite == .aesCM128HMACSHA1_80)
        #expect(keys.sdpCrypto(tag: 1).attributeValue == "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR")

        let short = try #require(SDPCrypto(attributeValue: "2 AEAD_AES_128_GCM inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"))
        #expect(throws: SRTPKeyError.wrongLength(suite: .aeadAES128GCM, expected: 28, actual: 30)) {
            try SRTPKeyMaterial(crypto: short)
        }
        let mki = try #require(SDPCrypto(attributeValue: "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4"))
        #expect(throws: SRTPKeyError.unsupportedKeyParameter("1:4")) { try SRTPKeyMaterial(crypto: mki) }
        let f8 = try #require(SDPCrypto(attributeValue: "1 F8_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"))
        #expect(throws: SRTPKeyError.unknownSuite("F8_128_HMAC_SHA1_80")) { try SRTPKeyMaterial(crypto: f8) }
        let unencrypted = try #require(SDPCrypto(attributeValue: "1 AES_CM_128_HMAC_SHA1_32 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR UNENCRYPTED_SRTP"))
        #expect(throws: SRTPKeyError.unsupportedSessionParameter("UNENCRYPTED_SRTP")) { try SRTPKeyMaterial(crypto: unencrypted) }
    }

    @Test func descriptionNeverShowsTheKey() throws {
        let keys = try SRTPKeyMaterial.generate(for: .aesCM128HMACSHA1_80)
        #expect(!String(describing: keys).contains(keys.inlineKey))
        #expect(!String(reflecting: keys).contains(keys.inlineKey))
    }

    /// Every suite runs on the OpenSSL backend; libsrtp2 (the test reference) may lack GCM.
    @Test func gcmSupportIsProbed() {
        print("SRTP reference: libsrtp2 runs AEAD_AES_128_GCM here: \(LibSRTPReference.supports(.aeadAES128GCM))")
        #expect(SRTPSuite.supported == SRTPSuite.allCases)
        #expect(SRTPSuite.supported.contains(.aesCM128HMACSHA1_80))
        #expect(SRTPSuite.supported.contains(.aesCM128HMACSHA1_32))
    }
}
