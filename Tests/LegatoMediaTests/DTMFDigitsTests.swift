import Testing
@testable import LegatoMedia

@Suite struct DTMFDigitsTests {
    @Test func digitsMapToRFC4733EventCodes() {
        let text: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D"]
        for (code, character) in text.enumerated() {
            let digit = DTMFDigit(character)
            #expect(digit?.eventCode == code)
            #expect(DTMFDigit(eventCode: code) == digit)
            #expect(digit?.character == character)
        }
        #expect(DTMFDigit.allCases.count == 16)
        #expect(DTMFDigit(eventCode: 16) == nil)   // flash is not a digit
        #expect(DTMFDigit(eventCode: -1) == nil)
        #expect(DTMFDigit("a") == .a && DTMFDigit("d") == .d)
        #expect(DTMFDigit("E") == nil && DTMFDigit("p") == nil)
    }

    @Test func parsesDigitsAndPauses() throws {
        let all = try DTMFDigits("0123456789*#ABCD")
        #expect(all.elements == DTMFDigit.allCases.map { .digit($0) })
        let mixed = try DTMFDigits("1p#bP")
        #expect(mixed.elements == [.digit(.one), .pause, .digit(.pound), .digit(.b), .pause])
        #expect(mixed.description == "1p#Bp")
    }

    @Test func refusesAnythingElseNamingCharacterAndPosition() {
        #expect(throws: DTMFError.empty) { try DTMFDigits("") }
        #expect(throws: DTMFError.invalidCharacter("x", position: 2)) { try DTMFDigits("12x4") }
        #expect(throws: DTMFError.invalidCharacter(" ", position: 1)) { try DTMFDigits("1 2") }
        #expect(throws: DTMFError.invalidCharacter("E", position: 0)) { try DTMFDigits("E") }
        #expect(throws: DTMFError.invalidCharacter(",", position: 3)) { try DTMFDigits("123,") }
        #expect(throws: DTMFError.invalidCharacter("٣", position: 1)) { try DTMFDigits("1٣") }
    }
}
