import CRawLMDB
import EventLog
import Foundation
import GRDB

// MARK: - Peer A: SQLite through GRDB

/// An event log as one would build it on SQLite: one table with the envelope's
/// columns, a unique index on the event id (idempotency) and one on (stream,
/// version) (optimistic concurrency), WAL mode with `synchronous = FULL` so a
/// commit is durable as LMDB's is. The stream version is found by the insert
/// itself (`max(version) + 1` through the index), as Letopis looks it up in its
/// streams table. Hash columns hold 32 bytes each, but nothing is hashed: the
/// peer stores the same bytes, it does not do Letopis's hashing.
final class SQLiteLog: @unchecked Sendable {
    let pool: DatabasePool
    let path: String
    private let hashes: [Data]

    static let insertSQL = """
        INSERT INTO events (id, stream, version, recorded_at, effective_date, actor_user, actor_role,
                            school, type, schema_version, payload, previous_hash, hash)
        SELECT ?1, ?2, coalesce(max(version), 0) + 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12
        FROM events WHERE stream = ?2
        """

    init(path: String) throws {
        self.path = path
        var config = Configuration()
        config.maximumReaderCount = 2
        pool = try DatabasePool(path: path, configuration: config)
        // GRDB sets `synchronous = NORMAL` for WAL; the benchmark wants a durable commit.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            let mode = try Int.fetchOne(db, sql: "PRAGMA synchronous")
            precondition(mode == 2, "synchronous is \(mode ?? -1), not FULL")
            let journal = try String.fetchOne(db, sql: "PRAGMA journal_mode")
            precondition(journal == "wal", "journal mode is \(journal ?? "?"), not WAL")
            try db.execute(sql: """
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY,
                    id BLOB NOT NULL,
                    stream TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    recorded_at INTEGER NOT NULL,
                    effective_date INTEGER NOT NULL,
                    actor_user TEXT NOT NULL,
                    actor_role TEXT NOT NULL,
                    school TEXT NOT NULL,
                    type TEXT NOT NULL,
                    schema_version INTEGER NOT NULL,
                    payload BLOB NOT NULL,
                    previous_hash BLOB NOT NULL,
                    hash BLOB NOT NULL);
                CREATE UNIQUE INDEX events_id ON events(id);
                CREATE UNIQUE INDEX events_stream_version ON events(stream, version);
                """)
        }
        var rng = SplitMix64(seed: 7)
        hashes = (0..<64).map { _ in Data((0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }
    }

    /// A row as the peer binds it; made before the clock starts, like the
    /// `ProposedEvent`s handed to Letopis.
    struct Row: Sendable {
        var id: Data
        var stream: String
        var effectiveDate: Int64
        var actorUser: String
        var actorRole: String
        var type: String
        var schemaVersion: Int64
        var payload: Data

        init(_ event: ProposedEvent) {
            id = withUnsafeBytes(of: event.id.uuid) { Data($0) }
            stream = event.stream
            effectiveDate = Int64(event.effectiveDate.daysSinceEpoch)
            actorUser = event.actor.userID
            actorRole = event.actor.role
            type = event.type
            schemaVersion = Int64(event.schemaVersion)
            payload = Data(event.payload)
        }
    }

    private func insert(_ rows: some Sequence<Row>, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: SQLiteLog.insertSQL)
        let now = Timestamp.now().microseconds
        var i = 0
        for row in rows {
            try statement.execute(arguments: [
                row.id, row.stream, now, row.effectiveDate, row.actorUser, row.actorRole,
                Workload.school, row.type, row.schemaVersion, row.payload,
                hashes[i & 63], hashes[(i + 1) & 63],
            ])
            i += 1
        }
    }

    /// One transaction for all of `rows`.
    func append(_ rows: [Row]) throws {
        try pool.write { db in try insert(rows, db) }
    }

    /// One transaction for one row, from an async caller (GRDB queues writers).
    func appendAsync(_ row: Row) async throws {
        try await pool.write { db in try self.insert(CollectionOfOne(row), db) }
    }

