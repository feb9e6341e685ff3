import Foundation
import LMDB

struct AppendRequest: Sendable {
    var events: [ProposedEvent]
    var expecting: [String: ExpectedVersion] = [:]
    var expectedHead: UInt64?
    /// Written with the events, in the same transaction (alone, when there are no events).
    var sideWrites: [SideWrite] = []
    /// Decides the events inside the transaction; `events` is then empty.
    var decider: (any AppendDecider)?
}

/// What the writer knows of the log's end; published only after a commit.
struct WriterState: Sendable {
    var head: UInt64
    var headHash: Digest32
    var frontier: MerkleFrontier
    /// The greatest event id in the ids table, so ids that grow (UUIDv7) can use
    /// the fast `MDB_APPEND` path.
    var greatestID: UUID?

    static func load(_ txn: Transaction, tables: LogTables) throws -> WriterState {
        let (head, hash) = try txn.withCursor(tables.events) { cursor -> (UInt64, Digest32) in
            guard let (key, value) = try cursor.last() else { return (0, .zero) }
            return (BigEndianKey.decode(key), EventCodec.storedHash(value))
        }
        let greatestID = try txn.withCursor(tables.ids) { cursor in
            try cursor.last().map { entry in UUID(bytes: entry.key) }
        }
        return WriterState(head: head, headHash: hash, frontier: try tables.frontier(size: head, txn),
                           greatestID: greatestID)
    }
}

/// The one writer of a log: a thread that takes every append waiting when it is
/// free and commits them in one durable transaction (group commit).
///
/// `@unchecked Sendable`: `pending` and `stopping` are guarded by `condition`;
/// `state` is touched only by the writer thread after `init`.
final class LogWriter: @unchecked Sendable {
    private struct Pending {
        var request: AppendRequest
        var continuation: CheckedContinuation<AppendResult, any Error>
    }

    private let environment: Environment
    private let tables: LogTables
    private let school: String
    private let clock: @Sendable () -> Timestamp
    private let notifier: HeadNotifier
    private let condition = NSCondition()
    private var pending: [Pending] = []
    private var stopping = false
    private var finished = false
    /// How many callers the last commit answered, and how long it took: those
    /// callers usually append again at once (see `run`).
    private var lastAnswered = 0
    private var lastCommitNanos: UInt64 = 0
    private var state: WriterState
    /// A transaction takes whole requests until it holds about this many events.
    private let eventsPerTransaction = 100_000
    /// Counts transaction attempts, for the deciders (see `AppendDecider`).
    private var attempt: UInt64 = 0

    init(environment: Environment, tables: LogTables, school: String, clock: @escaping @Sendable () -> Timestamp,
         state: WriterState, notifier: HeadNotifier) {
        self.environment = environment
        self.tables = tables
        self.school = school
        self.clock = clock
        self.state = state
        self.notifier = notifier
        let thread = Thread { [self] in run() }
        thread.name = "letopis-log-writer"
        thread.start()
    }

