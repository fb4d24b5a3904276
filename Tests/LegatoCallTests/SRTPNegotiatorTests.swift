import LegatoConfig
import LegatoMedia
import LegatoSDP
import Testing
@testable import LegatoCall

@Suite struct SRTPNegotiatorTests {
    static let key80 = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"
    static let keyGCM = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3OA=="

    /// The first media section of an audio offer with `proto` and `cryptos`.
    static func section(_ proto: String, _ cryptos: [String]) throws -> MediaSection {
        var text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
        text += "m=audio 4000 \(proto) 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
        for c in cryptos { text += "a=crypto:\(c)\r\n" }
        return try #require(try SDPParser.parse(text).media.first)
    }

    @Test func requiredAnswersSAVPOfferWithOwnKeySameTag() throws {
        var n = SRTPNegotiator(policy: .required)
        let offer = try Self.section("RTP/SAVP", ["3 AES_CM_128_HMAC_SHA1_80 inline:\(Self.key80)|2^31"])
        let (outcome, answer) = try n.answer(offer)
        let keys = try #require(outcome.keys)
        #expect(keys.remote.inlineKey == Self.key80)
        #expect(keys.local != keys.remote)
        #expect(answer.secureProfile)
        #expect(answer.cryptos.count == 1)
        #expect(answer.cryptos[0].tag == 3)
        #expect(answer.cryptos[0].suite == "AES_CM_128_HMAC_SHA1_80")
        #expect(answer.cryptos[0].keySalt == keys.local.inlineKey)
    }

    @Test func requiredRefusesPlainOffer() throws {
        var n = SRTPNegotiator(policy: .required)
        #expect(throws: SRTPNegotiator.Refusal(reason: "SRTP Required")) { try n.answer(try Self.section("RTP/AVP", [])) }
    }

    @Test func unsupportedSuitesAreSkippedInOfferOrder() throws {
        var n = SRTPNegotiator(policy: .optional, suites: [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32])
        let offer = try Self.section("RTP/SAVP", [
            "1 F8_128_HMAC_SHA1_80 inline:\(Self.key80)",
            "2 AES_CM_128_HMAC_SHA1_32 inline:\(Self.key80)|2^20|1:32",  // MKI: refused
            "3 AES_CM_128_HMAC_SHA1_32 inline:\(Self.key80)",
        ])
        let (outcome, answer) = try n.answer(offer)
        #expect(outcome.keys?.remote.suite == .aesCM128HMACSHA1_32)
        #expect(answer.cryptos.map(\.tag) == [3])
    }

    @Test func savpOfferWithNothingUsableIsRefusedEvenWhenOptional() throws {
        var n = SRTPNegotiator(policy: .optional)
        #expect(throws: SRTPNegotiator.Refusal(reason: "No Supported Crypto Suite")) {
            try n.answer(try Self.section("RTP/SAVP", ["1 F8_128_HMAC_SHA1_80 inline:\(Self.key80)"]))
        }
    }

    @Test func bestEffortOfferIsAnsweredInAVPWithCrypto() throws {
        var n = SRTPNegotiator(policy: .optional)
        let (outcome, answer) = try n.answer(try Self.section("RTP/AVP", ["1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.key80)"]))
        #expect(outcome.keys != nil)
        #expect(!answer.secureProfile)
        #expect(answer.cryptos.count == 1)
    }

    @Test func optionalAnswersPlainOfferPlain() throws {
        var n = SRTPNegotiator(policy: .optional)
        let (outcome, answer) = try n.answer(try Self.section("RTP/AVP", []))
        #expect(outcome == .plain)
        #expect(answer == .init(cryptos: [], secureProfile: false))
    }

    @Test func offIgnoresBestEffortCryptoAndRefusesSAVP() throws {
        var n = SRTPNegotiator(policy: .off)
        let (outcome, answer) = try n.answer(try Self.section("RTP/AVP", ["1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.key80)"]))
        #expect(outcome == .plain)
        #expect(answer.cryptos.isEmpty)
        #expect(throws: SRTPNegotiator.Refusal.self) {
            try n.answer(try Self.section("RTP/SAVP", ["1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.key80)"]))
        }
    }

    @Test func offersOneLinePerSuiteAndAcceptsTheChosenTag() throws {
        var n = SRTPNegotiator(policy: .required, suites: [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32])
        let offer = try n.offer()
        #expect(offer.secureProfile)
        #expect(offer.cryptos.map(\.tag) == [1, 2])
        #expect(offer.cryptos.map(\.suite) == ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"])
        #expect(Set(offer.cryptos.map(\.keySalt)).count == 2)
        let outcome = try n.accept(try Self.section("RTP/SAVP", ["2 AES_CM_128_HMAC_SHA1_32 inline:\(Self.key80)"]))
        let keys = try #require(outcome.keys)
        #expect(keys.local.inlineKey == offer.cryptos[1].keySalt)
        #expect(keys.remote.inlineKey == Self.key80)
    }

    @Test func reOffersKeepTheLegsKeys() throws {
        var n = SRTPNegotiator(policy: .optional)
        let first = try n.offer()
        let second = try n.offer()
        #expect(first == second)
        #expect(!first.secureProfile)
    }

    @Test func answersThatDoNotMatchTheOfferAreRefused() throws {
        var n = SRTPNegotiator(policy: .optional, suites: [.aesCM128HMACSHA1_80])
        _ = try n.offer()
        #expect(throws: SRTPNegotiator.Refusal(reason: "Unusable Crypto In Answer")) {
            try n.accept(try Self.section("RTP/SAVP", ["7 AES_CM_128_HMAC_SHA1_80 inline:\(Self.key80)"]))
        }
        _ = try n.offer()
        #expect(try n.accept(try Self.section("RTP/AVP", [])) == .plain)
        var required = SRTPNegotiator(policy: .required)
        _ = try required.offer()
        #expect(throws: SRTPNegotiator.Refusal(reason: "SRTP Required")) { try required.accept(try Self.section("RTP/AVP", [])) }
    }

    @Test func offOffersNoCrypto() throws {
        var n = SRTPNegotiator(policy: .off)
        #expect(try n.offer() == .init(cryptos: [], secureProfile: false))
        #expect(n.localKeys.isEmpty)
    }

    @Test(.enabled(if: SRTPSuite.aeadAES128GCM.isSupported))
    func gcmIsAnswered() throws {
        var n = SRTPNegotiator(policy: .required)
        let (outcome, answer) = try n.answer(try Self.section("RTP/SAVP", ["1 AEAD_AES_128_GCM inline:\(Self.keyGCM)"]))
        #expect(outcome.keys?.remote.suite == .aeadAES128GCM)
        #expect(answer.cryptos.first?.suite == "AEAD_AES_128_GCM")
    }
}
