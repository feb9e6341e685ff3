import Catalog
import EventLog
import Foundation
import LMDB
import Testing
@testable import Projections

/// A projector that behaves as another but fails at one event, or claims another version.
struct AlteredProjector: Projector {
    let base: any Projector
    var failAt: UInt64? = nil
    var version: Int

    init(_ base: any Projector, failAt: UInt64? = nil, version: Int? = nil) {
        self.base = base
        self.failAt = failAt
        self.version = version ?? base.version
    }

    struct Failure: Error {}

    var name: String { base.name }
    var tables: [TableInfo] { base.tables }

    func apply(_ event: ProjectedEvent, to store: RowStore) throws {
        try base.apply(event, to: store)
        if event.sequence == failAt { throw Failure() }
    }

    func mayMatter(_ event: RecordedEvent, for scope: ViewScope) -> Bool { base.mayMatter(event, for: scope) }
}

/// A projector that behaves as another but, at one event of its first pass,
/// runs `interfere` once (another runner writing the same views).
final class Interfering: Projector, @unchecked Sendable {
    let base: any Projector
    let at: UInt64
    let interfere: () throws -> Void
    private(set) var fired = false

    init(_ base: any Projector, at: UInt64, interfere: @escaping () throws -> Void) {
        self.base = base
        self.at = at
        self.interfere = interfere
    }

    var name: String { base.name }
    var version: Int { base.version }
    var tables: [TableInfo] { base.tables }

    func apply(_ event: ProjectedEvent, to store: RowStore) throws {
        if event.sequence == at && !fired {
            fired = true
            try interfere()
        }
        try base.apply(event, to: store)
    }

    func mayMatter(_ event: RecordedEvent, for scope: ViewScope) -> Bool { base.mayMatter(event, for: scope) }
}

func digests(_ runner: ProjectionRunner) throws -> [String] {
    try runner.projectors.map { try runner.digest(of: $0.name) }
}

