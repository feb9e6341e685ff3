import EventLog

/// A replay in memory fed one event at a time, whose views can be read between
/// events: the district compares what a school reported on a day with the
/// school's log as it stood when the report was submitted, in one pass.
public final class StepReplay {
    let store = RowStore()
    let projectors: [any Projector]
    public private(set) var position: UInt64 = 0

    public init(projectors: [any Projector] = Projections.all) {
        self.projectors = projectors
    }

    public func apply(_ event: ProjectedEvent) throws {
        for projector in projectors { try projector.apply(event, to: store) }
        position = event.sequence
    }

    /// The views after the last event applied. Valid until the next `apply`
    /// (which changes the same rows), so read them before applying more.
    public var views: MemoryViews { MemoryViews(store: store, position: position) }
}
