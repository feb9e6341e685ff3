import Foundation
import LMDB

/// The append-only, hash-chained event log of one school, in one LMDB
/// environment that it shares with the school's projections.
///
/// Appends go through one writer thread that batches concurrent callers into one
/// durable transaction (group commit). Reads may come from any task.
///
/// `@unchecked Sendable`: its stored properties are immutable after `init`, and
/// the mutable parts (writer, notifier) synchronize themselves.
public final class EventLog: @unchecked Sendable {
    /// The version of the on-disk layout this code writes and reads.
    public static let formatVersion = 1

    public let environment: Environment
    public let school: String
    public let path: String
    let tables: LogTables
    let notifier: HeadNotifier
    let writer: LogWriter?

    public struct Options: Sendable {
        /// `false` skips fsync at commit: only for scratch stores and benchmarks.
        public var durable = true
        public var readOnly = false
        /// Where recorded-at comes from when a proposed event does not carry one.
        public var clock: @Sendable () -> Timestamp = { Timestamp.now() }

        public init(durable: Bool = true, readOnly: Bool = false) {
            self.durable = durable
            self.readOnly = readOnly
        }
    }

    /// Creates a new, empty log for `school` in the directory `path`, which must
    /// not hold a store yet.
    public static func create(at path: String, school: String, options: Options = Options()) throws -> EventLog {
        try Store.validate(schoolID: school)
        if FileManager.default.fileExists(atPath: path + "/data.mdb") {
            throw EventLogError.alreadyExists(path: path)
        }
        var envOptions = Environment.Options()
        envOptions.create = true
        envOptions.durable = options.durable
        let environment = try storageCall("creating \(path)") { try Environment(path: path, options: envOptions) }
        let tables = try LogTables(environment: environment, create: true)
        try storageCall("writing the log's metadata") {
            try environment.write { txn in
                try txn.put(tables.meta, key: LogTables.formatKey, value: Array(String(formatVersion).utf8))
                try txn.put(tables.meta, key: LogTables.schoolKey, value: Array(school.utf8))
            }
        }
        return try EventLog(environment: environment, tables: tables, school: school, path: path, options: options)
    }

    /// Opens an existing log. Nothing is written unless this is a Letopis log of
    /// a format this code reads; `school`, when given, must match.
    public static func open(at path: String, school expected: String? = nil, options: Options = Options()) throws -> EventLog {
        let school = try inspect(path: path)
        if let expected, expected != school {
            throw EventLogError.schoolMismatch(path: path, expected: expected, found: school)
        }
        var envOptions = Environment.Options()
        envOptions.readOnly = options.readOnly
        envOptions.durable = options.durable
        // LMDB's readers take a slot in lock.mdb, which a user who may only read
        // the store (or read-only media) cannot create or write. Such a look goes
        // without the lock table (MDB_NOLOCK). That is safe only while nobody writes
        // the store meanwhile: a writer that cannot see this reader may reuse the
        // pages it reads. Stores are written by their owner (the server or the
        // coordinator's commands), who can always lock.
        if options.readOnly && !canLock(path) { envOptions.noLock = true }
        let environment: Environment
        do {
            environment = try Environment(path: path, options: envOptions)
        } catch LMDBError.permissionDenied {
            throw EventLogError.permissionDenied(path: path + "/data.mdb")
        } catch {
            throw EventLogError.storage(operation: "opening \(path)", underlying: String(describing: error))
        }
        let tables = try LogTables(environment: environment, create: !options.readOnly)
        return try EventLog(environment: environment, tables: tables, school: school, path: path, options: options)
    }

    /// Whether this process may write the log in `path` (the directory, data.mdb
    /// and the lock file): commands that only read open a log they may not write
    /// read-only, and their views as they stand.
    public static func isWritable(at path: String) -> Bool {
        access(path, W_OK) == 0 && access(path + "/data.mdb", W_OK) == 0 && canLock(path)
    }

    /// Whether this process may take a reader's slot in the lock file of `path`.
    static func canLock(_ path: String) -> Bool {
        let lock = path + "/lock.mdb"
        return FileManager.default.fileExists(atPath: lock) ? access(lock, R_OK | W_OK) == 0 : access(path, W_OK) == 0
    }

