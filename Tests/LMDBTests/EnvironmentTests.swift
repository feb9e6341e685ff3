import Foundation
import LMDB
import Testing

@Suite struct EnvironmentTests {
    private func makeEnvironment(mapSize: Int = 1 << 20) throws -> (Environment, String) {
        let path = NSTemporaryDirectory() + "lmdb-test-\(UUID().uuidString)"
        var options = Environment.Options()
        options.create = true
        options.initialMapSize = mapSize
        return (try Environment(path: path, options: options), path)
    }

    @Test func writesAreVisibleAfterCommitAndAbortedOnesAreNot() throws {
        let (env, path) = try makeEnvironment()
        defer { env.close(); try? FileManager.default.removeItem(atPath: path) }
        let db = try env.database("t")
        try env.write { txn in try txn.put(db, key: Array("a".utf8), value: Array("1".utf8)) }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try env.write { txn in
                try txn.put(db, key: Array("b".utf8), value: Array("2".utf8))
                throw Boom()
            }
        }
        try env.read { (txn) throws in
            #expect(try txn.get(db, key: Array("a".utf8)) == Array("1".utf8))
            #expect(try txn.get(db, key: Array("b".utf8)) == nil)
            #expect(try txn.count(db) == 1)
        }
    }

    @Test func mapGrowsInsteadOfFailing() throws {
        let (env, path) = try makeEnvironment(mapSize: 1 << 20)
        defer { env.close(); try? FileManager.default.removeItem(atPath: path) }
        let db = try env.database("big")
        let value = [UInt8](repeating: 42, count: 4000)
        var attempts = 0
        try env.write { txn in
            attempts += 1
            for i in 0..<5000 { try txn.put(db, key: BigEndianKey(UInt64(i)), value: value, flags: .append) }
        }
        #expect(attempts > 1, "the map never filled, so growth was not exercised")
        #expect(env.mapSize > 1 << 20)
        #expect(try env.read { txn in try txn.count(db) } == 5000)
    }

    @Test func namedErrorsAndAppendOrder() throws {
        let (env, path) = try makeEnvironment()
        defer { env.close(); try? FileManager.default.removeItem(atPath: path) }
        let db = try env.database("t")
        try env.write { txn in try txn.put(db, key: BigEndianKey(5), value: Array("x".utf8), flags: .append) }
        #expect(throws: LMDBError.keyExists) {
            try env.write { txn in try txn.put(db, key: BigEndianKey(3), value: Array("y".utf8), flags: .append) }
        }
        #expect(throws: LMDBError.keyExists) {
            try env.write { txn in try txn.put(db, key: BigEndianKey(5), value: Array("y".utf8), flags: .noOverwrite) }
        }
        #expect(LMDBError.mapFull.description.contains("MDB_MAP_FULL"))
    }

    @Test func cursorsSeekAndIterate() throws {
        let (env, path) = try makeEnvironment()
        defer { env.close(); try? FileManager.default.removeItem(atPath: path) }
        let db = try env.database("t")
        try env.write { txn in
            for key in ["apple", "banana", "cherry", "date"] {
                try txn.put(db, key: Array(key.utf8), value: Array(key.uppercased().utf8))
            }
        }
        try env.read { (txn) throws in
            var seen: [String] = []
            try txn.forEach(db, prefix: Array("b".utf8)) { key, _ in
                seen.append(String(decoding: key, as: UTF8.self))
                return true
            }
            #expect(seen == ["banana"])
            try txn.withCursor(db) { cursor in
                let before = try Array("c".utf8).withRawBytes { try cursor.seekBefore($0) }
                #expect(before.map { String(decoding: $0.key, as: UTF8.self) } == "banana")
                let last = try cursor.last()
                #expect(last.map { String(decoding: $0.value, as: UTF8.self) } == "DATE")
            }
        }
    }

    @Test func openingAMissingEnvironmentCreatesNothing() throws {
        let path = NSTemporaryDirectory() + "lmdb-missing-\(UUID().uuidString)"
        #expect(throws: LMDBError.noSuchFile) { try Environment(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
