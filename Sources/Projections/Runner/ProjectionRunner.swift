import Catalog
import EventLog
import Foundation
import LMDB
import Synchronization

/// Keeps the projections of one school's log up to date, in the school's own
/// LMDB environment: `view.<projector>.<table>` databases, and `view.positions`
/// (projector name → last event applied and the projector's version).
///
/// Events are read and decoded in batches; each batch is applied to every
/// projector that has not seen it (the projectors side by side, in memory), and
/// their changed rows are written in ONE write transaction that also moves the
/// positions — so a crash leaves every view exactly at its position. The write
/// transaction lasts only as long as writing the rows, so appends to the log
/// wait little for a catch-up.
///
/// `@unchecked Sendable`: its state is the environment (thread-safe) and the
/// positions, guarded by `lock`; batches are applied under `applying`.
public final class ProjectionRunner: @unchecked Sendable {
    public let log: EventLog
    public let projectors: [any Projector]
    public var batchSize = 32_768
    let databases: [Database]
    let positionsDB: Database
    private let lock = NSLock()
    private let applying = NSLock()
    private var positions: [String: UInt64] = [:]
    /// Rows per table in the last batch's cache, and that batch's events
    /// (guarded by `applying`): the next cache starts at the size its batch needs.
    private var cacheSizes: (rows: [Int], events: Int) = ([], 0)
    /// Told of every batch's changed rows (a `ViewCache`), set once by whoever serves the views.
    private let observer = Mutex<(any ViewChangeObserver)?>(nil)

    public static let positionsTable = "view.positions"

    /// Opens (creating) the view tables in the log's environment, and resets any
    /// projector whose stored version differs from its code's: it will be rebuilt
    /// by the next catch-up.
    public init(log: EventLog, projectors: [any Projector] = Projections.all) throws {
        self.log = log
        self.projectors = projectors
        let env = log.environment
        databases = try ViewTables.names.map { try env.database($0, create: true) }
        positionsDB = try env.database(Self.positionsTable, create: true)
        let stored = try env.read { txn in
            try projectors.map { projector in
                try txn.withValue(positionsDB, key: Array(projector.name.utf8)) { value in
                    try value.map { raw throws(RowDecodingError) in try PositionRow.decode(raw) }
                }
            }
        }
        for (projector, row) in zip(projectors, stored) {
            if let row, row.version == projector.version {
                positions[projector.name] = row.position
            } else {
                try reset(projector)
            }
        }
    }

    /// Reports every batch's changed rows to `observer`, after they are committed
    /// and before the runner's position moves.
    public func observe(with observer: any ViewChangeObserver) {
        self.observer.withLock { $0 = observer }
    }

    /// The status of each projector: its position and version.
    public func status() -> [(name: String, version: Int, position: UInt64)] {
        lock.withLock { projectors.map { ($0.name, $0.version, positions[$0.name] ?? 0) } }
    }

    public func position(of name: String) -> UInt64 { lock.withLock { positions[name] ?? 0 } }

    /// The lowest position of all projectors: every view is at least this current.
    public var position: UInt64 { lock.withLock { projectors.map { positions[$0.name] ?? 0 }.min() ?? 0 } }

    /// Empties a projector's tables and sets its position to 0, in one transaction.
    private func reset(_ projector: any Projector) throws {
        try log.environment.write { txn in
            for table in projector.tables { try txn.empty(databases[table.index]) }
            try txn.put(positionsDB, key: Array(projector.name.utf8),
                        value: PositionRow(position: 0, version: projector.version).encoded())
        }
        lock.withLock { positions[projector.name] = 0 }
    }

    /// What a catch-up did.
    public struct Progress: Sendable {
        public var applied: UInt64 = 0
        public var position: UInt64 = 0
        public var seconds: Double = 0
        public var eventsPerSecond: Double { seconds > 0 ? Double(applied) / seconds : 0 }
    }

