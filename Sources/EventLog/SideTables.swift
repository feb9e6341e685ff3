import LMDB

/// A table of the school's environment that is not part of the log: never
/// hashed, never exported or bundled, but copied by a backup of the
/// environment. It is written in the same transaction as the events that make
/// it change, or on its own through the log's writer, so that its writes never
/// race an append. The credentials table (password hashes, second-factor
/// secrets) is one: the log says that a password changed, the side table holds
/// what it is now.
public struct SideTable: Sendable, Hashable {
    public let name: String
    let database: Database

    /// The LMDB name of a side table: apart from `log.*` and `view.*`.
    static func databaseName(_ name: String) -> String { "side." + name }
}

/// One change of a side table: a key set to a value, or removed.
public struct SideWrite: Sendable {
    public var table: SideTable
    public var key: [UInt8]
    /// nil removes the key.
    public var value: [UInt8]?

    public init(_ table: SideTable, key: [UInt8], value: [UInt8]?) {
        self.table = table
        self.key = key
        self.value = value
    }

    func apply(_ txn: Transaction) throws {
        if let value {
            try txn.put(table.database, key: key, value: value)
        } else {
            try txn.delete(table.database, key: key)
        }
    }
}

extension EventLog {
    /// Opens the side table `name`, creating it unless the log is read-only
    /// (where a table never written reads as empty).
    public func sideTable(_ name: String) throws -> SideTable {
        let database = try storageCall("opening the side table \(name)") {
            try environment.database(SideTable.databaseName(name), create: !environment.options.readOnly)
        }
        return SideTable(name: name, database: database)
    }

    /// The value stored under `key`, or nil.
    public func value(in table: SideTable, key: [UInt8]) throws -> [UInt8]? {
        try storageCall("reading the side table \(table.name)") {
            try environment.read { txn in try txn.get(table.database, key: key) }
        }
    }

    /// Every entry whose key starts with `prefix`, in key order.
    public func entries(in table: SideTable, prefix: [UInt8] = []) throws -> [(key: [UInt8], value: [UInt8])] {
        try storageCall("reading the side table \(table.name)") {
            try environment.read { txn in
                var out: [(key: [UInt8], value: [UInt8])] = []
                let visit: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Bool = { key, value in
                    out.append((Array(key), Array(value)))
                    return true
                }
                // LMDB refuses an empty key, so "no prefix" is a walk from the first entry.
                if prefix.isEmpty {
                    try txn.forEach(table.database, visit)
                } else {
                    try txn.forEach(table.database, prefix: prefix, visit)
                }
                return out
            }
        }
    }

    /// Writes side-table changes on their own, through the log's writer, in one
    /// durable transaction.
    public func write(_ writes: [SideWrite]) async throws {
        guard !writes.isEmpty else { return }
        guard let writer else {
            throw EventLogError.storage(operation: "writing a side table", underlying: "the log was opened read-only")
        }
        _ = try await writer.submit(AppendRequest(events: [], sideWrites: writes))
    }
}
