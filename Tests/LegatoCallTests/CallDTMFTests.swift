import Testing
@testable import LegatoCall

@Suite struct CallDTMFTests {
    @Test func dtmfRelaySignalIsRead() {
        #expect(Call.dtmfRelaySignal("Signal=5\r\nDuration=160\r\n") == "5")
        #expect(Call.dtmfRelaySignal("signal= #\nDuration=100") == "#")
        #expect(Call.dtmfRelaySignal("Duration=100\r\n") == nil)
    }

    @Test func toneDetectionFiltersByType() {
        #expect(ToneDetection.all.includes(.rfc4733))
        #expect(ToneDetection.all.includes(.sipInfo))
        #expect(ToneDetection.only(.sipInfo).includes(.sipInfo))
        #expect(!ToneDetection.only(.sipInfo).includes(.rfc4733))
    }

    @Test func invalidDigitsNameTheRule() {
        #expect(CallError.invalidDigits("'x' at position 2").description.contains("0-9 * # A-D and p"))
    }
}
