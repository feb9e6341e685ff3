import Catalog
import EventLog

/// Something someone asks the school's records to do. A command is checked
/// against the current state and either yields the events that record it or
/// throws the rule it breaks; it never changes anything itself.
public protocol Command: Sendable {
    func decide(_ context: CommandContext) throws(RuleViolation) -> Decision
}

/// What a command is decided against.
public struct CommandContext: Sendable {
    public var state: SchoolState
    public var actor: Actor
    /// The server's clock when the command is recorded.
    public var now: Timestamp

    public init(state: SchoolState, actor: Actor, now: Timestamp) {
        self.state = state
        self.actor = actor
        self.now = now
    }
}

/// The events a command records, and the business date they are about; and
/// the credentials it changes, written in the same transaction into the
/// credentials table, outside the log (`CredentialTable`).
public struct Decision: Sendable {
    public var effectiveDate: CivilDate
    public var events: [any CatalogEvent]
    public var credentials: [CredentialChange]

    public init(_ effectiveDate: CivilDate, _ events: [any CatalogEvent], credentials: [CredentialChange] = []) {
        self.effectiveDate = effectiveDate
        self.events = events
        self.credentials = credentials
    }
}

/// A command, who asks for it, and (for generated or imported history) when.
public struct Submission: Sendable {
    public var command: any Command
    public var actor: Actor
    /// The recorded-at of its events; nil means the recorder's clock.
    public var at: Timestamp?

    public init(_ command: any Command, as actor: Actor, at: Timestamp? = nil) {
        self.command = command
        self.actor = actor
        self.at = at
    }
}
