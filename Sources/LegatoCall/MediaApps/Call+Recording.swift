import Glibc
import LegatoAudio
import LegatoMedia
import LegatoSIP

/// Recording a call whose media runs through Legato: both directions, caller
/// left and callee right (or mixed to mono), written as WAV, FLAC or MP3 by a
/// writer thread through a bounded queue. `RecordStarted` carries the file's
/// path; `RecordStopped` fires once the file is complete — after
/// `stopRecording()`, or when the call's media goes away on any teardown path.
extension Call {
    /// Starts recording into `parameters.directory`, the file named by the
    /// call's id. Errors (no media, unwritable directory) come as
    /// `RecordStopped` with `error`; the call goes on.
    public func record(_ parameters: RecordParameters) {
        let path = parameters.directory.hasSuffix("/") ? parameters.directory : parameters.directory + "/"
        let file = path + Self.fileName(id) + "." + parameters.format.fileExtension
        guard let (session, _) = media else {
            recordFailed(file, "the call has no media in Legato (answer() or a relay bridge first)")
            return
        }
        let stereo = parameters.stereo, format = parameters.format
        var codecs: [RelayLeg: [UInt8: AudioCodec]] = [:]
        if let bridge {
            codecs[.a] = Self.audioCodecs(of: bridge.a.remoteSession)
            codecs[.b] = Self.audioCodecs(of: bridge.b.remoteSession)
        } else {
            codecs[.a] = Self.audioCodecs(of: remoteSession)
        }
        CallMediaApps.nextID += 1
        let id = CallMediaApps.nextID
        let writer: RecordingWriter
        do {
            // The completion holds the call until the file is closed, so RecordStopped fires after any teardown.
            writer = try RecordingWriter(path: file, format: format, channels: stereo ? 2 : 1, sampleRate: 8000) { frames, lost in
                Task { @SIPActor in self.recordingEnded(id, path: file, frames: frames, lost: lost) }
            }
        } catch {
            recordFailed(file, "\(error)")
            return
        }
        mediaApps.recording = (id, file)
        Task { @SIPActor in
            do {
                try await session.startRecording(id, writer: writer, stereo: stereo, codecs: codecs)
            } catch {
                writer.finish()
                return
            }
            self.logger.info("call.record-started", metadata: ["record.path": "\(file)"])
            self.fireMediaEvent(.recordStarted(path: file))
        }
    }

    /// Stops the recording; `RecordStopped` follows once the file is complete.
    public func stopRecording() {
        guard mediaApps.recording != nil, let (session, _) = media else { return }
        Task { try? await session.stopRecording() }
    }

    private func recordFailed(_ path: String, _ error: String) {
        logger.warning("call.record-failed", metadata: ["record.path": "\(path)", "error": "\(error)"])
        fireMediaEvent(.recordStopped(path: path, error: error))
    }

    /// The writer closed the file.
    func recordingEnded(_ id: UInt64, path: String, frames: Int, lost: Int) {
        if mediaApps.recording?.id == id { mediaApps.recording = nil }
        logger.info("call.record-stopped", metadata: ["record.path": "\(path)", "record.frames": "\(frames)",
                                                      "record.lost": "\(lost)"])
        fireMediaEvent(.recordStopped(path: path, error: nil))
    }

    /// A file name from a call id (anything but letters, digits, `-`, `_`, `.` becomes `_`).
    nonisolated static func fileName(_ id: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        let name = String(id.map { allowed.contains($0) ? $0 : "_" })
        return name.isEmpty || name.hasPrefix(".") ? "call" + name : name
    }
}