@Suite struct RunnerTests {
    @Test func viewTablesAreNumberedInOrder() {
        #expect(Set(ViewTables.names).count == ViewTables.count)
        for projector in Projections.all {
            for table in projector.tables { #expect(ViewTables.names[table.index] == table.name) }
        }
        #expect(Projections.all.flatMap(\.tables).count == ViewTables.count)
    }

    @Test func incrementalAndRebuildGiveTheSameDigest() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "sch-test", options: .init(durable: false))
        defer { log.close() }
        let events = Scenario.build().events
        let runner = try ProjectionRunner(log: log)
        runner.batchSize = 7
        // Appended and caught up in several steps, with batches that split them.
        var start = 0
        for cut in [13, 40, 41, 90, events.count] {
            try await log.append(Array(events[start..<cut]))
            try runner.catchUp()
            start = cut
        }
        #expect(runner.position == UInt64(events.count))
        #expect(try runner.catchUp().applied == 0)
        let incremental = try digests(runner)
        try runner.rebuild()
        #expect(try digests(runner) == incremental)
        // A rebuild in one batch, and a replay in memory, agree too.
        runner.batchSize = 100_000
        try runner.rebuild()
        #expect(try digests(runner) == incremental)
        let memory = try Projections.replay(log: log, through: .max)
        #expect(Projections.all.map { memory.digest(of: $0) } == incremental)
    }

    @Test func aRebuildOfALogWithAnEventMissingFailsAndSaysWhichOne() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "sch-test", options: .init(durable: false))
        defer { log.close() }
        try await log.append(Scenario.build().events)
        // Event #30 taken out of the table underneath, as a damaged or tampered store would have it.
        let events = try log.environment.database("log.events")
        #expect(try log.environment.write { try $0.delete(events, key: BigEndianKey(30)) })
        let runner = try ProjectionRunner(log: log)
        #expect(throws: EventLogError.missingEvent(sequence: 30)) { try runner.rebuild() }
        runner.batchSize = 7
        #expect(throws: EventLogError.missingEvent(sequence: 30)) { try runner.rebuild() }
    }

    @Test func aFailingBatchLeavesRowsAndPositionUnchanged() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (log, scenario) = try await Scenario.makeLog(at: dir.path)
        defer { log.close() }
        let failAt = UInt64(scenario.events.count - 20)
        let projectors: [any Projector] = [RegistryProjector(), AlteredProjector(JournalProjector(), failAt: failAt), AccessProjector()]
        let runner = try ProjectionRunner(log: log, projectors: projectors)
        runner.batchSize = 10
        #expect(throws: AlteredProjector.Failure.self) { try runner.catchUp() }
        // Batches before the failing one were committed; the failing one left nothing.
        let committed = (failAt - 1) / 10 * 10
        #expect(runner.position == committed)
        #expect(runner.status().allSatisfy { $0.position == committed })
        let expected = try Projections.replay(log: log, through: committed)
        #expect(try digests(runner) == Projections.all.map { expected.digest(of: $0) })
        // A runner opened afresh reads the same positions back from the store.
        let reopened = try ProjectionRunner(log: log)
        #expect(reopened.position == committed)
        try reopened.catchUp()
        #expect(reopened.position == UInt64(scenario.events.count))
    }

    @Test func aNewVersionIsRebuiltFromZero() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (log, scenario) = try await Scenario.makeLog(at: dir.path)
        defer { log.close() }
        let runner = try ProjectionRunner(log: log)
        try runner.catchUp()
        let before = try digests(runner)
        let newVersion = JournalProjector().version + 1
        let bumped: [any Projector] = [RegistryProjector(), AlteredProjector(JournalProjector(), version: newVersion), AccessProjector()]
        let next = try ProjectionRunner(log: log, projectors: bumped)
        // Only the journal starts over; the others keep their position.
        #expect(next.position(of: "journal") == 0)
        #expect(next.position(of: "registry") == UInt64(scenario.events.count))
        #expect(try next.digest(of: "journal") != before[1])
        let progress = try next.catchUp()
        #expect(progress.applied == UInt64(scenario.events.count))
        #expect(try digests(next) == before)
        #expect(next.status().first { $0.name == "journal" }?.version == newVersion)
    }

    @Test func replayAsOfMatchesTheLiveViewAtThatPoint() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (log, scenario) = try await Scenario.makeLog(at: dir.path)
        defer { log.close() }
        // Just before the grade corrections: the 2 of Алексеева still stands.
        let index = scenario.events.firstIndex { $0.type == "GradeCorrected" }!
        let point = UInt64(index)
        let runner = try ProjectionRunner(log: log)
        try runner.catchUp(through: point)
        let live = try runner.read { try ClassJournal.query($0, class: "5А", subject: "math", period: "2024-T1") }
        let replayed = try ClassJournal.query(Projections.replay(log: log, through: point),
                                              class: "5А", subject: "math", period: "2024-T1")
        #expect(live == replayed)
        #expect(live.students.first { $0.id == "S0002" }!.cells[1].marks.map(\.value) == ["2"])
        // A replay scoped to the journal skips logins, consents and other units' lessons.
        let scoped = try ClassJournal.query(Projections.replay(log: log, through: point, scope: .classJournal(unit: "2024-5А")),
                                            class: "5А", subject: "math", period: "2024-T1")
        #expect(scoped == live)
        let diaryLive = try runner.read { try DiaryWeek.query($0, student: "S0001", week: day("2024-09-09")) }
        let diaryReplayed = try DiaryWeek.query(Projections.replay(log: log, through: point, scope: .diary(student: "S0001")),
                                                student: "S0001", week: day("2024-09-09"))
        #expect(diaryLive == diaryReplayed)
        // The live views were not touched by the replays.
        #expect(runner.position == point)
    }

    @Test func twoRunnersOnOneLogNeverApplyAnEventTwice() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (log, scenario) = try await Scenario.makeLog(at: dir.path)
        defer { log.close() }
        let expected = try Projections.replay(log: log, through: .max)
        // As two processes would: each runner opened before the other moved.
        let first = try ProjectionRunner(log: log)
        let second = try ProjectionRunner(log: log)
        first.batchSize = 16
        second.batchSize = 16
        try first.catchUp(through: 50)
        #expect(try second.catchUp().applied == UInt64(scenario.events.count - 50))
        #expect(try first.catchUp().applied == 0)
        #expect(first.position == UInt64(scenario.events.count))
        #expect(try digests(first) == Projections.all.map { expected.digest(of: $0) })
        // A rebuild by one, then a catch-up by the other, which has nothing left to do.
        try first.rebuild()
        #expect(try second.catchUp().applied == 0)
        #expect(try digests(second) == Projections.all.map { expected.digest(of: $0) })
    }

    @Test func aBatchOvertakenByAnotherRunnerIsNotWritten() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (log, scenario) = try await Scenario.makeLog(at: dir.path)
        defer { log.close() }
        let expected = try Projections.replay(log: log, through: .max)
        let other = try ProjectionRunner(log: log)
        // While this runner applies its first batch, the other one writes the same
        // events, as another process would.
        let interfering = Interfering(JournalProjector(), at: 30) { try other.catchUp(through: 60) }
        let runner = try ProjectionRunner(log: log, projectors: [RegistryProjector(), interfering, AccessProjector()])
        runner.batchSize = 50
        try runner.catchUp()
        #expect(interfering.fired)
        #expect(runner.position == UInt64(scenario.events.count))
        #expect(try digests(runner) == Projections.all.map { expected.digest(of: $0) })
    }

    @Test func schoolsRebuiltSideBySideMatchOneAtATime() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let store = try Store.create(at: dir.path + "/store", kind: .district)
        let scenario = Scenario.build()
        // Three schools of different lengths, so that the workers finish apart.
        let schools = ["sch-a", "sch-b", "sch-c"]
        var expected: [String: [String]] = [:]
        for (n, school) in schools.enumerated() {
            let log = try store.createLog(school: school, options: .init(durable: false))
            try await log.append(Array(scenario.events.prefix(scenario.events.count - 10 * n)))
            let runner = try ProjectionRunner(log: log)
            try runner.catchUp()
            expected[school] = try digests(runner)
            log.close()
        }
        let replayed = Counter()
        let outcomes = try SchoolsRebuild.run(store: store, schools: schools, jobs: 2, options: .init(durable: false)) {
            replayed.set($0)
        }
        #expect(outcomes.map(\.school) == schools)
        #expect(outcomes.map(\.events) == schools.indices.map { UInt64(scenario.events.count - 10 * $0) })
        #expect(replayed.value == outcomes.reduce(0) { $0 + $1.events })
        for school in schools {
            let log = try store.openLog(school: school, options: .init(durable: false))
            defer { log.close() }
            #expect(try digests(ProjectionRunner(log: log)) == expected[school])
        }
        // A school that is not in the store stops the rebuild with its error.
        #expect(throws: EventLogError.self) {
            try SchoolsRebuild.run(store: store, schools: ["sch-a", "sch-missing"], jobs: 1)
        }
    }

    @Test func followAppliesNewAppendsLive() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (log, scenario) = try await Scenario.makeLog(at: dir.path)
        defer { log.close() }
        let runner = try ProjectionRunner(log: log)
        let task = Task { try await runner.follow() }
        var more = Scenario()
        more.add(SubjectDefined.with { $0.subjectID = "bio"; $0.name = "Биология" }, "2024-09-21")
        try await log.append(more.events)
        let target = UInt64(scenario.events.count + 1)
        for _ in 0..<200 where runner.position < target { try await Task.sleep(for: .milliseconds(25)) }
        task.cancel()
        #expect(runner.position == target)
        #expect(try runner.read { try Lookup($0).resolveSubject("Биология").id } == "bio")
    }
}

/// The last value a progress callback gave, from any thread.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var last: UInt64 = 0
    func set(_ value: UInt64) { lock.withLock { last = max(last, value) } }
    var value: UInt64 { lock.withLock { last } }
}
