import EventLog
import Foundation

/// Rebuilds the projections of several schools of a store, `jobs` schools at a
/// time.
///
/// Each school's log and views are an LMDB environment of their own, so the
/// schools never wait for one another. One school's rebuild reads the next
/// batch while its projectors apply this one, then writes the rows: each step
/// waits for another at some point, so one school alone leaves part of a
/// machine idle, and two at once keep it busy.
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
        let replayed = Replayed()
        return try sideBySide(schools.count, jobs: jobs) { index in
            let school = schools[index]
            let log = try store.openLog(school: school, options: options)
            defer { log.close() }
            let runner = try ProjectionRunner(log: log)
            var reported: UInt64 = 0
            let done = try runner.rebuild(names) { events, _ in
                progress?(replayed.add(events - reported))
                reported = events
            }
            return Outcome(school: school, events: done.applied, seconds: done.seconds)
        }
    }

    /// Runs `body` for every index below `count`, `jobs` at a time, and returns
    /// the results in index order. The first error stops the indexes not yet
    /// started and is thrown once the running ones have finished.
    public static func sideBySide<R: Sendable>(
        _ count: Int, jobs: Int, _ body: @Sendable (Int) throws -> R
    ) throws -> [R] {
        let shared = Shared<R>(count: count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, count))) { _ in
            while let index = shared.next() {
                do {
                    shared.finish(index, try body(index))
                } catch {
                    shared.fail(error)
                }
            }
        }
        return try shared.results()
    }

    /// The events replayed so far over all schools. `@unchecked Sendable`: guarded by `lock`.
    private final class Replayed: @unchecked Sendable {
        private let lock = NSLock()
        private var total: UInt64 = 0

        func add(_ events: UInt64) -> UInt64 {
            lock.withLock {
                total += events
                return total
            }
        }
    }

    /// What the workers share. `@unchecked Sendable`: every field is guarded by `lock`.
    private final class Shared<R: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var nextIndex = 0
        private let count: Int
        private var done: [R?]
        private var error: (any Error)?

        init(count: Int) {
            self.count = count
            done = Array(repeating: nil, count: count)
        }

        func next() -> Int? {
            lock.withLock {
                guard error == nil, nextIndex < count else { return nil }
                defer { nextIndex += 1 }
                return nextIndex
            }
        }

        func finish(_ index: Int, _ result: R) { lock.withLock { done[index] = result } }

        func fail(_ failure: any Error) { lock.withLock { if error == nil { error = failure } } }

        func results() throws -> [R] {
            try lock.withLock {
                if let error { throw error }
                return done.map { $0! }
            }
        }
    }
}
