import EventLog
import Foundation
import LMDB

/// A fresh directory under the system's temporary directory, removed by `cleanup`.
struct TemporaryDirectory {
    let path: String

    init(_ name: String = "letopis-test") {
        path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func cleanup() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

func makeEvent(
    stream: String = "lesson/2024-5А/2024-09-02/1", type: String = "GradeRecorded",
    payload: String = "payload", id: UUID = .timeOrdered(), day: Int = 0, recordedAt: Timestamp? = nil
) -> ProposedEvent {
    ProposedEvent(
        id: id, stream: stream, type: type,
        effectiveDate: CivilDate(year: 2024, month: 9, day: 2)!.adding(days: day),
        actor: Actor(userID: "T0001", role: "teacher"), payload: Array(payload.utf8), recordedAt: recordedAt)
}

/// Every stored byte of the log's events, to show that a refused append changed nothing.
func snapshot(_ log: EventLog) throws -> [[UInt8]] {
    var out: [[UInt8]] = []
    try log.scanStored { _, value in
        out.append(Array(value))
        return true
    }
    return out
}

/// The files of a directory and their bytes.
func directoryContents(_ path: String) -> [String: Data] {
    var out: [String: Data] = [:]
    for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
        out[name] = FileManager.default.contents(atPath: path + "/" + name) ?? Data()
    }
    return out
}

/// The naive recursive MTH of RFC 6962 over event hashes, to check the
/// incremental tree against.
func referenceRoot(_ hashes: ArraySlice<Digest32>) -> Digest32 {
    if hashes.isEmpty { return Merkle.emptyRoot }
    if hashes.count == 1 { return Merkle.leafHash(hashes.first!) }
    var k = 1
    while k * 2 < hashes.count { k *= 2 }
    let start = hashes.startIndex
    return Merkle.nodeHash(referenceRoot(hashes[start..<(start + k)]), referenceRoot(hashes[(start + k)...]))
}
