import Foundation
import Logging
import Testing
@testable import Legato

/// The CDR file writer: lines appended in order, a reopen after the file was
/// moved (logrotate), an unwritable path counted and never blocking, a full queue dropping.
@Suite struct CDRWriterTests {
    static func directory() throws -> String {
        let dir = NSTemporaryDirectory() + "legato-cdr-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func appendsLinesInOrderAndReopensAfterRotation() async throws {
        let dir = try Self.directory()
        let path = dir + "/cdr.jsonl"
        let writer = CDRWriter(path: path, capacity: 100, logger: Logger(label: "test"))
        writer.write("{\"n\":1}")
        writer.write("{\"n\":2}")
        await writer.flush()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"n\":1}\n{\"n\":2}\n")
        // logrotate: move the file, then SIGUSR1 → reopen: new lines go to a new file.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        writer.write("{\"n\":3}")
        await writer.flush()
        #expect(!FileManager.default.fileExists(atPath: path), "without a reopen the moved file still gets lines")
        writer.reopen()
        writer.write("{\"n\":4}")
        await writer.flush()
        #expect(try String(contentsOfFile: path + ".1", encoding: .utf8) == "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"n\":4}\n")
        #expect(writer.counts.written == 4)
        #expect(writer.counts.failed == 0)
    }

    @Test func unwritablePathIsCountedAndDoesNotBlock() async throws {
        let writer = CDRWriter(path: "/nonexistent-dir-\(UInt32.random(in: 0...UInt32.max))/cdr.jsonl", capacity: 10,
                               logger: Logger(label: "test"))
        let start = ContinuousClock.now
        for n in 0..<5 { writer.write("{\"n\":\(n)}") }
        #expect(ContinuousClock.now - start < .seconds(1))
        await writer.flush()
        #expect(writer.counts.failed == 5)
        #expect(writer.counts.written == 0)
    }

    @Test func fullQueueDropsInsteadOfWaiting() async throws {
        let dir = try Self.directory()
        let writer = CDRWriter(path: dir + "/cdr.jsonl", capacity: 2, logger: Logger(label: "test"))
        for n in 0..<2000 { writer.write("{\"n\":\(n)}") }
        await writer.flush()
        let counts = writer.counts
        #expect(counts.written + counts.dropped == 2000)
        #expect(counts.dropped > 0)
        let lines = try String(contentsOfFile: dir + "/cdr.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(UInt64(lines.count) == counts.written)
    }
}
