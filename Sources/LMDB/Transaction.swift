import CLMDB

/// A read or write transaction, valid only inside the `read { }` or `write { }`
/// closure that received it. Buffers it hands out point into the memory map and
/// are valid only until the transaction ends (or, for writes, the next change).
public final class Transaction {
    let txn: OpaquePointer
    public let isReadOnly: Bool
    private var active = true
    /// Set when a put hit `MDB_MAP_FULL`, so `Environment.write` can grow and retry.
    var sawMapFull = false

    init(_ txn: OpaquePointer, readOnly: Bool) {
        self.txn = txn
        self.isReadOnly = readOnly
    }

    func end() { active = false }

    @inline(__always)
    private func checkActive() {
        precondition(active, "an LMDB transaction was used after its closure returned")
    }

    @inline(__always)
    private func check(_ code: Int32) throws(LMDBError) {
        if code == MDB_MAP_FULL { sawMapFull = true }
        try LMDBError.check(code)
    }

    // MARK: Reading

    /// Calls `body` with the value stored under `key`, or nil; no copy is made.
    public func withValue<R>(
        _ db: Database, key: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        checkActive()
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_get(txn, db.handle, &k, &v)
        if rc == MDB_NOTFOUND { return try body(nil) }
        try check(rc)
        return try body(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    public func withValue<R>(
        _ db: Database, key: some ContiguousBytesLike, _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        try key.withRawBytes { k in try withValue(db, key: k, body) }
    }

    /// A copy of the value stored under `key`, or nil.
    public func get(_ db: Database, key: some ContiguousBytesLike) throws -> [UInt8]? {
        try withValue(db, key: key) { value in value.map { Array($0) } }
    }

    public func contains(_ db: Database, key: some ContiguousBytesLike) throws -> Bool {
        try withValue(db, key: key) { $0 != nil }
    }

    /// The number of entries in the database.
    public func count(_ db: Database) throws(LMDBError) -> Int {
        checkActive()
        var stat = MDB_stat()
        try check(mdb_stat(txn, db.handle, &stat))
        return stat.ms_entries
    }

    // MARK: Writing

    public func put(
        _ db: Database, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, flags: PutFlags = []
    ) throws(LMDBError) {
        checkActive()
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try check(mdb_put(txn, db.handle, &k, &v, flags.rawValue))
    }

    public func put(
        _ db: Database, key: some ContiguousBytesLike, value: some ContiguousBytesLike, flags: PutFlags = []
    ) throws(LMDBError) {
        try key.withRawBytes { (k) throws(LMDBError) in
            try value.withRawBytes { (v) throws(LMDBError) in try put(db, key: k, value: v, flags: flags) }
        }
    }

    /// Reserves `count` bytes for `key` and lets `fill` write them in place
    /// (`MDB_RESERVE`), saving a copy of large values.
    public func put(
        _ db: Database, key: UnsafeRawBufferPointer, reserving count: Int, flags: PutFlags = [],
        fill: (UnsafeMutableRawBufferPointer) throws -> Void
    ) throws {
        checkActive()
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: count, mv_data: nil)
        try check(mdb_put(txn, db.handle, &k, &v, flags.rawValue | UInt32(MDB_RESERVE)))
        try fill(UnsafeMutableRawBufferPointer(start: v.mv_data, count: count))
    }

    /// Deletes `key`; returns whether it was there.
    @discardableResult
    public func delete(_ db: Database, key: some ContiguousBytesLike) throws(LMDBError) -> Bool {
        checkActive()
        return try key.withRawBytes { (raw) throws(LMDBError) -> Bool in
            var k = MDB_val(mv_size: raw.count, mv_data: UnsafeMutableRawPointer(mutating: raw.baseAddress))
            let rc = mdb_del(txn, db.handle, &k, nil)
            if rc == MDB_NOTFOUND { return false }
            try check(rc)
            return true
        }
    }

    /// Removes every entry of the database, keeping the database itself.
    public func empty(_ db: Database) throws(LMDBError) {
        checkActive()
        try check(mdb_drop(txn, db.handle, 0))
    }

    // MARK: Cursors

    /// Runs `body` with a cursor over `db`, closed when `body` returns.
    public func withCursor<R>(_ db: Database, _ body: (Cursor) throws -> R) throws -> R {
        checkActive()
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(txn, db.handle, &cursor))
        let wrapped = Cursor(cursor!, transaction: self)
        defer {
            wrapped.invalidate()
            mdb_cursor_close(cursor)
        }
        return try body(wrapped)
    }

    /// Visits entries in key order from the first key ≥ `start` (or the first
    /// key), until `body` returns false.
    public func forEach(
        _ db: Database, from start: UnsafeRawBufferPointer? = nil,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try withCursor(db) { cursor in
            var entry = try start.map { try cursor.seek($0) } ?? cursor.first()
            while let (key, value) = entry {
                guard try body(key, value) else { return }
                entry = try cursor.next()
            }
        }
    }

    /// Visits every entry whose key starts with `prefix`, in key order.
    public func forEach(
        _ db: Database, prefix: some ContiguousBytesLike,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try prefix.withRawBytes { p in
            try forEach(db, from: p) { key, value in
                guard key.starts(with: p) else { return false }
                return try body(key, value)
            }
        }
    }
}

/// A position in one database. Buffers it returns are valid until the next move.
public final class Cursor {
    private let cursor: OpaquePointer
    private unowned let transaction: Transaction
    private var valid = true

    init(_ cursor: OpaquePointer, transaction: Transaction) {
        self.cursor = cursor
        self.transaction = transaction
    }

    func invalidate() { valid = false }

    public typealias Entry = (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer)

    private func get(_ op: MDB_cursor_op, key: UnsafeRawBufferPointer? = nil) throws(LMDBError) -> Entry? {
        precondition(valid, "an LMDB cursor was used after its closure returned")
        var k = MDB_val(mv_size: key?.count ?? 0, mv_data: UnsafeMutableRawPointer(mutating: key?.baseAddress))
        var v = MDB_val()
        let rc = mdb_cursor_get(cursor, &k, &v, op)
        if rc == MDB_NOTFOUND { return nil }
        try LMDBError.check(rc)
        return (UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size),
                UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    public func first() throws(LMDBError) -> Entry? { try get(MDB_FIRST) }
    public func last() throws(LMDBError) -> Entry? { try get(MDB_LAST) }
    public func next() throws(LMDBError) -> Entry? { try get(MDB_NEXT) }
    public func previous() throws(LMDBError) -> Entry? { try get(MDB_PREV) }
    public func current() throws(LMDBError) -> Entry? { try get(MDB_GET_CURRENT) }
    /// The first entry whose key is ≥ `key` (`MDB_SET_RANGE`).
    public func seek(_ key: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? { try get(MDB_SET_RANGE, key: key) }
    /// The entry whose key is exactly `key` (`MDB_SET_KEY`).
    public func seekExact(_ key: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? { try get(MDB_SET_KEY, key: key) }

    /// The last entry whose key is < `key`, or nil.
    public func seekBefore(_ key: UnsafeRawBufferPointer) throws(LMDBError) -> Entry? {
        if try seek(key) != nil { return try previous() }
        return try last()
    }
}
