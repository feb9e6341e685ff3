import Catalog
import EventLog
import Foundation
import Synchronization

/// Decides commands against the school's state and appends their events.
///
/// Commands are decided inside the log's write transaction (`AppendDecider`),
/// under LMDB's write lock, which every process writing the school's log
/// shares: the state is first brought up to the log's head as that transaction
/// sees it — with whatever another process (the server, another command)
/// recorded meanwhile — and nothing can be appended between a decision and its
/// write. So a command is always decided against every earlier record and is
/// never refused or retried because the log moved on.
///
/// The state changes in place, only by applying recorded events; a batch of
/// several commands is decided on a copy, so that a refused batch leaves it as
/// it was.
public final class Recorder: Sendable {
    public let log: EventLog
    let credentials: CredentialTable?
    private let core: Mutex<Core>
    private let clock: @Sendable () -> Timestamp
    private let makeID: Mutex<IDMaker>

    struct Core {
        var state: SchoolState
        /// The last sequence the state includes.
        var position: UInt64
        /// The transaction attempt whose written, not yet committed events the
        /// state includes; if it does not commit, the state is folded again.
        var uncommittedAttempt: UInt64?
        var needsRefold = false
    }

    /// Opens a recorder on a log, folding the log into the state.
    public init(log: EventLog, clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) throws {
        self.log = log
        self.clock = clock
        self.makeID = Mutex(IDMaker { _ in UUID.timeOrdered() })
        let (state, position) = try SchoolState.fold(log)
        core = Mutex(Core(state: state, position: position))
        // A read-only log has no credentials table to write; nothing is recorded there.
        credentials = try? CredentialTable(log: log)
    }

    /// A copy of the state as of the last event this recorder applied. Holding
    /// it while commands are recorded costs a copy of what they change: prefer
    /// `withState` for a quick look.
    public var state: SchoolState { core.withLock { $0.state } }

    /// The last sequence the state includes.
    public var position: UInt64 { core.withLock { $0.position } }

    /// Runs `body` on the state without copying it (commands wait meanwhile).
    public func withState<R>(_ body: (borrowing SchoolState) throws -> R) rethrows -> R {
        try core.withLock { core in try body(core.state) }
    }

    /// Replaces how event ids are made (a generator of past years makes them
    /// from its seed, so that the same seed gives the same log).
    public func useEventIDs(_ make: @escaping @Sendable (Timestamp) -> UUID) {
        makeID.withLock { $0 = IDMaker(make) }
    }

    /// How event ids are made. A class: a closure kept in a `Mutex` itself would
    /// be wrapped in one more reabstraction thunk at every access, and calls to
    /// it would grow slower and slower.
    private final class IDMaker: Sendable {
        let make: @Sendable (Timestamp) -> UUID
        init(_ make: @escaping @Sendable (Timestamp) -> UUID) { self.make = make }
    }

    /// Records one command; throws the rule it breaks and records nothing then.
    @discardableResult
    public func execute(_ command: any Command, as actor: Actor, at time: Timestamp? = nil) async throws -> AppendResult {
        try await log.append(deciding: Decision(recorder: self, batch: [Submission(command, as: actor, at: time)]))
    }

    /// Records a batch of commands atomically: all of them, or — when any breaks
    /// a rule — none, with every broken rule listed by the command's place.
    @discardableResult
    public func execute(_ batch: [Submission]) async throws -> AppendResult {
        guard !batch.isEmpty else { return AppendResult(sequences: [], wasDuplicate: false) }
        do {
            return try await log.append(deciding: Decision(recorder: self, batch: batch))
        } catch let violation as RuleViolation where batch.count == 1 {
            throw BatchRejected(failures: [(0, violation)])
        }
    }

    /// Decides a batch without recording anything: the commands that would break
    /// a rule, by their place (a dry run, e.g. to report every bad line of an
    /// imported file together with the lines that could not be read).
    public func check(_ batch: [Submission]) throws -> [(index: Int, violation: RuleViolation)] {
        try catchUp()
        return core.withLock { core in
            decide(batch, against: core.state).failures
        }
    }

    /// Applies what was recorded since the state's position (by another
    /// process, say), so that `state` shows it.
    public func catchUp() throws {
        try core.withLock { core in
            // A transaction deciding right now brings the state up itself.
            guard core.uncommittedAttempt == nil else { return }
            if core.needsRefold {
                (core.state, core.position) = try SchoolState.fold(log)
                core.needsRefold = false
                return
            }
            try log.scan(from: core.position + 1) { event in
                core.state.apply(try event.decoded())
                core.position = event.sequence
                return true
            }
        }
    }