    /// Reads the metadata of the log in `path` without writing anything there
    /// (no lock file, read-only) and returns its school.
    public static func inspect(path: String) throws -> String {
        let fm = FileManager.default
        try Store.checkAccess(path + "/data.mdb")
        guard fm.fileExists(atPath: path + "/data.mdb") else {
            throw EventLogError.notAStore(path: path, reason: "there is no data.mdb")
        }
        var options = Environment.Options()
        options.readOnly = true
        options.noLock = true
        options.maxReaders = 1
        let environment: Environment
        do {
            environment = try Environment(path: path, options: options)
        } catch LMDBError.permissionDenied {
            throw EventLogError.permissionDenied(path: path + "/data.mdb")
        } catch {
            throw EventLogError.notAStore(path: path, reason: "data.mdb is not an LMDB file (\(error))")
        }
        defer { environment.close() }
        let meta: Database
        do {
            meta = try environment.database(LogTables.metaName, create: false)
        } catch {
            throw EventLogError.notAStore(path: path, reason: "it has no Letopis metadata")
        }
        return try storageCall("reading the metadata of \(path)") {
            try environment.read { txn in
                guard let formatBytes = try txn.get(meta, key: LogTables.formatKey),
                      let format = Int(String(decoding: formatBytes, as: UTF8.self)),
                      let schoolBytes = try txn.get(meta, key: LogTables.schoolKey)
                else {
                    throw EventLogError.notAStore(path: path, reason: "its metadata has no format or school")
                }
                guard format <= formatVersion else {
                    throw EventLogError.newerFormat(path: path, found: format, supported: formatVersion)
                }
                return String(decoding: schoolBytes, as: UTF8.self)
            }
        }
    }

    private init(environment: Environment, tables: LogTables, school: String, path: String, options: Options) throws {
        self.environment = environment
        self.tables = tables
        self.school = school
        self.path = path
        let state = try storageCall("loading the log's head") {
            try environment.read { txn in try WriterState.load(txn, tables: tables) }
        }
        self.notifier = HeadNotifier(head: state.head)
        if options.readOnly {
            self.writer = nil
        } else {
            self.writer = LogWriter(
                environment: environment, tables: tables, school: school, clock: options.clock,
                state: state, notifier: notifier)
        }
    }

    deinit {
        writer?.stop()
    }

    /// Stops the writer (after the appends already queued) and closes the store.
    public func close() {
        writer?.stop()
        environment.close()
    }

    // MARK: Appending

    /// Appends `events` atomically: all of them or none. `expecting` names the
    /// version each stream must be at; `expectedHead`, when given, is the
    /// sequence the log's last event must have. Returns the sequences assigned, or
    /// the original ones when the whole batch is a retry of events already there.
    @discardableResult
    public func append(
        _ events: [ProposedEvent], expecting: [String: ExpectedVersion] = [:], expectedHead: UInt64? = nil
    ) async throws -> AppendResult {
        guard let writer else {
            throw EventLogError.storage(operation: "appending", underlying: "the log was opened read-only")
        }
        return try await writer.submit(AppendRequest(events: events, expecting: expecting, expectedHead: expectedHead))
    }

    /// Appends what `decider` decides inside the write transaction, against the
    /// log as it stands there (see `AppendDecider`). Returns the sequences of the
    /// decided events (none when it decided nothing), or throws what the decider
    /// threw, with nothing written.
    @discardableResult
    public func append(deciding decider: any AppendDecider) async throws -> AppendResult {
        guard let writer else {
            throw EventLogError.storage(operation: "appending", underlying: "the log was opened read-only")
        }
        return try await writer.submit(AppendRequest(events: [], decider: decider))
    }

    // MARK: Reading

    /// The sequence of the last event, 0 for an empty log. Reads the store, so it
    /// sees appends by other processes too.
    public func head() throws -> UInt64 {
        try storageCall("reading the head") { try environment.read { txn in try lastSequence(txn) } }
    }

    func lastSequence(_ txn: Transaction) throws -> UInt64 {
        try txn.withCursor(tables.events) { cursor in
            try cursor.last().map { BigEndianKey.decode($0.key) } ?? 0
        }
    }

    /// The event with this sequence, or nil.
    public func event(at sequence: UInt64) throws -> RecordedEvent? {
        try environment.read { txn in
            try txn.withValue(tables.events, key: BigEndianKey(sequence)) { value in
                try value.map { try EventCodec.decode($0, sequence: sequence) }
            }
        }
    }

    /// The sequence of the event with this id, or nil.
    public func sequence(of id: UUID) throws -> UInt64? {
        try environment.read { txn in
            try withUnsafeBytes(of: id.uuid) { key in
                try txn.withValue(tables.ids, key: key) { $0.map { BigEndianKey.decode($0) } }
            }
        }
    }