    /// Reads every row and decodes every column, as a projection would.
    func scanAll() throws -> (count: Int, bytes: Int) {
        try pool.read { db in
            var count = 0
            var bytes = 0
            let rows = try GRDB.Row.fetchCursor(db, sql: "SELECT * FROM events ORDER BY seq")
            while let row = try rows.next() {
                let seq: Int64 = row[0]
                let id: Data = row[1]
                let stream: String = row[2]
                let version: Int64 = row[3]
                let recordedAt: Int64 = row[4]
                let effective: Int64 = row[5]
                let user: String = row[6]
                let role: String = row[7]
                let school: String = row[8]
                let type: String = row[9]
                let schema: Int64 = row[10]
                let payload: Data = row[11]
                let previous: Data = row[12]
                let hash: Data = row[13]
                count += 1
                bytes += payload.count + id.count + stream.utf8.count + user.utf8.count + role.utf8.count
                    + school.utf8.count + type.utf8.count + previous.count + hash.count
                    + Int(truncatingIfNeeded: seq &+ version &+ recordedAt &+ effective &+ schema) & 1
            }
            return (count, bytes)
        }
    }

    func count() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0 }
    }
}

// MARK: - Peer B: raw LMDB from C

/// LMDB from C with `MDB_APPEND`, one durable transaction per call, values of
/// the very sizes Letopis stores (envelope, payload, both hashes) filled from a
/// pool of random bytes: no hashing, no side tables. The ceiling.
final class RawLMDB: @unchecked Sendable {
    private let handle: OpaquePointer
    private let pool: [UInt8]

    /// With `tables`, the store also has Letopis's side tables (see rawlmdb.h).
    init(path: String, durable: Bool = true, tables: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        var error: Int32 = 0
        let opened = tables ? rawlmdb_open_tables(path, durable ? 1 : 0, &error) : rawlmdb_open(path, durable ? 1 : 0, &error)
        guard let handle = opened else {
            throw BenchError("raw LMDB open failed: \(String(cString: rawlmdb_strerror(error)))")
        }
        self.handle = handle
        var rng = SplitMix64(seed: 11)
        pool = (0..<(1 << 16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    deinit { rawlmdb_close(handle) }

    /// One durable transaction appending values of these sizes.
    func append(sizes: [UInt32]) throws {
        let rc = sizes.withUnsafeBufferPointer { s in
            pool.withUnsafeBufferPointer { p in
                rawlmdb_append(handle, s.baseAddress, s.count, p.baseAddress, p.count)
            }
        }
        if rc != 0 { throw BenchError("raw LMDB append failed: \(String(cString: rawlmdb_strerror(rc)))") }
    }

    /// What `append(_:)` of a store with side tables takes, made before the clock starts.
    struct TableBatch: Sendable {
        var sizes: [UInt32]
        var ids: [UInt8]
        var streams: [UInt8]
        var streamLengths: [UInt32]

        init(_ events: [ProposedEvent]) {
            sizes = events.map { UInt32(Workload.storedSize($0)) }
            ids = events.flatMap { event in withUnsafeBytes(of: event.id.uuid) { Array($0) } }
            streams = events.flatMap { Array($0.stream.utf8) }
            streamLengths = events.map { UInt32($0.stream.utf8.count) }
        }
    }

    /// One durable transaction writing the events and the side tables.
    func append(_ batch: TableBatch) throws {
        let rc = batch.sizes.withUnsafeBufferPointer { s in
            pool.withUnsafeBufferPointer { p in
                batch.ids.withUnsafeBufferPointer { i in
                    batch.streams.withUnsafeBufferPointer { st in
                        batch.streamLengths.withUnsafeBufferPointer { l in
                            st.withMemoryRebound(to: CChar.self) { names in
                                rawlmdb_append_tables(handle, s.baseAddress, s.count, p.baseAddress, p.count,
                                                      i.baseAddress, names.baseAddress, l.baseAddress)
                            }
                        }
                    }
                }
            }
        }
        if rc != 0 { throw BenchError("raw LMDB append failed: \(String(cString: rawlmdb_strerror(rc)))") }
    }

    var head: UInt64 { rawlmdb_head(handle) }

    func scan() throws -> (count: UInt64, bytes: UInt64) {
        var count: UInt64 = 0, bytes: UInt64 = 0, checksum: UInt64 = 0
        let rc = rawlmdb_scan(handle, &count, &bytes, &checksum)
        if rc != 0 { throw BenchError("raw LMDB scan failed: \(String(cString: rawlmdb_strerror(rc)))") }
        return (count, bytes &+ (checksum & 1))
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
