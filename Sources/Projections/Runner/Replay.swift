import Catalog
import EventLog
import Foundation

extension Projections {
    /// The views as they stood after event `sequence`: the projectors run over
    /// events 1…`sequence` into memory, never touching the live projections.
    /// With a `scope`, events no projector needs for it are skipped undecoded.
    /// Every view query takes the result, as it takes the live views.
    public static func replay(
        log: EventLog, through sequence: UInt64, scope: ViewScope = .everything,
        projectors: [any Projector] = Projections.all
    ) throws -> MemoryViews {
        let store = RowStore()
        var last: UInt64 = 0
        try log.scan(from: 1, through: sequence) { recorded in
            last = recorded.sequence
            let relevant = projectors.filter { $0.mayMatter(recorded, for: scope) }
            guard !relevant.isEmpty else { return true }
            let event = try ProjectedEvent(recorded)
            for projector in relevant { try projector.apply(event, to: store) }
            return true
        }
        return MemoryViews(store: store, position: last)
    }

    /// The same over events already at hand (e.g. a bundle being imported).
    public static func replay(
        events: some Sequence<ProjectedEvent>, projectors: [any Projector] = Projections.all
    ) throws -> MemoryViews {
        let store = RowStore()
        var last: UInt64 = 0
        for event in events {
            last = event.sequence
            for projector in projectors { try projector.apply(event, to: store) }
        }
        return MemoryViews(store: store, position: last)
    }
}

/// Reads and decodes the next batch on another thread while the current one is
/// applied: reading and applying each take about half the time of a catch-up.
struct ReadAhead {
    let log: EventLog
    let size: Int
    private var pending: Pending?

    init(log: EventLog, size: Int) {
        self.log = log
        self.size = size
    }

    private final class Pending: @unchecked Sendable {
        // Written once by the reading thread before `done` is signalled.
        var result: Result<[ProjectedEvent], any Error> = .success([])
        let done = DispatchSemaphore(value: 0)
    }

    mutating func request(from: UInt64, through: UInt64) {
        precondition(from <= through, "an empty batch was requested")
        let pending = Pending()
        self.pending = pending
        let log = self.log
        let last = min(through, from + UInt64(size) - 1)
        let capacity = Int(last - from + 1)
        DispatchQueue.global(qos: .userInitiated).async {
            pending.result = Result {
                var out: [ProjectedEvent] = []
                out.reserveCapacity(capacity)
                // The log's sequences have no gaps; one missing is a damaged log, never a view built without it.
                var expected = from
                try log.scanEnvelopes(from: from, through: last) { envelope in
                    guard envelope.sequence == expected else { throw EventLogError.missingEvent(sequence: expected) }
                    out.append(try ProjectedEvent(envelope))
                    expected += 1
                    return true
                }
                if try expected <= last && expected <= log.head() { throw EventLogError.missingEvent(sequence: expected) }
                return out
            }
            pending.done.signal()
        }
    }

    mutating func take() throws -> [ProjectedEvent] {
        guard let pending else { return [] }
        self.pending = nil
        pending.done.wait()
        return try pending.result.get()
    }
}