    /// Events from `from` through `through` (inclusive), at most `limit` of them.
    public func events(from: UInt64, through: UInt64 = .max, limit: Int = .max) throws -> [RecordedEvent] {
        var out: [RecordedEvent] = []
        try scan(from: from, through: through) { event in
            out.append(event)
            return out.count < limit
        }
        return out
    }

    /// Visits events in order from `from` through `through` until `body` returns
    /// false. Long scans are split into several read transactions, so that they
    /// never hold the store's map at its size for long.
    public func scan(from: UInt64 = 1, through: UInt64 = .max, _ body: (RecordedEvent) throws -> Bool) throws {
        try scanStored(from: from, through: through) { sequence, value in
            try body(try EventCodec.decode(value, sequence: sequence))
        }
    }

    /// Visits events in order as envelopes read in place (see `EventEnvelope`):
    /// the projections' scan, which needs neither the stream nor a copy of the payload.
    public func scanEnvelopes(from: UInt64 = 1, through: UInt64 = .max, _ body: (EventEnvelope) throws -> Bool) throws {
        try scanStored(from: from, through: through) { sequence, value in
            try body(try EventCodec.envelope(value, sequence: sequence))
        }
    }

    /// Visits the stored bytes of events (previous hash ‖ canonical ‖ hash), for
    /// exports and verification; the buffer is valid only during the call.
    public func scanStored(
        from: UInt64 = 1, through: UInt64 = .max, _ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        var next = max(from, 1)
        let chunk: UInt64 = 100_000
        while next <= through {
            var more = false
            try environment.read { txn in
                try txn.withCursor(tables.events) { cursor in
                    var entry = try BigEndianKey(next).withRawBytes { try cursor.seek($0) }
                    var visited: UInt64 = 0
                    while let (key, value) = entry {
                        let sequence = BigEndianKey.decode(key)
                        guard sequence <= through else { return }
                        guard try body(sequence, value) else { return }
                        next = sequence + 1
                        visited += 1
                        if visited == chunk {
                            more = true
                            return
                        }
                        entry = try cursor.next()
                    }
                }
            }
            if !more { return }
        }
    }

    /// The events of one stream, in version order, from version `from`.
    public func stream(_ name: String, from version: UInt64 = 1) throws -> [RecordedEvent] {
        try environment.read { txn in
            var sequences: [UInt64] = []
            let prefix = Array(name.utf8) + [0]
            try (prefix + withUnsafeBytes(of: version.bigEndian, Array.init)).withRawBytes { start in
                try txn.forEach(tables.streams, from: start) { key, value in
                    guard key.count == prefix.count + 8, key.starts(with: prefix) else { return false }
                    sequences.append(BigEndianKey.decode(value))
                    return true
                }
            }
            return try sequences.map { sequence in
                try txn.withValue(tables.events, key: BigEndianKey(sequence)) { value in
                    guard let value else {
                        throw EventLogError.malformedEvent(sequence: sequence, reason: "indexed for stream \(name) but missing")
                    }
                    return try EventCodec.decode(value, sequence: sequence)
                }
            }
        }
    }

    /// The version of a stream (its number of events), 0 when it does not exist.
    public func version(of stream: String) throws -> UInt64 {
        try environment.read { txn in try tables.streamVersion(stream, txn) }
    }

    /// An endless sequence of events from `sequence` on, waking on new appends
    /// (by this process at once, by other processes within a quarter second).
    public func follow(from sequence: UInt64) -> FollowSequence {
        FollowSequence(log: self, start: max(sequence, 1))
    }
}

/// What an append did.
public struct AppendResult: Hashable, Sendable {
    /// The sequences of the batch's events, in order.
    public var sequences: [UInt64]
    /// True when every event was already in the log (a retry): nothing was written.
    public var wasDuplicate: Bool

    public init(sequences: [UInt64], wasDuplicate: Bool) {
        self.sequences = sequences
        self.wasDuplicate = wasDuplicate
    }

    public var first: UInt64 { sequences.first ?? 0 }
    public var last: UInt64 { sequences.last ?? 0 }
}

/// Runs a storage call, turning LMDB's errors into `EventLogError.storage`
/// with what was being done; the log's own errors pass through.
func storageCall<R>(_ operation: @autoclosure () -> String, _ body: () throws -> R) throws -> R {
    do {
        return try body()
    } catch let error as EventLogError {
        throw error
    } catch {
        throw EventLogError.storage(operation: operation(), underlying: String(describing: error))
    }
}

extension RecordedEvent {
    /// Parses stored bytes, as `EventLog.scanStored` hands them out.
    public init(stored: UnsafeRawBufferPointer, sequence: UInt64) throws {
        self = try EventCodec.decode(stored, sequence: sequence)
    }
}
