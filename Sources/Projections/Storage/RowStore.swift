import Foundation
import LMDB

/// Where projectors read and write their rows while they apply events.
///
/// Two kinds, one type: over an LMDB write transaction (live projections), it
/// is a cache of the rows a batch touched — each read once from LMDB, decoded
/// once, changed in place, and written once when the batch ends; with no
/// transaction (as-of replay) the cache *is* the store, in memory only.
public final class RowStore {
    let backing: LMDBBacking?
    private var caches: [AnyTableCache?]

    /// A store in memory only.
    public convenience init() { self.init(backing: nil) }

    /// The number of rows each table's cache held in the previous batch: the
    /// caches start that large instead of growing (and rehashing) step by step.
    private let sizeHints: [Int]

    init(backing: LMDBBacking?, sizeHints: [Int] = []) {
        self.backing = backing
        self.sizeHints = sizeHints
        caches = Array(repeating: nil, count: ViewTables.count)
    }

    /// The rows each table's cache holds, for the next batch's `sizeHints`.
    var cacheSizes: [Int] { caches.map { $0?.count ?? 0 } }

    public var isInMemory: Bool { backing == nil }

    @inline(__always)
    func cache<Row>(_ table: Table<Row>) -> TableCache<Row> {
        if let cache = caches[table.index] { return unsafeDowncast(cache, to: TableCache<Row>.self) }
        let cache = TableCache<Row>()
        cache.index = table.index
        if table.index < sizeHints.count { cache.slots.reserveCapacity(sizeHints[table.index]) }
        caches[table.index] = cache
        return cache
    }

    /// The row's slot, loaded from LMDB into the cache first if needed; nil
    /// when an in-memory store has no such row.
    @inline(__always)
    private func slot<Row>(_ cache: TableCache<Row>, _ table: Table<Row>, _ key: RowKey) throws -> TableCache<Row>.Slot? {
        if let slot = cache.slots[key] { return slot }
        guard let backing else { return nil }
        let slot = TableCache<Row>.Slot(row: try backing.load(table, key))
        cache.slots[key] = slot
        return slot
    }

    public func get<Row>(_ table: Table<Row>, _ key: RowKey) throws -> Row? {
        try slot(cache(table), table, key)?.row
    }

    public func contains<Row>(_ table: Table<Row>, _ key: RowKey) throws -> Bool {
        try slot(cache(table), table, key)?.row != nil
    }

    public func put<Row>(_ table: Table<Row>, _ key: RowKey, _ row: Row) {
        let cache = cache(table)
        if let slot = cache.slots[key] {
            slot.row = row
            markDirty(cache, slot, key)
        } else {
            let slot = TableCache<Row>.Slot(row: row)
            cache.slots[key] = slot
            cache.sortedKeys = nil
            markDirty(cache, slot, key)
        }
    }

    public func delete<Row>(_ table: Table<Row>, _ key: RowKey) {
        let cache = cache(table)
        if backing == nil {
            if cache.slots.removeValue(forKey: key) != nil { cache.sortedKeys = nil }
        } else if let slot = cache.slots[key] {
            slot.row = nil
            markDirty(cache, slot, key)
        } else {
            let slot = TableCache<Row>.Slot(row: nil)
            cache.slots[key] = slot
            markDirty(cache, slot, key)
        }
    }

    /// Changes a row in place (no copy of its arrays), creating it with `make`
    /// when it does not exist.
    @discardableResult
    public func update<Row, R>(
        _ table: Table<Row>, _ key: RowKey, orInsert make: @autoclosure () -> Row, _ body: (inout Row) throws -> R
    ) throws -> R {
        let cache = cache(table)
        let slot: TableCache<Row>.Slot
        if let found = try self.slot(cache, table, key) {
            slot = found
        } else {
            slot = TableCache<Row>.Slot(row: nil)
            cache.slots[key] = slot
            cache.sortedKeys = nil
        }
        if slot.row == nil { slot.row = make() }
        markDirty(cache, slot, key)
        return try body(&slot.row!)
    }

    /// Changes a row in place only when it exists; returns nil otherwise.
    @discardableResult
    public func updateIfPresent<Row, R>(_ table: Table<Row>, _ key: RowKey, _ body: (inout Row) throws -> R) throws -> R? {
        let cache = cache(table)
        guard let slot = try self.slot(cache, table, key), slot.row != nil else { return nil }
        markDirty(cache, slot, key)
        return try body(&slot.row!)
    }

