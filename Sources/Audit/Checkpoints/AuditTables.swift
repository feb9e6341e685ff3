import EventLog
import Foundation
import LMDB

/// The audit's side tables in a school's environment (docs/log-format.md,
/// "Where it lives in LMDB"):
///
/// - `audit.checkpoints`: tree size (u64 big-endian) → the signed checkpoint as
///   one line of JSON. Evidence of what the school vouched for, and when.
/// - `audit.index`: what an as-of view reads instead of the whole log; derived
///   from `log.events` alone and rebuilt by deleting it:
///   - `u` ‖ unit ‖ 0x00 ‖ sequence → (): a grade event at a lesson of that class or group;
///   - `t` ‖ block (u64) → i64: the greatest recorded-at of events 1 … 1024·(block + 1).
/// - `audit.meta`: how far the checkpointer and the index have read the log.
struct AuditTables {
    static let checkpointsName = "audit.checkpoints"
    static let indexName = "audit.index"
    static let metaName = "audit.meta"
    static let checkpointPositionKey = Array("checkpoints.position".utf8)
    static let indexPositionKey = Array("index.position".utf8)
    /// The greatest recorded-at of the events indexed so far.
    static let indexMaxTimeKey = Array("index.max-time".utf8)
    static let timeBlock: UInt64 = 1024

    let checkpoints: Database
    let index: Database
    let meta: Database

    /// The tables of `log`, created when the log is writable; nil when a
    /// read-only log has none yet.
    static func open(_ log: EventLog) throws -> AuditTables? {
        let env = log.environment
        let create = !env.options.readOnly
        do {
            return AuditTables(
                checkpoints: try env.database(checkpointsName, create: create),
                index: try env.database(indexName, create: create),
                meta: try env.database(metaName, create: create))
        } catch where error == .notFound {
            return nil
        }
    }

    static func position(_ key: [UInt8], in meta: Database, _ txn: Transaction) throws -> UInt64 {
        try txn.withValue(meta, key: key) { value in value.map { $0.count == 8 ? BigEndianKey.decode($0) : 0 } ?? 0 }
    }

    static func sizeKey(_ size: UInt64) -> [UInt8] { withUnsafeBytes(of: size.bigEndian, Array.init) }

    static func unitKey(_ tag: UInt8, _ name: String, _ sequence: UInt64) -> [UInt8] {
        [tag] + Array(name.utf8) + [0] + sizeKey(sequence)
    }

    static func unitPrefix(_ tag: UInt8, _ name: String) -> [UInt8] { [tag] + Array(name.utf8) + [0] }

    static func timeKey(block: UInt64) -> [UInt8] { [UInt8(ascii: "t")] + sizeKey(block) }
}

/// The signed checkpoints of one school's log.
public struct CheckpointBook {
    public let log: EventLog
    let tables: AuditTables?

    public init(log: EventLog) throws {
        self.log = log
        self.tables = try AuditTables.open(log)
    }

    /// Stores `checkpoint` unless one of that size is already there; returns the one kept.
    @discardableResult
    public func record(_ checkpoint: SignedCheckpoint) throws -> SignedCheckpoint {
        guard let tables else { throw AuditError.invalid("the log of \(log.school) is open read-only: cannot record a checkpoint") }
        return try log.environment.write { txn in
            let key = AuditTables.sizeKey(checkpoint.size)
            if let existing = try txn.get(tables.checkpoints, key: key) {
                return try SignedCheckpoint.parse(existing)
            }
            try txn.put(tables.checkpoints, key: key, value: Array(checkpoint.json().utf8))
            return checkpoint
        }
    }

    /// The checkpoint of exactly `size` events, if one was signed.
    public func checkpoint(size: UInt64) throws -> SignedCheckpoint? {
        guard let tables else { return nil }
        return try log.environment.read { txn in
            try txn.get(tables.checkpoints, key: AuditTables.sizeKey(size)).map { try SignedCheckpoint.parse($0) }
        }
    }

    /// The checkpoint of exactly `size` events as it was recorded: its line of JSON, byte for byte.
    public func recordedJSON(size: UInt64) throws -> String? {
        guard let tables else { return nil }
        return try log.environment.read { txn in
            try txn.get(tables.checkpoints, key: AuditTables.sizeKey(size)).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// Every checkpoint, by size.
    public func all() throws -> [SignedCheckpoint] {
        guard let tables else { return [] }
        return try log.environment.read { txn in
            var out: [SignedCheckpoint] = []
            try txn.forEach(tables.checkpoints) { _, value in
                out.append(try SignedCheckpoint.parse(value))
                return true
            }
            return out
        }
    }

    /// The smallest checkpoint that covers event `sequence` (size ≥ it), else nil.
    public func first(covering sequence: UInt64) throws -> SignedCheckpoint? {
        guard let tables else { return nil }
        return try log.environment.read { txn in
            try txn.withCursor(tables.checkpoints) { cursor in
                try AuditTables.sizeKey(sequence).withRawBytes { key in
                    try cursor.seek(key).map { try SignedCheckpoint.parse($0.value) }
                }
            }
        }
    }

    /// The largest checkpoint.
    public func latest() throws -> SignedCheckpoint? {
        guard let tables else { return nil }
        return try log.environment.read { txn in
            try txn.withCursor(tables.checkpoints) { cursor in try cursor.last().map { try SignedCheckpoint.parse($0.value) } }
        }
    }
}
