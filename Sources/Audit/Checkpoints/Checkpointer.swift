import Catalog
import EventLog
import Foundation
import LMDB
import Projections

/// Keeps the audit's side tables up with the log: signs a checkpoint of the
/// tree ending at every `PeriodClosed` and `BackupMade` (time = that event's
/// recorded-at), and extends the as-of index. Each part resumes from its own
/// stored position, so running it after every command costs only the new events;
/// two processes running it at once write the same entries.
public struct Checkpointer {
    public let log: EventLog
    /// Without a signer (a store without keys) only the index is kept.
    public let signer: CheckpointSigner?
    /// Events read per write transaction on a long catch-up.
    var chunk: UInt64 = 200_000

    public init(log: EventLog, signer: CheckpointSigner?) {
        self.log = log
        self.signer = signer
    }

    /// What a catch-up did.
    public struct Result: Sendable {
        public var signed: [SignedCheckpoint] = []
        public var indexedThrough: UInt64 = 0
    }

    /// After a command recorded events: the school's key from `store` (if any),
    /// then `catchUp()`. Never throws: the events are recorded whatever happens
    /// here, and the next run picks up where this one stopped.
    @discardableResult
    public static func afterRecording(store: Store, log: EventLog) -> (result: Result?, warning: String?) {
        do {
            let signer = try SchoolKeys.signerIfPresent(store: store, school: log.school)
            return (try Checkpointer(log: log, signer: signer).catchUp(), nil)
        } catch {
            return (nil, "the automatic checkpoint of \(log.school) was not made: \(error)")
        }
    }

    /// Brings checkpoints (when there is a signer) and the index up to the head.
    @discardableResult
    public func catchUp() throws -> Result {
        guard let tables = try AuditTables.open(log) else { return Result() }
        let head = try log.head()
        var (indexPosition, checkpointPosition, maxTime) = try log.environment.read { txn in
            (try AuditTables.position(AuditTables.indexPositionKey, in: tables.meta, txn),
             try AuditTables.position(AuditTables.checkpointPositionKey, in: tables.meta, txn),
             try txn.get(tables.meta, key: AuditTables.indexMaxTimeKey).map { bytes in Int64(bitPattern: bytes.withUnsafeBytes { BigEndianKey.decode($0) }) } ?? .min)
        }
        if signer == nil { checkpointPosition = head }
        var result = Result()
        var next = min(indexPosition, checkpointPosition) + 1
        while next <= head {
            let last = min(head, next + chunk - 1)
            var work = ChunkWork()
            try log.scanStored(from: next, through: last) { sequence, value in
                guard let envelope = StoredEnvelope(value) else { return true }
                if sequence > indexPosition { work.index(sequence, envelope, maxTime: &maxTime) }
                if sequence > checkpointPosition,
                   envelope.type.equals(Wire.periodClosed) || envelope.type.equals(Wire.backupMade) {
                    work.checkpoints.append((sequence, envelope.recordedAt))
                }
                return true
            }
            try work.resolveCorrections(log)
            let signed = try work.checkpoints.compactMap { sequence, time -> SignedCheckpoint? in
                guard let signer else { return nil }
                return try signer.sign(size: sequence, root: log.merkleRoot(size: sequence).root, time: time)
            }
            try log.environment.write { txn in
                for key in work.entries.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                    try txn.put(tables.index, key: key, value: [UInt8]())
                }
                for (block, time) in work.blocks {
                    try txn.put(tables.index, key: AuditTables.timeKey(block: block),
                                value: AuditTables.sizeKey(UInt64(bitPattern: time)))
                }
                for checkpoint in signed {
                    let key = AuditTables.sizeKey(checkpoint.size)
                    if try !txn.contains(tables.checkpoints, key: key) {
                        try txn.put(tables.checkpoints, key: key, value: Array(checkpoint.json().utf8))
                    }
                }
                // Never move a position back: another process may have gone further.
                let storedIndex = try AuditTables.position(AuditTables.indexPositionKey, in: tables.meta, txn)
                if last > storedIndex {
                    try txn.put(tables.meta, key: AuditTables.indexPositionKey, value: AuditTables.sizeKey(last))
                    try txn.put(tables.meta, key: AuditTables.indexMaxTimeKey, value: AuditTables.sizeKey(UInt64(bitPattern: maxTime)))
                }
                if signer != nil,
                   last > (try AuditTables.position(AuditTables.checkpointPositionKey, in: tables.meta, txn)) {
                    try txn.put(tables.meta, key: AuditTables.checkpointPositionKey, value: AuditTables.sizeKey(last))
                }
            }
            result.signed += signed
            indexPosition = max(indexPosition, last)
            if signer != nil { checkpointPosition = max(checkpointPosition, last) }
            next = last + 1
        }
        result.indexedThrough = max(indexPosition, head)
        return result
    }

    /// Signs and records a checkpoint of the whole log as it is now (`letopis checkpoint`).
    public func checkpointHead(time: Timestamp = .now()) throws -> SignedCheckpoint {
        guard let signer else {
            throw AuditError.key("the school \(log.school) has no signing key; create it with letopis key create")
        }
        let (size, root) = try log.merkleRoot()
        return try CheckpointBook(log: log).record(try signer.sign(size: size, root: root, time: time))
    }

    /// The checkpoint of exactly `size` events: the one recorded, or a fresh one
    /// (signed now, recorded when the log is writable); nil without a key.
    public func checkpoint(size: UInt64) throws -> SignedCheckpoint? {
        let book = try CheckpointBook(log: log)
        if let existing = try book.checkpoint(size: size) { return existing }
        guard let signer else { return nil }
        let fresh = try signer.sign(size: size, root: log.merkleRoot(size: size).root, time: .now())
        return log.environment.options.readOnly ? fresh : try book.record(fresh)
    }
}