    /// Applies every event appended since the projectors' positions, up to
    /// `through` (default: the head now). `progress` gets (done, total).
    @discardableResult
    public func catchUp(through: UInt64? = nil, progress: ((UInt64, UInt64) -> Void)? = nil) throws -> Progress {
        applying.lock()
        defer { applying.unlock() }
        let started = DispatchTime.now()
        let target = try through ?? log.head()
        var result = Progress()
        // Another process may have moved the positions since this runner last
        // looked; a pass that leaves one behind (reset there mid-way) is followed
        // by another, as long as passes make progress.
        let stored = try log.environment.read { txn in try storedPositions(txn) }
        lock.withLock { positions = stored }
        let origin = position
        var start = origin
        while start < target {
            var next = start + 1
            var pending = ReadAhead(log: log, size: batchSize)
            pending.request(from: next, through: target)
            while next <= target {
                let batch = try pending.take()
                guard let last = batch.last?.sequence else { break }
                let following = last + 1
                if following <= target { pending.request(from: following, through: target) }
                try apply(batch, through: last)
                result.applied += UInt64(batch.count)
                next = following
                // From where the catch-up began, so that it never goes back in a later pass.
                progress?(last - origin, target - origin)
            }
            guard position > start else { break }
            start = position
        }
        result.position = position
        result.seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return result
    }

    /// Empties the named projectors (all when nil) and replays the whole log into them.
    @discardableResult
    public func rebuild(_ names: [String]? = nil, progress: ((UInt64, UInt64) -> Void)? = nil) throws -> Progress {
        for projector in projectors where names == nil || names!.contains(projector.name) {
            try reset(projector)
        }
        return try catchUp(progress: progress)
    }

    /// The positions as stored: another runner (another process) may have moved them.
    private func storedPositions(_ txn: Transaction) throws -> [String: UInt64] {
        var stored: [String: UInt64] = [:]
        for projector in projectors {
            let row = try txn.withValue(positionsDB, key: Array(projector.name.utf8)) { value in
                try value.map { raw throws(RowDecodingError) in try PositionRow.decode(raw) }
            }
            stored[projector.name] = row?.position ?? 0
        }
        return stored
    }

