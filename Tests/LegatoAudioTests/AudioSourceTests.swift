import LegatoAudio
import Testing

@Suite("Audio sources and the recording mixer")
struct AudioSourceTests {
    @Test("a clip plays once in 20 ms frames, the last one padded, then reports the end")
    func clipOnce() {
        let clip = AudioClip(sampleRate: 8000, samples: (0..<400).map { Int16($0) })
        let source = ClipSource(clip: clip)
        var frame = [Int16](repeating: 7, count: 160)
        #expect(frame.withUnsafeMutableBufferPointer { source.read(into: $0) })
        #expect(frame[0] == 0 && frame[159] == 159)
        #expect(frame.withUnsafeMutableBufferPointer { source.read(into: $0) })
        #expect(frame.withUnsafeMutableBufferPointer { source.read(into: $0) })
        #expect(frame[79] == 399 && frame[80] == 0 && frame[159] == 0)
        #expect(!frame.withUnsafeMutableBufferPointer { source.read(into: $0) })
        #expect(frame.allSatisfy { $0 == 0 })
    }

    @Test("a looped clip wraps around inside a frame and never ends")
    func clipLoop() {
        let clip = AudioClip(sampleRate: 8000, samples: (0..<100).map { Int16($0) })
        let source = ClipSource(clip: clip, loop: true)
        var frame = [Int16](repeating: 0, count: 160)
        for _ in 0..<10 { #expect(frame.withUnsafeMutableBufferPointer { source.read(into: $0) }) }
        // 1600 samples read: the last frame started at 1440 = 14 loops + 40.
        #expect(frame[0] == 40 && frame[59] == 99 && frame[60] == 0)
    }

    @Test("an empty clip ends at once")
    func emptyClip() {
        let source = ClipSource(clip: AudioClip(sampleRate: 8000, samples: []), loop: true)
        var frame = [Int16](repeating: 1, count: 160)
        #expect(!frame.withUnsafeMutableBufferPointer { source.read(into: $0) })
    }

    @Test("stereo mixer: channel 0 left, channel 1 right, silence where a direction sent nothing")
    func stereoMixer() {
        let mixer = RecordingMixer(frameSamples: 4, stereo: true)
        let left: [Int16] = [1, 2, 3, 4, 5]
        left.withUnsafeBufferPointer { mixer.push(0, $0) }
        var out = [Int16](repeating: 9, count: 8)
        out.withUnsafeMutableBufferPointer { mixer.nextFrame(into: $0) }
        #expect(out == [1, 0, 2, 0, 3, 0, 4, 0])
        let right: [Int16] = [10, 20]
        right.withUnsafeBufferPointer { mixer.push(1, $0) }
        out.withUnsafeMutableBufferPointer { mixer.nextFrame(into: $0) }
        #expect(out == [5, 10, 0, 20, 0, 0, 0, 0])
        #expect(mixer.pending(0) == 0 && mixer.pending(1) == 0)
    }

    @Test("mono mixer sums both directions, clamped")
    func monoMixer() {
        let mixer = RecordingMixer(frameSamples: 2, stereo: false)
        let a: [Int16] = [100, 30000], b: [Int16] = [-50, 30000]
        a.withUnsafeBufferPointer { mixer.push(0, $0) }
        b.withUnsafeBufferPointer { mixer.push(1, $0) }
        var out = [Int16](repeating: 0, count: 2)
        out.withUnsafeMutableBufferPointer { mixer.nextFrame(into: $0) }
        #expect(out == [50, 32767])
    }

    @Test("a full direction queue drops its oldest samples (bounded memory)")
    func bounded() {
        let mixer = RecordingMixer(frameSamples: 2, stereo: false, capacity: 4)
        let a: [Int16] = [1, 2, 3, 4, 5, 6]
        a.withUnsafeBufferPointer { mixer.push(0, $0) }
        #expect(mixer.pending(0) == 4)
        var out = [Int16](repeating: 0, count: 2)
        out.withUnsafeMutableBufferPointer { mixer.nextFrame(into: $0) }
        #expect(out == [3, 4])
    }
}
