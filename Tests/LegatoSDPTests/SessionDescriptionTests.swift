import Testing
import Foundation
@testable import LegatoSDP

@Suite("SessionDescription")
struct SessionDescriptionTests {
    static let held = """
    v=0\r
    o=- 1 1 IN IP4 127.0.0.1\r
    s=-\r
    a=sendonly\r
    c=IN IP4 127.0.0.1\r
    t=0 0\r
    m=audio 4000 RTP/AVP 0\r
    a=rtpmap:0 PCMU/8000\r
    a=sendonly\r
    a=ptime:20\r

    """

    @Test("settingDirection replaces the section's direction and drops the session-level one")
    func settingDirection() throws {
        let sdp = try SDPParser.parse(Self.held)
        let answer = sdp.settingDirection(sdp.direction(of: 0).reversed, of: 0)
        #expect(answer.direction(of: 0) == .recvonly)
        #expect(!answer.sessionLines.contains { $0.type == "a" })
        #expect(answer.media[0].lines.filter { MediaDirection(rawValue: $0.value) != nil }.count == 1)
        #expect(answer.media[0].attributes("ptime") == ["20"], "other attributes stay")
        #expect(sdp.direction(of: 0) == .sendonly, "the original is unchanged")
    }

    @Test("settingDirection adds a direction to a section that had none")
    func addsDirection() throws {
        let sdp = try SDPParser.parse(Self.held.replacingOccurrences(of: "a=sendonly\r\n", with: ""))
        #expect(sdp.settingDirection(.inactive, of: 0).direction(of: 0) == .inactive)
    }
}
