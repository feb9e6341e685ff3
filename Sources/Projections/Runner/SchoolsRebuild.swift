import EventLog
import Foundation

/// Rebuilds the projections of several schools of a store, `jobs` schools at a
/// time.
///
/// Each school's log and views are an LMDB environment of their own, so the
/// schools never wait for one another. One school's rebuild keeps a reading
/// thread and an applying thread, and the applying thread is the slower one:
/// alone it leaves part of a machine idle, two schools at once keep it busy.
public enum SchoolsRebuild {
    /// One school's rebuild.
    public struct Outcome: Sendable {
        public let school: String
        public let events: UInt64
        public let seconds: Double
    }

    /// Rebuilds the named projectors (all when nil) of every school in
    /// `schools`. `progress` gets the events replayed so far, over all schools,
    /// from any thread. The first error stops the schools not yet started and is
    /// thrown once the running ones have finished; a school whose rebuild failed
    /// is left as the runner leaves it (its views caught up again on next open).
    public static func run(
        store: Store, schools: [String], jobs: Int, projectors names: [String]? = nil,
        options: EventLog.Options = .init(), progress: (@Sendable (UInt64) -> Void)? = nil
    ) throws -> [Outcome] {
        let shared = Shared(count: schools.count)
        let workers = max(1, min(jobs, schools.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = shared.next() {
                let school = schools[index]
                do {
                    let log = try store.openLog(school: school, options: options)
                    defer { log.close() }
                    let runner = try ProjectionRunner(log: log)
                    var reported: UInt64 = 0
                    let done = try runner.rebuild(names) { replayed, _ in
                        progress?(shared.add(replayed - reported))
                        reported = replayed
                    }
                    shared.finish(index, Outcome(school: school, events: done.applied, seconds: done.seconds))
                } catch {
                    shared.fail(error)
                }
            }
        }
        return try shared.outcomes()
    }

    /// What the workers share. `@unchecked Sendable`: every field is guarded by `lock`.
    private final class Shared: @unchecked Sendable {
        private let lock = NSLock()
        private var nextIndex = 0
        private let count: Int
        private var results: [Outcome?]
        private var error: (any Error)?
        private var replayed: UInt64 = 0

        init(count: Int) {
            self.count = count
            results = Array(repeating: nil, count: count)
        }

        func next() -> Int? {
            lock.withLock {
                guard error == nil, nextIndex < count else { return nil }
                defer { nextIndex += 1 }
                return nextIndex
            }
        }

        func add(_ events: UInt64) -> UInt64 {
            lock.withLock {
                replayed += events
                return replayed
            }
        }

        func finish(_ index: Int, _ outcome: Outcome) { lock.withLock { results[index] = outcome } }

        func fail(_ failure: any Error) { lock.withLock { if error == nil { error = failure } } }

        func outcomes() throws -> [Outcome] {
            try lock.withLock {
                if let error { throw error }
                return results.compactMap { $0 }
            }
        }
    }
}
