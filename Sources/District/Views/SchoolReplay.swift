import EventLog
import Foundation
import Projections
import Synchronization

extension DistrictStore {
    /// Feeds the held events of `school` in order, decoded, to `body`; those
    /// `filter` turns down are skipped before their payload is decoded.
    public func forEachProjected(
        of school: String, where filter: (RecordedEvent) -> Bool = { _ in true },
        _ body: (RecordedEvent, ProjectedEvent) throws -> Void
    ) throws {
        try scanEvents(of: school) { sequence, stored in
            let recorded = try RecordedEvent(stored: stored, sequence: sequence)
            guard filter(recorded) else { return true }
            do {
                try body(recorded, try ProjectedEvent(recorded))
            } catch let error as DistrictError {
                throw error
            } catch {
                throw DistrictError("\(school), event #\(sequence) (\(recorded.type)): \(error)")
            }
            return true
        }
    }

    /// The views of one school as its held log leaves them, in memory.
    public func views(of school: String) throws -> MemoryViews {
        let replay = StepReplay()
        let projectors = Projections.all
        try forEachProjected(of: school, where: { recorded in projectors.contains { $0.mayMatter(recorded, for: .everything) } }) {
            _, event in try replay.apply(event)
        }
        return replay.views
    }

    /// Runs `body` for every held school, two at a time (the schools' logs are
    /// independent); the results come back in school order.
    func perSchool<R: Sendable>(_ body: @Sendable (String) throws -> R) throws -> [R] {
        let schools = try heldSchools().map(\.school)
        let results = Mutex<[Int: Result<R, any Error>]>([:])
        let next = Mutex(0)
        let workers = min(2, max(1, schools.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let k = next.withLock { n in defer { n += 1 }; return n }
                guard k < schools.count else { return }
                let result = Result { try body(schools[k]) }
                results.withLock { $0[k] = result }
            }
        }
        return try results.withLock { all in try schools.indices.map { try all[$0]!.get() } }
    }
}