    func submit(_ request: AppendRequest) async throws -> AppendResult {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            guard !stopping else {
                continuation.resume(throwing: EventLogError.closed)
                return
            }
            pending.append(Pending(request: request, continuation: continuation))
            condition.signal()
        }
    }

    /// Finishes the appends already queued, then ends the thread.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopping { condition.wait() }
            // Group commit: the callers the last commit answered usually append
            // again within microseconds. Waiting a little for them (at most half a
            // commit's time, and 1 ms) keeps commits from alternating between two
            // half-sized groups.
            if !stopping && pending.count < lastAnswered {
                let linger = min(1_000_000, lastCommitNanos / 2)
                let deadline = Date(timeIntervalSinceNow: Double(linger) / 1e9)
                while pending.count < lastAnswered && !stopping && condition.wait(until: deadline) {}
            }
            if pending.isEmpty {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            var batch: [Pending] = []
            var events = 0
            while let next = pending.first, batch.isEmpty || events + next.request.events.count <= eventsPerTransaction {
                batch.append(pending.removeFirst())
                events += next.request.events.count
            }
            condition.unlock()
            let started = DispatchTime.now().uptimeNanoseconds
            commit(batch)
            lastCommitNanos = DispatchTime.now().uptimeNanoseconds - started
            lastAnswered = batch.count
        }
    }

    private func commit(_ batch: [Pending]) {
        let now = clock()
        var outcomes: [Result<AppendResult, any Error>] = []
        var committed = state
        // The deciders that decided in the current attempt, told how it ended.
        var deciding: [any AppendDecider] = []
        func finish(committed: Bool) {
            for decider in deciding { decider.finished(attempt: attempt, committed: committed) }
            deciding.removeAll()
        }
        do {
            try environment.write { txn in
                // Runs again from the committed state if the map had to grow.
                finish(committed: false)
                attempt += 1
                outcomes.removeAll(keepingCapacity: true)
                var working = state
                if try lastSequenceOnDisk(txn) != working.head {
                    // Another process appended since we last looked.
                    working = try WriterState.load(txn, tables: tables)
                }
                for item in batch {
                    var request = item.request
                    if let decider = request.decider {
                        deciding.append(decider)
                        do {
                            let decided = try decider.decide(
                                head: working.head, log: LogSnapshot(txn: txn, tables: tables), attempt: attempt)
                            request.events = decided.events
                            request.sideWrites = decided.sideWrites
                            request.expectedHead = working.head
                        } catch {
                            outcomes.append(.failure(error))
                            continue
                        }
                    }
                    do {
                        // A decision of nothing, or side writes alone, append no event.
                        let nothingToAppend = request.events.isEmpty && (request.decider != nil || !request.sideWrites.isEmpty)
                        let result = nothingToAppend
                            ? AppendResult(sequences: [], wasDuplicate: false)
                            : try append(request, txn: txn, state: &working, now: now)
                        for write in request.sideWrites { try write.apply(txn) }
                        request.decider?.written(result, attempt: attempt)
                        outcomes.append(.success(result))
                    } catch let rejection as EventLogError where rejection.isRejection {
                        outcomes.append(.failure(rejection))
                    }
                }
                committed = working
            }
            state = committed
            finish(committed: true)
        } catch {
            finish(committed: false)
            let failure = (error as? EventLogError) ?? .storage(operation: "committing an append", underlying: "\(error)")
            outcomes = batch.map { _ in .failure(failure) }
        }
        for (item, outcome) in zip(batch, outcomes) {
            item.continuation.resume(with: outcome)
        }
        notifier.advance(to: state.head)
    }

    private func lastSequenceOnDisk(_ txn: Transaction) throws -> UInt64 {
        try txn.withCursor(tables.events) { cursor in try cursor.last().map { BigEndianKey.decode($0.key) } ?? 0 }
    }

    /// Checks a request against the log and, only if it passes, writes it. A
    /// rejection is thrown before anything of the request is written.
    private func append(_ request: AppendRequest, txn: Transaction, state: inout WriterState, now: Timestamp) throws -> AppendResult {
        let events = request.events
        guard !events.isEmpty else { throw EventLogError.emptyBatch }
        var seen = Set<UUID>(minimumCapacity: events.count)
        for event in events {
            try validate(event)
            guard seen.insert(event.id).inserted else { throw EventLogError.repeatedIDInBatch(id: event.id) }
        }
        if let retry = try idempotentRetry(events, txn: txn, greatestID: state.greatestID) { return retry }
        if let expected = request.expectedHead, expected != state.head {
            throw EventLogError.headMoved(expected: expected, actual: state.head)
        }
        return try txn.withCursor(tables.streams) { streamCursor in
            // One cursor and one key buffer for the whole request: no allocation per event.
            var keyBuffer: [UInt8] = []
            keyBuffer.reserveCapacity(EventCodec.maxStringBytes + 9)
            var versions: [String: UInt64] = [:]
            versions.reserveCapacity(min(events.count, 4096) + request.expecting.count)
            func currentVersion(_ stream: String) throws -> UInt64 {
                if let known = versions[stream] { return known }
                let found = try LogTables.streamVersion(stream, cursor: streamCursor, buffer: &keyBuffer)
                versions[stream] = found
                return found
            }
            for (stream, expected) in request.expecting {
                let actual = try currentVersion(stream)
                switch expected {
                case .any: break
                case .noStream where actual == 0: break
                case .exact(let v) where v == actual: break
                default: throw EventLogError.conflict(stream: stream, expected: expected, actual: actual)
                }
            }
            for event in events { _ = try currentVersion(event.stream) }

            // Nothing below rejects: from here on the request is written whole.
            var sequences: [UInt64] = []
            sequences.reserveCapacity(events.count)
            for event in events {
                let version = versions[event.stream, default: 0] + 1
                versions[event.stream] = version
                try write(event, version: version, now: now, txn: txn, state: &state, keyBuffer: &keyBuffer)
                sequences.append(state.head)
            }
            return AppendResult(sequences: sequences, wasDuplicate: false)
        }
    }

    /// Writes one event and its index entries; advances `state`.
    private func write(
        _ event: ProposedEvent, version: UInt64, now: Timestamp, txn: Transaction, state: inout WriterState,
        keyBuffer: inout [UInt8]
    ) throws {
        let sequence = state.head + 1
        let fields = EventCodec.Fields(
            sequence: sequence, id: event.id, recordedAt: event.recordedAt ?? now,
            effectiveDate: event.effectiveDate, streamVersion: version, schemaVersion: event.schemaVersion,
            school: school, stream: event.stream, type: event.type, actorUser: event.actor.userID,
            actorRole: event.actor.role, payload: event.payload)
        var hash = Digest32.zero
        let previous = state.headHash
        var sequenceBE = sequence.bigEndian
        try withUnsafeBytes(of: &sequenceBE) { sequenceKey in
            try txn.put(tables.events, key: sequenceKey, reserving: fields.storedSize, flags: .append) { out in
                hash = EventCodec.write(fields, previous: previous, into: out)
            }
            // id → sequence; growing (time-ordered) ids take the fast path at the end.
            var id = event.id.uuid
            let grows = state.greatestID.map { event.id.isOrdered(after: $0) } ?? true
            try withUnsafeBytes(of: &id) { idKey in
                try txn.put(tables.ids, key: idKey, value: sequenceKey, flags: grows ? .append : .noOverwrite)
            }
            if grows { state.greatestID = event.id }
            // stream ‖ 0x00 ‖ version → sequence
            keyBuffer.removeAll(keepingCapacity: true)
            keyBuffer.append(contentsOf: event.stream.utf8)
            keyBuffer.append(0)
            var versionBE = version.bigEndian
            withUnsafeBytes(of: &versionBE) { keyBuffer.append(contentsOf: $0) }
            try keyBuffer.withUnsafeBytes { streamKey in
                try txn.put(tables.streams, key: streamKey, value: sequenceKey)
            }
        }
        try state.frontier.append(eventHash: hash) { level, index, node in
            guard level >= LogTables.storedMerkleLevel else { return }
            try LogTables.merkleKey(level: level, index: index).withRawBytes { key in
                try node.withBytes { value in try txn.put(tables.merkle, key: key, value: value) }
            }
        }
        state.head = sequence
        state.headHash = hash
    }

    private func validate(_ event: ProposedEvent) throws {
        func text(_ value: String, _ field: String) throws {
            let count = value.utf8.count
            if count == 0 { throw EventLogError.emptyEvent(id: event.id, field: field) }
            if count > EventCodec.maxStringBytes {
                throw EventLogError.oversizedEvent(id: event.id, field: field, size: count, limit: EventCodec.maxStringBytes)
            }
        }
        try text(event.stream, "stream")
        try text(event.type, "type")
        try text(event.actor.userID, "actor's user id")
        try text(event.actor.role, "actor's role")
        if event.stream.utf8.contains(0) {
            throw EventLogError.invalidField(id: event.id, field: "stream", reason: "must not contain a NUL byte")
        }
        if event.payload.isEmpty { throw EventLogError.emptyEvent(id: event.id, field: "payload") }
        if event.payload.count > EventCodec.maxPayloadBytes {
            throw EventLogError.oversizedEvent(id: event.id, field: "payload", size: event.payload.count,
                                               limit: EventCodec.maxPayloadBytes)
        }
    }

    /// nil when no event of the batch is in the log; the original result when all
    /// are, with the same content; otherwise a rejection.
    private func idempotentRetry(_ events: [ProposedEvent], txn: Transaction, greatestID: UUID?) throws -> AppendResult? {
        var found: [(id: UUID, sequence: UInt64)] = []
        for event in events {
            // An id above every id in the table cannot be in it (time-ordered ids).
            if let greatestID, event.id.isOrdered(after: greatestID) { continue }
            let existing = try withUnsafeBytes(of: event.id.uuid) { key in
                try txn.withValue(tables.ids, key: key) { $0.map { BigEndianKey.decode($0) } }
            }
            guard let sequence = existing else { continue }
            let stored = try txn.withValue(tables.events, key: BigEndianKey(sequence)) { value in
                try value.map { try EventCodec.decode($0, sequence: sequence) }
            }
            guard let stored, stored.hasSameContent(as: event) else {
                throw EventLogError.duplicateID(id: event.id, existingSequence: sequence)
            }
            found.append((event.id, sequence))
        }
        guard let first = found.first else { return nil }
        guard found.count == events.count else {
            throw EventLogError.partialRetry(id: first.id, existingSequence: first.sequence)
        }
        return AppendResult(sequences: found.map(\.sequence), wasDuplicate: true)
    }
}

extension EventLogError {
    /// Errors that reject one request and leave the others of its transaction alone.
    var isRejection: Bool {
        switch self {
        case .conflict, .headMoved, .duplicateID, .partialRetry, .repeatedIDInBatch, .emptyBatch,
             .emptyEvent, .oversizedEvent, .invalidField:
            return true
        default:
            return false
        }
    }
}

extension RecordedEvent {
    /// The same event as `proposed`, for an idempotent retry: everything the
    /// caller chose is equal (the log's own sequence, version, hashes and clock aside).
    func hasSameContent(as proposed: ProposedEvent) -> Bool {
        id == proposed.id && stream == proposed.stream && type == proposed.type
            && schemaVersion == proposed.schemaVersion && effectiveDate == proposed.effectiveDate
            && actor == proposed.actor && payload == proposed.payload
            && (proposed.recordedAt == nil || proposed.recordedAt == recordedAt)
    }
}
