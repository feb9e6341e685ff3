// Appends batches to a log forever, printing "ACK <batch> <last sequence>" after
// each acknowledged append, until it is killed. The crash test kills it with
// SIGKILL at random moments and then checks the log.
import EventLog
import Foundation

let path = CommandLine.arguments[1]
let log = FileManager.default.fileExists(atPath: path + "/data.mdb")
    ? try EventLog.open(at: path)
    : try EventLog.create(at: path, school: "crash")

// Continue the batch numbering from what is already in the log.
var batch = 0
if let last = try log.event(at: try log.head()) {
    let text = String(decoding: last.payload, as: UTF8.self)
    batch = Int(text.split(separator: "/")[0].dropFirst())! + 1
}
while true {
    let size = 1 + batch % 13
    let events = (0..<size).map { i in
        ProposedEvent(
            stream: "batch/\(batch % 17)", type: "CrashTestEvent",
            effectiveDate: CivilDate(year: 2024, month: 9, day: 2)!,
            actor: Actor(userID: "T0001", role: "teacher"),
            payload: Array("b\(batch)/\(i)/\(size)".utf8))
    }
    let result = try await log.append(events)
    // Unbuffered, so that every acknowledgement printed reaches the parent.
    FileHandle.standardOutput.write(Data("ACK \(batch) \(result.last)\n".utf8))
    batch += 1
}
