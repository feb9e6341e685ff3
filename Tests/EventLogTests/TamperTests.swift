import EventLog
import Foundation
import LMDB
import Testing

@Suite struct TamperTests {
    /// Flips one byte of event `sequence`'s stored value in the data file of a copy
    /// of the store, at `offset` within the value.
    private func flipByte(of sequence: UInt64, at offset: (Int) -> Int, in original: TemporaryDirectory) throws -> TemporaryDirectory {
        let copy = TemporaryDirectory("letopis-tampered")
        try FileManager.default.removeItem(atPath: copy.path)
        try FileManager.default.copyItem(atPath: original.path, toPath: copy.path)
        let log = try EventLog.open(at: original.path, options: .init(readOnly: true))
        var stored: [UInt8] = []
        try log.scanStored(from: sequence, through: sequence) { _, value in
            stored = Array(value)
            return false
        }
        log.close()
        let file = copy.path + "/data.mdb"
        var data = try Data(contentsOf: URL(fileURLWithPath: file))
        let range = try #require(data.range(of: Data(stored)))
        let position = range.lowerBound + offset(stored.count)
        data[position] ^= 0x20
        try data.write(to: URL(fileURLWithPath: file))
        return copy
    }

    enum Place: String, CaseIterable, Sendable {
        case payload, previousHash, storedHash, header

        func offset(in count: Int) -> Int {
            switch self {
            case .payload: return count - 40
            case .previousHash: return 5
            case .storedHash: return count - 3
            case .header: return 40
            }
        }
    }

    @Test(arguments: Place.allCases)
    func aChangedByteIsNamed(place: Place) async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "s1")
        for i in 0..<50 { try await log.append([makeEvent(payload: "a payload long enough to flip a byte in, number \(i)")]) }
        log.close()
        let tampered = try flipByte(of: 23, at: place.offset(in:), in: dir)
        defer { tampered.cleanup() }
        let reopened = try EventLog.open(at: tampered.path, options: .init(readOnly: true))
        let report = try reopened.verify()
        #expect(report.failure?.sequence == 23, "\(place): \(String(describing: report.failure))")
        #expect(!report.isIntact)
    }

    @Test func intactCopyVerifies() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "s1")
        for i in 0..<50 { try await log.append([makeEvent(payload: "event \(i)")]) }
        let report = try log.verify()
        #expect(report.isIntact)
        #expect(report.count == 50)
        #expect(report.merkleRoot == (try log.merkleRoot().root))
        #expect(report.headHash == (try log.event(at: 50))?.hash)
        #expect(try log.verify(from: 20, through: 30).count == 11)
    }
}

@Suite struct StoreOpeningTests {
    @Test func emptyDirectoryIsNotAStore() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        #expect(throws: EventLogError.self) { try EventLog.open(at: dir.path) }
        #expect(throws: EventLogError.self) { try Store.open(at: dir.path) }
        #expect(directoryContents(dir.path).isEmpty)
    }

    @Test func foreignFileIsRefusedAndLeftAlone() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let junk = Data((0..<10_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        FileManager.default.createFile(atPath: dir.path + "/data.mdb", contents: junk)
        let before = directoryContents(dir.path)
        do {
            _ = try EventLog.open(at: dir.path)
            Issue.record("opened a directory with a foreign data.mdb")
        } catch let error as EventLogError {
            guard case .notAStore = error else { Issue.record("unexpected \(error)"); return }
        }
        #expect(directoryContents(dir.path) == before)
    }

    @Test func otherLMDBEnvironmentIsRefusedAndLeftAlone() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var options = Environment.Options()
        options.create = true
        let other = try Environment(path: dir.path, options: options)
        let db = try other.database("someone-elses")
        try other.write { try $0.put(db, key: Array("k".utf8), value: Array("v".utf8)) }
        other.close()
        let before = directoryContents(dir.path)
        #expect(throws: EventLogError.notAStore(path: dir.path, reason: "it has no Letopis metadata")) {
            try EventLog.open(at: dir.path)
        }
        #expect(directoryContents(dir.path) == before)
    }

    @Test func newerFormatIsRefused() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "s1")
        try await log.append([makeEvent()])
        let meta = try log.environment.database("log.meta")
        try log.environment.write { try $0.put(meta, key: Array("format".utf8), value: Array("2".utf8)) }
        log.close()
        let before = directoryContents(dir.path)
        #expect(throws: EventLogError.newerFormat(path: dir.path, found: 2, supported: 1)) {
            try EventLog.open(at: dir.path)
        }
        #expect(directoryContents(dir.path) == before)
    }

    @Test func storeManifestIsChecked() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store.create(at: dir.path + "/store", kind: .school)
        #expect(try Store.open(at: store.path).kind == .school)
        try "letopis-store 9\nkind school\n".write(toFile: store.path + "/letopis-store", atomically: true, encoding: .utf8)
        #expect(throws: EventLogError.newerFormat(path: store.path, found: 9, supported: 1)) { try Store.open(at: store.path) }
        for format in ["0", "-1", "1.0", "x"] {
            try "letopis-store \(format)\nkind school\n".write(toFile: store.path + "/letopis-store", atomically: true, encoding: .utf8)
            #expect(throws: EventLogError.notAStore(path: store.path, reason: "letopis-store does not start with \"letopis-store <format>\"")) {
                try Store.open(at: store.path)
            }
        }
        try "letopis-store 1\nkind school\n".write(toFile: store.path + "/letopis-store", atomically: true, encoding: .utf8)
        #expect(throws: EventLogError.alreadyExists(path: store.path)) { try Store.create(at: store.path, kind: .school) }
        #expect(throws: EventLogError.invalidSchoolID("../x")) { try store.createLog(school: "../x") }
    }
}
