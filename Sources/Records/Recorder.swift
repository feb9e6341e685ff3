import Catalog
import EventLog
import Foundation

/// Decides commands against the school's state and appends their events.
///
/// One recorder per school log: commands are decided one after another against
/// the state including every earlier command, and their events are appended
/// with the head the state was at, so a command decided against an outdated
/// state (another process wrote meanwhile) is never recorded: the recorder
/// catches up and decides it again.
public actor Recorder {
    public let log: EventLog
    public private(set) var state: SchoolState
    /// The last sequence the state includes, counting appends still in flight.
    private var position: UInt64
    private let clock: @Sendable () -> Timestamp
    private var makeID: @Sendable (Timestamp) -> UUID

    /// Opens a recorder on a log, folding the log into the state.
    public init(log: EventLog, clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) throws {
        self.log = log
        self.clock = clock
        self.makeID = { _ in UUID.timeOrdered() }
        (state, position) = try SchoolState.fold(log)
    }

    /// Replaces how event ids are made (a generator of past years makes them
    /// from its seed, so that the same seed gives the same log).
    public func useEventIDs(_ make: @escaping @Sendable (Timestamp) -> UUID) {
        makeID = make
    }

    /// Records one command; throws the rule it breaks and records nothing then.
    @discardableResult
    public func execute(_ command: any Command, as actor: Actor, at time: Timestamp? = nil) async throws -> AppendResult {
        do {
            return try await execute([Submission(command, as: actor, at: time)])
        } catch let rejected as BatchRejected where rejected.failures.count == 1 {
            throw rejected.failures[0].violation
        }
    }

    /// Records a batch of commands atomically: all of them, or — when any breaks
    /// a rule — none, with every broken rule listed by the command's place.
    @discardableResult
    public func execute(_ batch: [Submission]) async throws -> AppendResult {
        for attempt in 0..<3 {
            let (events, failures, scratch) = decide(batch)
            guard failures.isEmpty else { throw BatchRejected(failures: failures) }
            guard !events.isEmpty else { return AppendResult(sequences: [], wasDuplicate: false) }
            let expectedHead = position
            state = scratch
            position += UInt64(events.count)
            do {
                return try await log.append(events, expectedHead: expectedHead)
            } catch {
                // Whatever happened, the state may now be ahead of the log: rebuild it.
                try catchUp()
                if case EventLogError.headMoved = error, attempt < 2 { continue }
                throw error
            }
        }
        preconditionFailure("unreachable: the last attempt returns or throws")
    }

    /// Decides a batch without recording anything: the commands that would break
    /// a rule, by their place (a dry run, e.g. to report every bad line of an
    /// imported file together with the lines that could not be read).
    public func check(_ batch: [Submission]) -> [(index: Int, violation: RuleViolation)] {
        decide(batch).1
    }

    /// Decides every command of a batch against the state as the earlier ones
    /// leave it; a refused command contributes nothing, and the others are still
    /// checked, so that a whole file's errors can be reported at once.
    private func decide(_ batch: [Submission]) -> ([ProposedEvent], [(index: Int, violation: RuleViolation)], SchoolState) {
        var scratch = state
        var events: [ProposedEvent] = []
        var failures: [(index: Int, violation: RuleViolation)] = []
        let now = clock()
        for (index, submission) in batch.enumerated() {
            let at = submission.at ?? now
            do {
                // The context is a temporary, released before the events are applied:
                // a context still holding the state would make each apply copy it whole.
                let decision = try submission.command.decide(CommandContext(state: scratch, actor: submission.actor, now: at))
                for event in decision.events {
                    scratch.apply(event.domainEvent)
                    events.append(event.proposed(
                        id: makeID(at), effectiveDate: decision.effectiveDate, actor: submission.actor,
                        recordedAt: submission.at))
                }
            } catch {
                failures.append((index, error))
            }
        }
        return (events, failures, scratch)
    }

    /// Re-reads the log into the state: after a failed append, or to see what
    /// another process recorded.
    public func catchUp() throws {
        (state, position) = try SchoolState.fold(log)
    }
}
