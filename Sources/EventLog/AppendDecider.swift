import LMDB

/// Decides what to append inside the append's own write transaction, against
/// the log exactly as it stands there.
///
/// LMDB's write lock is the one lock every process writing a log shares, so a
/// decision made under it can never be overtaken: what another process
/// appended is visible to `decide`, and nothing is appended between the
/// decision and its write. (Deciding first and appending with an expected head
/// instead fails with `headMoved` whenever another process writes in between.)
///
/// The writer calls, for each transaction attempt (`attempt` grows by one per
/// attempt; an attempt may be run again when the map had to grow):
/// `decide`, then — if the log accepted the events — `written`, and once the
/// attempt is over, `finished` with whether it committed.
public protocol AppendDecider: Sendable {
    /// On the writer thread, inside the write transaction; `log` reads the
    /// events up to `head` as the transaction sees them. Throwing refuses this
    /// request alone: it fails with the error, and the other requests of the
    /// transaction go on.
    func decide(head: UInt64, log: LogSnapshot, attempt: UInt64) throws -> DecidedAppend

    /// The decided events were written as `result.sequences` (not committed yet).
    func written(_ result: AppendResult, attempt: UInt64)

    /// The attempt is over: committed, or aborted (nothing of it is in the log).
    func finished(attempt: UInt64, committed: Bool)
}

/// What a decider decided: the events to append and the side-table writes that
/// go with them, in the same transaction.
public struct DecidedAppend: Sendable {
    public var events: [ProposedEvent]
    public var sideWrites: [SideWrite]

    public init(events: [ProposedEvent], sideWrites: [SideWrite] = []) {
        self.events = events
        self.sideWrites = sideWrites
    }
}

/// The log as one transaction sees it; valid only during the call it is given to.
public struct LogSnapshot {
    let txn: Transaction
    let tables: LogTables

    /// Visits events in order from `from` through `through` until `body` returns false.
    public func scan(from: UInt64, through: UInt64, _ body: (RecordedEvent) throws -> Bool) throws {
        guard from <= through else { return }
        try txn.withCursor(tables.events) { cursor in
            var entry = try BigEndianKey(max(from, 1)).withRawBytes { try cursor.seek($0) }
            while let (key, value) = entry {
                let sequence = BigEndianKey.decode(key)
                guard sequence <= through, try body(try EventCodec.decode(value, sequence: sequence)) else { return }
                entry = try cursor.next()
            }
        }
    }

    /// A value of a side table as the transaction sees it.
    public func value(in table: SideTable, key: [UInt8]) throws -> [UInt8]? {
        try txn.get(table.database, key: key)
    }
}