/// The index entries and checkpoints found in one chunk of the log.
private struct ChunkWork {
    var entries: [[UInt8]] = []
    var blocks: [(UInt64, Int64)] = []
    var checkpoints: [(UInt64, Timestamp)] = []
    /// Corrections whose grade's unit is looked up after the scan (its stream).
    var corrections: [(sequence: UInt64, gradeID: String)] = []
    var unitOfGrade: [String: String] = [:]

    mutating func index(_ sequence: UInt64, _ envelope: StoredEnvelope, maxTime: inout Int64) {
        maxTime = max(maxTime, envelope.recordedAt.microseconds)
        if sequence % AuditTables.timeBlock == 0 {
            blocks.append((sequence / AuditTables.timeBlock - 1, maxTime))
        }
        if envelope.stream.hasPrefix(Wire.gradePrefix) {
            let gradeID = String(decoding: UnsafeRawBufferPointer(rebasing: envelope.stream[Wire.gradePrefix.count...]), as: UTF8.self)
            if envelope.type.equals(Wire.gradeRecorded) {
                // GradeRecorded: field 2 is the lesson id.
                guard let lessonID = ProtoPeek.string(field: 2, in: envelope.payload), let unit = LessonRef(lessonID: lessonID)?.unit
                else { return }
                unitOfGrade[gradeID] = unit
                entries.append(AuditTables.unitKey(UInt8(ascii: "u"), unit, sequence))
            } else if let unit = unitOfGrade[gradeID] {
                entries.append(AuditTables.unitKey(UInt8(ascii: "u"), unit, sequence))
            } else {
                corrections.append((sequence, gradeID))
            }
        }
    }

    /// The unit of a grade recorded in an earlier chunk: its GradeRecorded, the
    /// first event of its stream.
    mutating func resolveCorrections(_ log: EventLog) throws {
        for (sequence, gradeID) in corrections {
            if unitOfGrade[gradeID] == nil {
                guard let first = try log.stream(Streams.grade(gradeID)).first, first.type == "GradeRecorded",
                      case .gradeRecorded(let m)? = try? first.decoded(), let unit = LessonRef(lessonID: m.lessonID)?.unit
                else { continue }
                unitOfGrade[gradeID] = unit
            }
            entries.append(AuditTables.unitKey(UInt8(ascii: "u"), unitOfGrade[gradeID]!, sequence))
        }
    }
}
