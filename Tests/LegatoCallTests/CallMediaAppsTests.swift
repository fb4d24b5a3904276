import LegatoAudio
import LegatoSIP
import Testing
@testable import LegatoCall

/// Media applications on calls without a media engine (fake legs): every
/// failure is a PlaybackFinished / RecordStopped event with an error, and the
/// call is left as it was.
@Suite struct CallMediaAppsTests {
    @SIPActor
    static func events(_ call: Call, _ kinds: [CallEventKind]) -> () -> [CallEvent] {
        final class Box { var events: [CallEvent] = [] }
        let box = Box()
        for kind in kinds { call.addEventListener(kind) { box.events.append($0) } }
        return { box.events }
    }

    @Test @SIPActor func overLongTextFinishesWithAnErrorAndTheCallGoesOn() async throws {
        let (call, _) = Fake.inbound()
        let seen = Self.events(call, [.playbackStarted, .playbackFinished])
        let id = call.say(String(repeating: "a", count: 1501))
        try await Task.sleep(for: .milliseconds(50))
        guard case .playbackFinished(let finished, let stopped, let error) = seen().first else {
            Issue.record("\(seen())")
            return
        }
        #expect(finished == id && !stopped)
        #expect(error?.contains("1501 characters (limit 1500)") == true)
        #expect(call.state == .alerting)
    }

    @Test @SIPActor func playbackWithoutMediaInLegatoIsAnError() async throws {
        let (call, _) = Fake.inbound()
        let seen = Self.events(call, [.playbackFinished])
        call.startPlayback(url: "/nonexistent.wav")
        call.playProgressTone("US")
        try await Task.sleep(for: .milliseconds(50))
        #expect(seen().count == 2)
        #expect(seen().allSatisfy {
            if case .playbackFinished(_, false, let error?) = $0 { error.contains("no media in Legato") } else { false }
        })
        #expect(!call.vad())
    }

    @Test @SIPActor func recordingWithoutMediaIsRecordStoppedWithAnError() {
        let (call, _) = Fake.inbound()
        let seen = Self.events(call, [.recordStarted, .recordStopped])
        call.record(RecordParameters(directory: "/tmp"))
        guard case .recordStopped(let path, let error?) = seen().first else {
            Issue.record("\(seen())")
            return
        }
        #expect(path == "/tmp/in.wav")
        #expect(error.contains("no media"))
    }

    @Test func recordingFileNamesAreSafe() {
        #expect(Call.fileName("abc-1.x_Y") == "abc-1.x_Y")
        #expect(Call.fileName("a/b c@d") == "a_b_c_d")
        #expect(Call.fileName("../x") == "call.._x")
    }

    @Test @SIPActor func sendingCodecIsTheFirstSupportedFormat() {
        let offer = SIPBody(contentType: "application/sdp", text: """
            v=0\r
            o=- 1 1 IN IP4 127.0.0.1\r
            s=-\r
            c=IN IP4 127.0.0.1\r
            t=0 0\r
            m=audio 4000 RTP/AVP 97 96 8 0 101\r
            a=rtpmap:97 iLBC/8000\r
            a=rtpmap:96 opus/48000/2\r
            a=rtpmap:8 PCMA/8000\r
            a=rtpmap:101 telephone-event/8000\r

            """)
        let (call, _) = Fake.inbound(offer: offer)
        // iLBC is not decoded: Opus (libopus) is the first Legato can send.
        #expect(call.sendingCodec?.codec == .opus && call.sendingCodec?.payloadType == 96)
        #expect(call.receivedCodecs == [96: .opus, 8: .pcma, 0: .pcmu])
    }
}
