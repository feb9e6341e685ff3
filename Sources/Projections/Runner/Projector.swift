import Catalog
import EventLog
import Foundation

/// An event as projectors see it: decoded once from the log and handed to
/// every projector in turn.
///
/// A class: handing it to a projector costs one reference count, where a
/// struct would be copied field by field (every string of the payload
/// retained) for every projector, some 6 % of a rebuild's time.
public final class ProjectedEvent: Sendable {
    public let sequence: UInt64
    public let recordedAt: Timestamp
    public let effectiveDate: CivilDate
    public let actor: Actor
    public let event: DomainEvent

    public init(sequence: UInt64, recordedAt: Timestamp, effectiveDate: CivilDate, actor: Actor, event: DomainEvent) {
        self.sequence = sequence
        self.recordedAt = recordedAt
        self.effectiveDate = effectiveDate
        self.actor = actor
        self.event = event
    }

    /// Decodes an envelope's payload, read in place (the rebuild's path).
    public convenience init(_ envelope: EventEnvelope) throws {
        self.init(
            sequence: envelope.sequence, recordedAt: envelope.recordedAt, effectiveDate: envelope.effectiveDate,
            actor: envelope.actor, event: try envelope.decoded())
    }

    /// Decodes a recorded event's payload (the one decoding it ever gets).
    public convenience init(_ recorded: RecordedEvent) throws {
        self.init(
            sequence: recorded.sequence, recordedAt: recorded.recordedAt, effectiveDate: recorded.effectiveDate,
            actor: recorded.actor, event: try recorded.decoded())
    }
}

/// The name and place of a table, without its row type.
public struct TableInfo: Sendable, Hashable {
    public let name: String
    public let index: Int
}

extension Table {
    public var info: TableInfo { TableInfo(name: name, index: index) }
}

/// What a query is about, so that a replay can skip the events that cannot
/// matter to it (the audit engine's as-of views of one journal or one diary).
public enum ViewScope: Sendable, Hashable {
    /// Every view.
    case everything
    /// One class's or group's journal: `unit` is the class or group id.
    case classJournal(unit: String)
    /// One student's diary.
    case diary(student: String)
}

/// Turns events into rows of its own tables. A projector reads and writes only
/// its own tables while applying, so that each can be rebuilt alone; views join
/// the tables of several projectors when they are read.
public protocol Projector: Sendable {
    /// Names its tables (`view.<name>.…`) and its position in `view.positions`.
    var name: String { get }
    /// Bumped whenever what the projector writes changes: a stored version that
    /// differs makes the runner rebuild this projector from zero.
    var version: Int { get }
    var tables: [TableInfo] { get }
    func apply(_ event: ProjectedEvent, to store: RowStore) throws
    /// Cheap and conservative: false only when the event certainly changes
    /// nothing this projector keeps for views of `scope`. Looks at the envelope
    /// only, so that a replay can skip an event before decoding it.
    func mayMatter(_ event: RecordedEvent, for scope: ViewScope) -> Bool
}

/// The projectors of Letopis and the entry points around them.
public enum Projections {
    /// Every projector, in the order each event is handed to them.
    public static let all: [any Projector] = [RegistryProjector(), JournalProjector(), AccessProjector()]

    public static func projector(named name: String) -> (any Projector)? {
        all.first { $0.name == name }
    }
}
