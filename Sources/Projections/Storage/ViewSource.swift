import Crypto
import Foundation
import LMDB

/// Read access to the projections' tables: what every view query reads
/// through, so that the same query runs over the live store (`LiveViewSource`)
/// and over a replay in memory (`MemoryViews`, for as-of views).
public protocol ViewSource {
    func get<Row: RowCodable>(_ table: Table<Row>, _ key: RowKey) throws -> Row?
    /// Visits the rows whose key starts with `prefix`, in key order, from the
    /// first key ≥ `start` (the prefix itself when nil), until `body` returns false.
    func scan<Row: RowCodable>(
        _ table: Table<Row>, prefix: RowKey, from start: RowKey?, _ body: (RowKey, Row) throws -> Bool) throws
}

extension ViewSource {
    public func scan<Row: RowCodable>(
        _ table: Table<Row>, prefix: RowKey = RowKey(), _ body: (RowKey, Row) throws -> Bool
    ) throws {
        try scan(table, prefix: prefix, from: nil, body)
    }

    /// Every row under `prefix`, in key order.
    public func rows<Row: RowCodable>(_ table: Table<Row>, prefix: RowKey = RowKey()) throws -> [(key: RowKey, row: Row)] {
        var out: [(key: RowKey, row: Row)] = []
        try scan(table, prefix: prefix, from: nil) { key, row in
            out.append((key, row))
            return true
        }
        return out
    }
}

/// The live projections of one school, read in one LMDB read transaction.
public struct LiveViewSource: ViewSource {
    let txn: Transaction
    let databases: [Database?]

    public func get<Row: RowCodable>(_ table: Table<Row>, _ key: RowKey) throws -> Row? {
        guard let db = databases[table.index] else { return nil }
        return try txn.withValue(db, key: key.bytes) { value in
            try value.map { raw throws(RowDecodingError) in try Row.decode(raw) }
        }
    }

    public func scan<Row: RowCodable>(
        _ table: Table<Row>, prefix: RowKey, from start: RowKey?, _ body: (RowKey, Row) throws -> Bool
    ) throws {
        guard let db = databases[table.index] else { return }
        let first = start.map { max($0, prefix) } ?? prefix
        try first.bytes.withUnsafeBytes { startBytes in
            try txn.forEach(db, from: startBytes.count == 0 ? nil : startBytes) { key, value in
                guard key.starts(with: prefix.bytes) else { return false }
                return try body(RowKey(bytes: Array(key)), try Row.decode(value))
            }
        }
    }
}

/// Views replayed in memory, e.g. as of an earlier point of the log. Immutable
/// once built (`freeze` sorted every table), hence `@unchecked Sendable`.
public final class MemoryViews: ViewSource, @unchecked Sendable {
    let store: RowStore
    /// The last event applied.
    public let position: UInt64

    init(store: RowStore, position: UInt64) {
        precondition(store.isInMemory)
        store.freeze()
        self.store = store
        self.position = position
    }

    public func get<Row: RowCodable>(_ table: Table<Row>, _ key: RowKey) throws -> Row? {
        try store.get(table, key)
    }

    public func scan<Row: RowCodable>(
        _ table: Table<Row>, prefix: RowKey, from start: RowKey?, _ body: (RowKey, Row) throws -> Bool
    ) throws {
        let cache = store.sortedEntries(table)
        let keys = cache.sortedKeys!
        var index = cache.lowerBound(start.map { max($0, prefix) } ?? prefix)
        while index < keys.count, keys[index].hasPrefix(prefix) {
            if let row = cache.slots[keys[index]]?.row {
                guard try body(keys[index], row) else { return }
            }
            index += 1
        }
    }

    /// The digest of one projector's tables, comparable with the live one.
    public func digest(of projector: any Projector) -> String {
        var digest = ViewDigest()
        for table in projector.tables {
            digest.begin(table: table.name)
            store.digest(tableIndex: table.index, into: &digest)
        }
        return digest.finish()
    }
}

/// SHA-256 over a projector's tables in key order: each table's name, then each
/// row's key and stored bytes, all length-prefixed. Equal digests mean equal state.
public struct ViewDigest {
    private var hasher = SHA256()

    public init() {}

    mutating func begin(table name: String) {
        add(Array(name.utf8))
    }

    mutating func add(key: [UInt8], value: [UInt8]) {
        add(key)
        add(value)
    }

    mutating func add(_ bytes: some Collection<UInt8>) {
        var length = UInt32(bytes.count).bigEndian
        withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
        hasher.update(data: Array(bytes))
    }

    mutating func add(raw bytes: UnsafeRawBufferPointer) {
        var length = UInt32(bytes.count).bigEndian
        withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: bytes)
    }

    public func finish() -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