    @inline(__always)
    private func markDirty<Row>(_ cache: TableCache<Row>, _ slot: TableCache<Row>.Slot, _ key: RowKey) {
        guard !slot.dirty, backing != nil else { return }
        slot.dirty = true
        cache.dirty.append(DirtyKey(key: key, slot: cache.dirtySlots.count))
        cache.dirtySlots.append(slot)
    }

    /// Writes every changed row once, in key order, into the transaction.
    func flush(into txn: Transaction, databases: [Database]) throws {
        for case let cache? in caches {
            try cache.flush(into: txn, database: databases[cache.index])
        }
    }

    /// Every row a flush writes or removes: its table's index and its key.
    func visitWritten(_ body: (Int, RowKey) -> Void) {
        for case let cache? in caches { cache.visitDirty { body(cache.index, $0) } }
    }

    /// Rows of one table in key order (in-memory stores only).
    func sortedEntries<Row>(_ table: Table<Row>) -> TableCache<Row> {
        let cache = cache(table)
        cache.sortIfNeeded()
        return cache
    }

    /// Sorts every table once, so that concurrent readers never sort.
    func freeze() {
        for case let cache? in caches { cache.sortIfNeeded() }
    }

    /// Feeds the table's rows in key order to the digest (in-memory stores only).
    func digest(tableIndex: Int, into digest: inout ViewDigest) {
        caches[tableIndex]?.digest(into: &digest)
    }
}

/// The typed cache of one table; `AnyTableCache` lets the store keep them in one array.
class AnyTableCache {
    var index = -1
    var count: Int { 0 }
    func flush(into txn: Transaction, database: Database) throws {}
    func visitDirty(_ body: (RowKey) -> Void) {}
    func sortIfNeeded() {}
    func digest(into digest: inout ViewDigest) {}
}

final class TableCache<Row: RowCodable>: AnyTableCache {
    /// A class, so that a row is changed in place through it and never copied
    /// out of the dictionary.
    final class Slot {
        var row: Row?
        var dirty = false

        init(row: Row?) { self.row = row }
    }

    var slots: [RowKey: Slot] = [:]
    /// Slots that became dirty, each once, and their keys: the flush need not
    /// walk every slot, nor look any up again. The keys are apart from the
    /// slots so that sorting them runs specialized code, not generic code.
    var dirty: [DirtyKey] = []
    var dirtySlots: [Slot] = []
    /// Keys in order, for scans of an in-memory store; nil once a key is added or removed.
    var sortedKeys: [RowKey]?

    override init() { super.init() }

    override var count: Int { slots.count }

    override func sortIfNeeded() {
        if sortedKeys == nil { sortedKeys = slots.keys.sorted() }
    }

    override func flush(into txn: Transaction, database: Database) throws {
        // Sorted, so that LMDB fills its pages in order.
        dirty.sort { $0.key < $1.key }
        var writer = RowWriter(capacity: 1024)
        for entry in dirty {
            let key = entry.key
            let slot = dirtySlots[entry.slot]
            if let row = slot.row {
                writer.reset()
                row.encode(to: &writer)
                try key.bytes.withUnsafeBytes { k in
                    try writer.bytes.withUnsafeBytes { v in try txn.put(database, key: k, value: v) }
                }
            } else {
                try txn.delete(database, key: key.bytes)
            }
        }
    }

    override func visitDirty(_ body: (RowKey) -> Void) {
        for entry in dirty { body(entry.key) }
    }

    override func digest(into digest: inout ViewDigest) {
        sortIfNeeded()
        for key in sortedKeys! {
            guard let row = slots[key]?.row else { continue }
            digest.add(key: key.bytes, value: row.encoded())
        }
    }

    /// The first index of `sortedKeys` whose key is ≥ `start`.
    func lowerBound(_ start: RowKey) -> Int {
        let keys = sortedKeys!
        var low = 0, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] < start { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// A dirty row's key and the index of its slot in `TableCache.dirtySlots`.
struct DirtyKey {
    var key: RowKey
    var slot: Int
}

/// Reads rows a batch has not touched yet from the live tables.
final class LMDBBacking {
    let txn: Transaction
    let databases: [Database]

    init(txn: Transaction, databases: [Database]) {
        self.txn = txn
        self.databases = databases
    }

    @inline(__always)
    func load<Row: RowCodable>(_ table: Table<Row>, _ key: RowKey) throws -> Row? {
        try txn.withValue(databases[table.index], key: key.bytes) { value in
            try value.map { raw throws(RowDecodingError) in try Row.decode(raw) }
        }
    }
}