    // MARK: Deciding

    /// Decides every command of a batch against the state as the earlier ones
    /// leave it; a refused command contributes nothing, and the others are still
    /// checked, so that a whole file's errors can be reported at once. The
    /// state is copied only when the batch has more than one command.
    private func decide(_ batch: [Submission], against state: SchoolState)
        -> (events: [ProposedEvent], domain: [DomainEvent], credentials: [CredentialChange],
            failures: [(index: Int, violation: RuleViolation)], scratch: SchoolState?)
    {
        var scratch: SchoolState? = batch.count > 1 ? state : nil
        var events: [ProposedEvent] = []
        var domain: [DomainEvent] = []
        var credentials: [CredentialChange] = []
        var failures: [(index: Int, violation: RuleViolation)] = []
        let now = clock()
        let makeID = self.makeID.withLock { $0 }.make
        for (index, submission) in batch.enumerated() {
            let at = submission.at ?? now
            do {
                // The context is a temporary, released before the events are applied:
                // a context still holding the state would make each apply copy it whole.
                let decision = try submission.command.decide(
                    CommandContext(state: scratch ?? state, actor: submission.actor, now: at))
                for event in decision.events {
                    let applied = event.domainEvent
                    scratch?.apply(applied)
                    domain.append(applied)
                    events.append(event.proposed(
                        id: makeID(at), effectiveDate: decision.effectiveDate, actor: submission.actor,
                        recordedAt: submission.at))
                }
                credentials += decision.credentials
            } catch {
                failures.append((index, error))
            }
        }
        return (events, domain, credentials, failures, scratch)
    }

    /// One request's decision, made on the log's writer thread inside the write
    /// transaction. `@unchecked Sendable`: `decided` is touched only by the
    /// writer thread, between `decide` and `written` of one attempt.
    private final class Decision: AppendDecider, @unchecked Sendable {
        let recorder: Recorder
        let batch: [Submission]
        private var decided: (domain: [DomainEvent], scratch: SchoolState?)?

        init(recorder: Recorder, batch: [Submission]) {
            self.recorder = recorder
            self.batch = batch
        }

        func decide(head: UInt64, log: LogSnapshot, attempt: UInt64) throws -> DecidedAppend {
            try recorder.core.withLock { core in
                try Recorder.bringUp(&core, to: head, log: log, attempt: attempt)
                let result = recorder.decide(batch, against: core.state)
                guard result.failures.isEmpty else {
                    if batch.count == 1 { throw result.failures[0].violation }
                    throw BatchRejected(failures: result.failures)
                }
                decided = (result.domain, result.scratch)
                let writes = recorder.credentials.map { table in result.credentials.flatMap(table.writes(for:)) } ?? []
                return DecidedAppend(events: result.events, sideWrites: writes)
            }
        }

        func written(_ result: AppendResult, attempt: UInt64) {
            guard let (domain, scratch) = decided else { return }
            decided = nil
            recorder.core.withLock { core in
                if let scratch {
                    core.state = scratch
                } else {
                    for event in domain { core.state.apply(event) }
                }
                if let last = result.sequences.last { core.position = last }
                core.uncommittedAttempt = attempt
            }
        }

        func finished(attempt: UInt64, committed: Bool) {
            decided = nil
            recorder.core.withLock { core in
                guard core.uncommittedAttempt == attempt else { return }
                core.uncommittedAttempt = nil
                if !committed { core.needsRefold = true }
            }
        }
    }

    /// Brings the state up to `head` as the write transaction sees it: the
    /// events another process appended; or, when the state holds events of a
    /// transaction that did not commit, the whole log again.
    private static func bringUp(_ core: inout Core, to head: UInt64, log: LogSnapshot, attempt: UInt64) throws {
        if let uncommitted = core.uncommittedAttempt, uncommitted != attempt {
            // An attempt that ended without telling us (it cannot commit now).
            core.uncommittedAttempt = nil
            core.needsRefold = true
        }
        if core.needsRefold || core.position > head {
            core.state = SchoolState()
            core.position = 0
            core.needsRefold = false
        }
        guard core.position < head else { return }
        try log.scan(from: core.position + 1, through: head) { event in
            core.state.apply(try event.decoded())
            return true
        }
        core.position = head
    }
}