    /// Applies one batch (consecutive events ending at `last`) to each projector
    /// it continues, and writes their rows and positions in one transaction.
    ///
    /// The projectors apply the batch side by side, each on a thread of its own
    /// reading rows through its own read transaction: projectors share no table,
    /// and the committed views are exactly what the batch builds on. The write
    /// transaction then checks that the positions are still those the batch was
    /// applied from — another runner (another process) may have moved them — and
    /// writes nothing when they are not: the next pass of the catch-up starts
    /// again from the positions as they are. So no event is applied twice.
    func apply(_ batch: [ProjectedEvent], through last: UInt64) throws {
        guard let first = batch.first?.sequence else { return }
        let before = try log.environment.read { txn in try storedPositions(txn) }
        let active = projectors.filter { projector in
            let position = before[projector.name] ?? 0
            return position < last && position + 1 >= first
        }
        guard !active.isEmpty else {
            lock.withLock { positions = before }
            return
        }
        let hints = cacheSizes.rows.map { $0 * batch.count / max(1, cacheSizes.events) }
        let applied = AppliedStores(count: active.count)
        DispatchQueue.concurrentPerform(iterations: active.count) { index in
            let projector = active[index]
            let position = before[projector.name] ?? 0
            applied.set(index, Result {
                try log.environment.read { txn in
                    let store = RowStore(backing: LMDBBacking(txn: txn, databases: databases), sizeHints: hints)
                    for event in batch where event.sequence > position {
                        try projector.apply(event, to: store)
                    }
                    return store
                }
            })
        }
        let stores = try applied.all()
        let written = try log.environment.write { txn -> Bool in
            let now = try storedPositions(txn)
            guard active.allSatisfy({ now[$0.name] == before[$0.name] }) else { return false }
            // Flushing twice is harmless: LMDB retries this closure after growing the map.
            for store in stores { try store.flush(into: txn, databases: databases) }
            for projector in active {
                try txn.put(positionsDB, key: Array(projector.name.utf8),
                            value: PositionRow(position: last, version: projector.version).encoded())
            }
            return true
        }
        if written, let observer = observer.withLock({ $0 }) {
            var after = before
            for projector in active { after[projector.name] = last }
            var rows: [(table: Int, key: RowKey)] = []
            for store in stores { store.visitWritten { rows.append(($0, $1)) } }
            let lowest = { (positions: [String: UInt64]) in self.projectors.map { positions[$0.name] ?? 0 }.min() ?? 0 }
            observer.viewsChanged(from: lowest(before), to: lowest(after), rows: rows)
        }
        lock.withLock {
            positions = before
            if written { for projector in active { positions[projector.name] = last } }
        }
        var sizes = [Int](repeating: 0, count: ViewTables.count)
        for store in stores { for (table, rows) in store.cacheSizes.enumerated() { sizes[table] += rows } }
        cacheSizes = (sizes, batch.count)
        // Freeing a batch's events and caches (tens of thousands of each) takes a
        // noticeable share of a catch-up: another thread does it while the next
        // batch runs.
        let retired = Retired(stores: stores, batch: batch)
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(retired) {} }
    }

    /// Catches up, then applies new appends as they come, until the task is
    /// cancelled. `onUpdate` gets the new position after each catch-up.
    public func follow(onUpdate: @Sendable (UInt64) -> Void = { _ in }) async throws {
        while !Task.isCancelled {
            try catchUp()
            onUpdate(position)
            var waiting = log.follow(from: position + 1).makeAsyncIterator()
            // The first new event wakes us; the catch-up reads it again with the rest.
            guard try await waiting.next() != nil else { return }
        }
    }

    /// Runs `body` over the live views in one read transaction.
    public func read<R>(_ body: (LiveViewSource) throws -> R) throws -> R {
        try log.environment.read { txn in try body(LiveViewSource(txn: txn, databases: databases)) }
    }

    /// The same, with the position every view is at in that transaction (the lowest).
    public func readWithPosition<R>(_ body: (LiveViewSource, UInt64) throws -> R) throws -> R {
        try log.environment.read { txn in
            let stored = try storedPositions(txn)
            return try body(LiveViewSource(txn: txn, databases: databases), projectors.map { stored[$0.name] ?? 0 }.min() ?? 0)
        }
    }

    /// The digest of one projector's tables (see `ViewDigest`).
    public func digest(of name: String) throws -> String {
        guard let projector = projectors.first(where: { $0.name == name }) else {
            throw ViewError.unknown(what: "projector", given: name, known: projectors.map(\.name))
        }
        return try log.environment.read { txn in
            var digest = ViewDigest()
            for table in projector.tables {
                digest.begin(table: table.name)
                try txn.forEach(databases[table.index]) { key, value in
                    digest.add(raw: key)
                    digest.add(raw: value)
                    return true
                }
            }
            return digest.finish()
        }
    }
}

/// A batch's events and caches, handed to another thread to be freed.
/// `@unchecked Sendable`: nothing uses them once the batch is written.
private final class Retired: @unchecked Sendable {
    let stores: [RowStore]
    let batch: [ProjectedEvent]
    init(stores: [RowStore], batch: [ProjectedEvent]) {
        self.stores = stores
        self.batch = batch
    }
}

/// What the projectors' threads of one batch hand back. `@unchecked
/// Sendable`: each thread sets its own index once, under `lock`, and the
/// results are read after every thread has finished.
private final class AppliedStores: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<RowStore, any Error>?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<RowStore, any Error>) { lock.withLock { results[index] = result } }

    /// Every projector's store, or the first error (in projector order).
    func all() throws -> [RowStore] { try lock.withLock { try results.map { try $0!.get() } } }
}

/// A projector's entry in `view.positions`.
struct PositionRow: RowCodable {
    var position: UInt64
    var version: Int

    func encode(to writer: inout RowWriter) {
        writer.uint(position)
        writer.int(version)
    }

    init(position: UInt64, version: Int) {
        self.position = position
        self.version = version
    }

    init(from reader: inout RowReader) throws(RowDecodingError) {
        position = try reader.uint()
        version = try reader.int()
    }
}
