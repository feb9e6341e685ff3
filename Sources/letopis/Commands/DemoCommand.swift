import ArgumentParser
import Audit
import EventLog
import Foundation
import Projections
import SchoolService
import SchoolYear
import Synchronization

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Generate a realistic school year into a new store, deterministic for a seed.",
        discussion: """
            Creates the store and, per school, a log holding a whole school year recorded through
            the same commands and rules as real input: the school, its periods and holidays, bells,
            subjects and curriculum, classes 1–11 and their groups, the timetable; staff, students
            and guardians with Russian names; consents, applications, logins issued and activated
            along the rollout ramp; every lesson with its topic, homework, roll and marks (some
            entered late, some corrected), illness that comes in waves, final grades, period closes
            and one reopening, moves, departures and arrivals, quarterly backups, rollout reports,
            diary acknowledgements and daily sign-ins. Then it builds every view and prints a
            summary with the commands to look at the results. Each school gets its signing key (made
            from the seed, so a demo's key is public: never sign a real school's records with it), and
            a signed checkpoint at each period close and backup. Last, the coordinator issues new slips
            to sample people of the first school (see letopis demo-slips), which are printed: the
            generated year is byte-identical for the same options, these last few events are dated today.

            The same options give byte-identical logs. Password hashes use 1,000 PBKDF2 rounds
            (stated in each hash) so that thousands of logins are made quickly: this is for the
            demo only; real logins use 600,000. The logs are written without an fsync per
            transaction and synced once at the end.

            Examples:
              letopis demo --store ./demo
              letopis demo --store ./district --schools 3 --students 600 --seed 7
              letopis demo --store ./small --students 80 --grades 3,5,10 --weeks 3
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "How many schools (s01, s02, …) of one district.")
    var schools: Int = 1

    @Option(help: "Students per school, about.")
    var students: Int = 1_000

    @Option(help: "The seed: the same seed gives the same logs.")
    var seed: UInt64 = 2024

    @Option(help: "The calendar year the academic year starts in.")
    var year: Int = 2024

    @Option(help: "Simulate only the first N weeks of the year.")
    var weeks: Int?

    @Option(help: ArgumentHelp("The grades the schools have, e.g. 1-11 or 3,5,10.", valueName: "list"))
    var grades: String = "1-11"

    func validate() throws {
        guard (1...20).contains(schools) else { throw ValidationError("--schools must be 1 to 20") }
        guard (10...5_000).contains(students) else { throw ValidationError("--students must be 10 to 5000") }
        guard (2000...2090).contains(year) else { throw ValidationError("--year must be 2000 to 2090") }
        if let weeks { guard (1...40).contains(weeks) else { throw ValidationError("--weeks must be 1 to 40") } }
        _ = try gradeList()
    }

    func gradeList() throws -> [Int] {
        var result: [Int] = []
        for part in grades.split(separator: ",") {
            let bounds = part.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard bounds.count <= 2, let low = bounds.first ?? nil, let high = bounds.last ?? nil, low <= high,
                  (1...11).contains(low), (1...11).contains(high) else {
                throw ValidationError("--grades takes grades 1–11 as a list or ranges, e.g. 1-11 or 3,5,10")
            }
            result += Array(low...high)
        }
        return Array(Set(result)).sorted()
    }

    func run() async throws {
        bootstrapLogging(verbose: storeOptions.verbose)
        let started = Date()
        var options = SchoolYearOptions()
        options.seed = seed
        options.year = year
        options.schools = schools
        options.students = students
        options.weeks = weeks
        options.grades = try gradeList()
        let path = storeOptions.storePath
        let store: Store
        do {
            store = try Store.create(at: path, kind: .school)
        } catch {
            throw CommandFailure("\(error) — the demo makes a new store: give a new or empty directory")
        }
        let generator = SchoolYearGenerator(options: options)
        let ids = generator.schoolIDs
        // Two schools at a time: their logs are independent, and there are two cores.
        // One bar for them all, on a terminal.
        let bar = ProgressBar(total: UInt64(generator.days * ids.count), unit: "days", label: "generating")
        let done = DaysDone(schools: ids.count)
        var results: [String: SchoolResult] = [:]
        try await withThrowingTaskGroup(of: SchoolResult.self) { group in
            var next = 0
            func start() {
                let id = ids[next]
                next += 1
                let index = next - 1
                group.addTask {
                    try await Self.demo(school: id, store: store, generator: generator) { days in
                        bar.update(done.set(index, days))
                    }
                }
            }
            for _ in 0..<min(2, ids.count) { start() }
            while let result = try await group.next() {
                results[result.counts.schoolID] = result
                if next < ids.count { start() }
            }
        }
        bar.finish()
        let ordered = ids.compactMap { results[$0] }
        print(DemoSummary(options: options, path: path, flag: storeOptions.store.map { "--store \($0) " } ?? "",
                          results: ordered, seconds: Date().timeIntervalSince(started)).text)
        // Sign-in details for whoever looks at the demo through the server.
        let school = try asCommandFailure { try OpenSchool.open(store: store, school: ids[0]) }
        defer { school.close() }
        let slips = try await DemoSlips.issue(in: school)
        print("\n" + DemoSlips.text(slips))
    }

    struct SchoolResult: Sendable {
        var counts: SchoolCounts
        var projectionSeconds: Double
        var checkpoints: Int
        var checkpointSeconds: Double
    }

    private static func demo(school id: String, store: Store, generator: SchoolYearGenerator,
                             progress: @escaping @Sendable (Int) -> Void) async throws -> SchoolResult {
        let log: EventLog
        do {
            log = try store.createLog(school: id, options: .init(durable: false))
        } catch {
            throw CommandFailure("\(error)")
        }
        defer { log.close() }
        let counts: SchoolCounts
        do {
            counts = try await generator.generate(school: id, into: log) { done, _ in progress(done) }
        } catch let failure as GeneratorFailure {
            throw CommandFailure("the demo broke a rule of the records (a bug of the generator): \(failure)")
        }
        let viewsStarted = Date()
        do {
            let runner = try ProjectionRunner(log: log)
            try runner.catchUp()
        } catch {
            throw CommandFailure("building the views of \(id): \(error)")
        }
        // The school's key (from the seed: a demo's key is public, and the auditors'
        // guide quotes it), and the checkpoints it signs at each period close and backup.
        let auditStarted = Date()
        let checkpoints: Int
        do {
            let signer = try SchoolKeys.ensure(store: store, school: id, demoSeed: generator.options.seed)
            checkpoints = try Checkpointer(log: log, signer: signer).catchUp().signed.count
            try log.environment.sync()
        } catch {
            throw CommandFailure("signing the checkpoints of \(id): \(error)")
        }
        return SchoolResult(counts: counts, projectionSeconds: auditStarted.timeIntervalSince(viewsStarted),
                            checkpoints: checkpoints, checkpointSeconds: Date().timeIntervalSince(auditStarted))
    }
}

/// Days done per school, summed for the one progress bar.
private final class DaysDone: Sendable {
    private let days: Mutex<[Int]>

    init(schools: Int) { days = Mutex(Array(repeating: 0, count: schools)) }

    func set(_ school: Int, _ value: Int) -> UInt64 {
        days.withLock { days in
            days[school] = value
            return UInt64(days.reduce(0, +))
        }
    }
}
