import Audit
import EventLog
import Projections

/// A school as its log stood at a moment, for either door: the views rebuilt
/// in memory from the longest prefix of the log recorded by then (the live
/// views are not read, nor changed). The command line's `--as-of` and the
/// pages' `?asOf=` both come here.
public struct SchoolAsOf {
    public let school: String
    /// The events of the prefix the views show, and of the whole log now.
    public let position: UInt64
    public let head: UInt64
    /// The replay itself: the reports read `everything()`, one-class views read less.
    public let views: AsOfViews

    /// The day (Moscow time) the moment falls on: what "today" and "the current period" mean then.
    public var today: Day { views.today }
    /// Whether something was recorded after the moment.
    public var changedSince: Bool { head > position }

    /// Every view as it stood: a read-only source for any view query.
    public func everything() throws -> MemoryViews { try views.everything() }

    /// Runs `body` on `log` as it stood at `point`. A log opened for writing
    /// gets its audit index extended first, which makes later replays quicker.
    public static func read<R>(_ log: EventLog, at point: AsOfPoint, _ body: (SchoolAsOf) throws -> R) throws -> R {
        let views = try AsOfViews(log: log, at: point)
        return try body(SchoolAsOf(school: log.school, position: views.position, head: try log.head(), views: views))
    }

    /// The same for each school of `store` named, each log opened only for its turn
    /// (for a door that does not hold the logs open already).
    public static func each<R>(store: Store, schools: [String], at point: AsOfPoint, _ body: (SchoolAsOf) throws -> R) throws -> [R] {
        try schools.map { id in
            // Read-only when the user may not write the store (the audit index is then not extended on the way).
            let readOnly = !EventLog.isWritable(at: store.logPath(school: id))
            let log = try store.openLog(school: id, options: .init(readOnly: readOnly))
            defer { log.close() }
            return try read(log, at: point, body)
        }
    }
}

extension OpenSchool {
    /// This school as its log stood at `point` (see `SchoolAsOf`).
    public func asOf<R>(_ point: AsOfPoint, _ body: (SchoolAsOf) throws -> R) throws -> R {
        try SchoolAsOf.read(log, at: point, body)
    }
}
