import CSndFile
import Foundation
import Testing

extension Integration {
    /// `record: true` on a bridged relay call beyond G.711 into WAV:
    /// `media.record_format` flac and mp3, and a call whose two clients speak
    /// only Opus. Each file is read back with libsndfile (`SoundFileAudio`)
    /// and checked by content: a stereo file named by the call id, complete
    /// (its header's frame count matches what decodes), the caller's 440 Hz
    /// on the left and the callee's 1000 Hz on the right.
    @Suite("Recording formats")
    struct RecordFormats {
        @Test("record_format: flac / mp3 — a valid stereo file named by the call id, caller's 440 Hz left, callee's 1000 Hz right",
              arguments: ["flac", "mp3"])
        func recordFormat(format: String) async throws {
            let test = try TestContext()
            let folder = try Self.folder(test)
            let conf = BaresipMediaApps.recordingConf(test, folder: folder, format: format)
            _ = try await BaresipMedia.talk(test, conf: conf, seconds: 4)
            let path = try Self.recordedFile(test, folder: folder, extension: format)
            let magic = SoundFileAudio.magic(path)
            let decoded = try SoundFileAudio.read(path)
            let frames = decoded.channels.first?.samples.count ?? 0
            if format == "flac" {
                #expect(magic == Array("fLaC".utf8), "\(path) does not start with fLaC: \(magic)")
                #expect(decoded.formatName == "FLAC" && decoded.subtype == Int(SF_FORMAT_PCM_16),
                        "\(path): \(decoded.formatName), subtype \(decoded.subtype)")
                // STREAMINFO's sample count is written when the file is closed.
                #expect(decoded.declaredFrames == frames, "header: \(decoded.declaredFrames) frames, decoded \(frames)")
            } else {
                #expect(decoded.formatName == "MPEG" && decoded.subtype == Int(SF_FORMAT_MPEG_LAYER_III),
                        "\(path): \(decoded.formatName), subtype \(decoded.subtype)")
                // The LAME/Info header (frame count) is written when the file is closed.
                #expect(abs(decoded.declaredFrames - frames) <= 1152, "header: \(decoded.declaredFrames) frames, decoded \(frames)")
                // The seed's default: 8 kHz, constant 32 kbit/s.
                let header = try Self.firstMPEGFrame(path)
                #expect(header.version == "2.5" && header.layer == 3 && header.kbps == 32 && header.rate == 8000,
                        "first MPEG frame of \(path): \(header)")
                let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                let bitrate = Double(size * 8) / max(decoded.seconds, 0.1)
                #expect((27_000...38_000).contains(bitrate), "\(path): \(Int(bitrate)) bit/s on average")
            }
            Self.expectCallerLeftCalleeRight(decoded, path: path)
        }

        @Test("record: true, both clients Opus only — a stereo WAV, caller's 440 Hz left, callee's 1000 Hz right; both hear each other")
        func recordOpusCall() async throws {
            let test = try TestContext()
            let folder = try Self.folder(test)
            let conf = BaresipMediaApps.recordingConf(test, folder: folder, format: "wav")
            let call = try await BaresipMedia.talk(test, conf: conf, seconds: 4, codecs: "opus/48000/2")
            // Both legs negotiated Opus, and nothing else: Legato's answer to the caller, the callee's
            // answer to Legato (baresip's reason phrase is "Answering").
            for side in [call.caller, call.callee] {
                let answer = side.log.components(separatedBy: "SIP/2.0 200 ").dropFirst().first ?? ""
                #expect(answer.contains("opus/48000") && !answer.contains("PCMU/8000") && !answer.contains("PCMA/8000"),
                        "\(side.options.name)'s call is not Opus only; log \(side.logPath)")
            }
            BaresipMedia.expectHears(call.caller, BaresipMedia.calleeTone)
            BaresipMedia.expectHears(call.callee, BaresipMedia.callerTone)
            let path = try Self.recordedFile(test, folder: folder, extension: "wav")
            let decoded = try SoundFileAudio.read(path)
            #expect(decoded.formatName == "WAV" && decoded.subtype == Int(SF_FORMAT_PCM_16), "\(path): \(decoded.formatName)")
            #expect(decoded.declaredFrames == decoded.channels.first?.samples.count, "the WAV header's size is not the data's")
            Self.expectCallerLeftCalleeRight(decoded, path: path)
        }

        @Test("the daemon is stopped during a recorded call (SIGTERM, grace 1 s): both sides are hung up and the FLAC file is complete")
        func recordingClosedAtShutdown() async throws {
            let test = try TestContext()
            let folder = try Self.folder(test)
            var conf = BaresipMediaApps.recordingConf(test, folder: folder, format: "flac")
            conf.shutdownGrace = 1
            let tones = try BaresipMedia.tones(test)
            try await withBaresip(.callee(test.ports, tone: tones.callee), artifacts: test.artifacts) { callee in
                try await withBaresip(.caller(test.ports, tone: tones.caller), artifacts: test.artifacts) { caller in
                    let legato = try await LegatoProcess.start(conf, artifacts: test.artifacts)
                    do {
                        try await BaresipMedia.establish(caller, callee, legato)
                        _ = await waitUntil(timeout: .seconds(12), interval: .milliseconds(100)) {
                            caller.recordedSeconds() >= 3.5 && callee.recordedSeconds() >= 3.5
                        }
                        let status = try await legato.stop()
                        #expect(status == 0, "legato exited \(status); log \(legato.logPath)")
                    } catch {
                        await legato.forceKill()
                        throw error
                    }
                    #expect(await caller.waitForEvent("CALL_CLOSED", timeout: .seconds(5)), "log \(caller.logPath)")
                    #expect(await callee.waitForEvent("CALL_CLOSED", timeout: .seconds(5)), "log \(callee.logPath)")
                }
            }
            let path = try Self.recordedFile(test, folder: folder, extension: "flac")
            let decoded = try SoundFileAudio.read(path)
            let frames = decoded.channels.first?.samples.count ?? 0
            // STREAMINFO's sample count is written when the file is closed: 0 or less if the daemon exited first.
            #expect(frames > 0 && decoded.declaredFrames == frames, "header: \(decoded.declaredFrames) frames, decoded \(frames)")
            Self.expectCallerLeftCalleeRight(decoded, path: path)
        }

        // MARK: - helpers

        static func folder(_ test: TestContext) throws -> String {
            let folder = test.artifacts.path("recordings")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return folder
        }

        /// The one file in `folder`: named by the inbound call's id (from
        /// `call.inbound` in the daemon's log) with `extension`, reported
        /// stopped (`call.record-stopped`, no frame lost).
        static func recordedFile(_ test: TestContext, folder: String, extension ext: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            let logPath = test.artifacts.path("legato.log")
            let lines = Artifacts.read(logPath).split(whereSeparator: \.isNewline)
            let callID = try #require(lines.first { $0.contains("call.inbound") }.flatMap { value("call.id", in: $0) },
                                      "no call.inbound with a call.id in \(logPath)", sourceLocation: sourceLocation)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            let expected = fileName(callID) + "." + ext
            try #require(files == [expected], "recordings \(files), expected [\(expected)]; log \(logPath)",
                         sourceLocation: sourceLocation)
            let path = folder + "/" + expected
            let stopped = lines.first { $0.contains("call.record-stopped") && value("record.path", in: $0) == path }
            #expect(stopped != nil, "no call.record-stopped for \(path); log \(logPath)", sourceLocation: sourceLocation)
            #expect(stopped.flatMap { value("record.lost", in: $0) } == "0", "frames lost: \(stopped ?? "")",
                    sourceLocation: sourceLocation)
            return path
        }

        /// The value of `key=` in a log line (up to the next space).
        static func value(_ key: String, in line: Substring) -> String? {
            line.range(of: " " + key + "=").map { String(line[$0.upperBound...].prefix { $0 != " " }) }
        }

        /// A call id as a file name: what `Call.record` does (anything but letters, digits, `-`, `_`, `.` becomes `_`).
        static func fileName(_ callID: String) -> String {
            String(callID.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
        }

        /// Stereo at 8 kHz, at least 3 s; left: the caller's 440 Hz, right: the
        /// callee's 1000 Hz, each dominant, clean (a tone, not noise) and not silent.
        static func expectCallerLeftCalleeRight(_ decoded: SoundFileAudio.Decoded, path: String,
                                                sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(decoded.channels.count == 2 && decoded.sampleRate == 8000,
                    "\(path): \(decoded.channels.count) channels at \(decoded.sampleRate) Hz", sourceLocation: sourceLocation)
            guard decoded.channels.count == 2 else { return }
            #expect(decoded.seconds >= 3, "\(path): only \(decoded.seconds) s", sourceLocation: sourceLocation)
            for (name, channel, tone) in [("left", decoded.channels[0], 440.0), ("right", decoded.channels[1], 1000.0)] {
                let body = channel.dropFirst(seconds: 0.5)
                let dominant = ToneAudio.dominant(of: BaresipMediaApps.candidates, in: body)
                #expect(dominant?.frequency == tone && (dominant?.ratio ?? 0) > 10,
                        "\(name) of \(path): \(String(describing: dominant)), not \(Int(tone)) Hz", sourceLocation: sourceLocation)
                let clean = ToneAudio.toneFraction(at: tone, in: body)
                #expect(clean > 0.8, "\(name) of \(path): only \(clean) of the energy is \(Int(tone)) Hz",
                        sourceLocation: sourceLocation)
                let loud = ToneAudio.nonSilentFraction(of: body)
                #expect(loud > 0.8, "\(name) of \(path): \(Int((1 - loud) * 100)) % silence", sourceLocation: sourceLocation)
            }
        }

        struct MPEGFrame: CustomStringConvertible {
            var version: String
            var layer: Int
            var kbps: Int
            var rate: Int
            var description: String { "MPEG \(version) layer \(layer), \(kbps) kbit/s, \(rate) Hz" }
        }

        /// The header of the first MPEG audio frame (after an ID3v2 tag, if any).
        static func firstMPEGFrame(_ path: String) throws -> MPEGFrame {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            var at = 0
            if bytes.count > 10, Array(bytes[0..<3]) == Array("ID3".utf8) {
                at = 10 + (Int(bytes[6]) << 21 | Int(bytes[7]) << 14 | Int(bytes[8]) << 7 | Int(bytes[9]))
            }
            guard at + 4 <= bytes.count, bytes[at] == 0xFF, bytes[at + 1] & 0xE0 == 0xE0 else {
                throw HarnessError("\(path): no MPEG frame sync at byte \(at)")
            }
            let versionBits = (bytes[at + 1] >> 3) & 3, layerBits = (bytes[at + 1] >> 1) & 3
            let bitrateIndex = Int(bytes[at + 2] >> 4), rateIndex = Int((bytes[at + 2] >> 2) & 3)
            let version = ["2.5", "reserved", "2", "1"][Int(versionBits)]
            let layer = [0, 3, 2, 1][Int(layerBits)]
            // Layer III bit rates (kbit/s): MPEG-1, and MPEG-2/2.5.
            let kbps = version == "1"
                ? [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0][bitrateIndex]
                : [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0][bitrateIndex]
            let rates = ["1": [44_100, 48_000, 32_000], "2": [22_050, 24_000, 16_000], "2.5": [11_025, 12_000, 8_000]]
            let rate = rateIndex < 3 ? rates[version]?[rateIndex] ?? 0 : 0
            return MPEGFrame(version: version, layer: layer, kbps: kbps, rate: rate)
        }
    }
}
