import EventLog
import Foundation
import ProgramRunner
import Testing

@Suite struct CrashTests {
    /// The crash writer is built next to the test bundle.
    private var writerPath: String { ProgramRunner.built("LogCrashWriter") }

    @Test func killedWritersLoseNothingAcknowledged() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.path + "/log"
        #expect(FileManager.default.isExecutableFile(atPath: writerPath), "missing \(writerPath)")
        var acknowledged: [(batch: Int, last: UInt64)] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<30 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: writerPath)
            process.arguments = [path]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            // Let it start (first run creates the store) and then append for a while.
            usleep(UInt32.random(in: 60_000...250_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ")
                if parts.count == 3, parts[0] == "ACK", let b = Int(parts[1]), let s = UInt64(parts[2]) {
                    acknowledged.append((b, s))
                }
            }
        }
        #expect(acknowledged.count > 30, "the writer hardly ran: \(acknowledged.count) acknowledged appends")

        let log = try EventLog.open(at: path)
        let report = try log.verify()
        #expect(report.isIntact, "\(String(describing: report.failure))")
        let head = try log.head()
        #expect(head >= acknowledged.map(\.last).max() ?? 0)

        // Every batch in the log is whole, and every acknowledged one is there.
        var batches: [Int: (count: Int, size: Int, last: UInt64)] = [:]
        for event in try log.events(from: 1) {
            let parts = String(decoding: event.payload, as: UTF8.self).split(separator: "/")
            let batch = Int(parts[0].dropFirst())!
            let size = Int(parts[2])!
            var entry = batches[batch] ?? (0, size, 0)
            entry.count += 1
            entry.last = event.sequence
            batches[batch] = entry
        }
        for (batch, entry) in batches {
            #expect(entry.count == entry.size, "batch \(batch) is partial: \(entry.count) of \(entry.size)")
        }
        for ack in acknowledged {
            #expect(batches[ack.batch]?.last == ack.last, "acknowledged batch \(ack.batch) is missing")
        }
    }
}
