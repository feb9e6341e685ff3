import ArgumentParser
import Catalog
import EventLog
import Foundation
import Projections
import SchoolYear

/// The projections' benchmark (tools/bench-projections): rebuild speed against
/// the log's own scan rate, and the latency of one journal and one diary week.
struct BenchProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-projections",
        abstract: "Benchmark the projections on a store (for tools/bench-projections).",
        discussion: """
            With --generate, first writes a synthetic district year into a new store (--schools
            schools of 44 classes each, through the event catalog, non-durably). Then scans every
            school's log (the log's own rate, and with payloads decoded) one school at a time, and
            again --jobs schools at a time; rebuilds every projection of every school from zero, one
            school at a time and then --jobs at a time; and times --reads journal and diary-week
            queries per school. Each rebuild is printed beside the scan measured the same way.

            Example:
              letopis bench-projections --store /tmp/bench-store --generate --schools 21
            """,
        shouldDisplay: false
    )

    @Option(help: ArgumentHelp("The store to measure (created with --generate).", valueName: "dir"))
    var store: String

    @Flag(help: "Write a synthetic district year into a new store first.")
    var generate = false

    @Option(help: "Schools to generate.")
    var schools = 21

    @Option(help: "Queries of each kind to time.")
    var reads = 300

    @Option(help: "Schools rebuilt (and scanned) at once in the parallel measures (default: the processors).")
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    func run() async throws {
        if generate { try await generateStore() }
        let opened = try Store.open(at: store)
        let schools = try opened.schoolIDs()
        let fast = EventLog.Options(durable: false)

        // The log's own rates, one school at a time.
        var totals = (events: UInt64(0), scan: 0.0, decode: 0.0)
        for school in schools {
            let log = try opened.openLog(school: school, options: fast)
            defer { log.close() }
            let head = try log.head()
            // Once untimed, so that every measure below reads from the page cache.
            try log.scanStored { _, _ in true }
            let scan = try timed { try log.scan { _ in true } }
            let decode = try timed { try log.scan { event in _ = try event.decoded(); return true } }
            totals.events += head
            totals.scan += scan
            totals.decode += decode
            print(String(format: "%@: %@ events; scan %.0f/s, scan+decode %.0f/s", school, "\(head)",
                         Double(head) / scan, Double(head) / decode))
        }
        // The same scan, `jobs` schools at a time: the peer of the parallel rebuild.
        let parallelScan = try timed {
            _ = try SchoolsRebuild.sideBySide(schools.count, jobs: jobs) { index in
                let log = try opened.openLog(school: schools[index], options: fast)
                defer { log.close() }
                try log.scan { _ in true }
            }
        }
        // Rebuilds: one school at a time, then `jobs` at a time.
        let sequential = try timed { _ = try SchoolsRebuild.run(store: opened, schools: schools, jobs: 1, options: fast) }
        print(String(format: "rebuild, one school at a time: %.0f events/s", Double(totals.events) / sequential))
        let parallel = try timed { _ = try SchoolsRebuild.run(store: opened, schools: schools, jobs: jobs, options: fast) }
        print(String(format: "rebuild, %d schools at a time: %.0f events/s", jobs, Double(totals.events) / parallel))

        var journalTimes: [Double] = [], diaryTimes: [Double] = []
        for school in schools {
            let log = try opened.openLog(school: school, options: fast)
            defer { log.close() }
            let runner = try ProjectionRunner(log: log)
            try runner.read { source in
                let lookup = Lookup(source)
                let classes = try lookup.classes()
                let subjects = try lookup.subjects()
                let students = try source.rows(ViewTables.students).map(\.row)
                var rng = SplitMix64(state: 7)
                guard !classes.isEmpty, !subjects.isEmpty, !students.isEmpty else { return }
                for _ in 0..<reads {
                    let klass = classes[Int(rng.next() % UInt64(classes.count))]
                    let subject = subjects[Int(rng.next() % UInt64(subjects.count))]
                    let periods = try lookup.periods(for: klass)
                    let period = periods.isEmpty ? nil : periods[Int(rng.next() % UInt64(periods.count))].id
                    journalTimes.append(try timed {
                        _ = try ClassJournal.query(source, class: klass.id, subject: subject.id, period: period)
                    })
                    let student = students[Int(rng.next() % UInt64(students.count))]
                    let week = CivilDate(iso: "2024-09-02")!.adding(days: Int(rng.next() % 34) * 7)
                    diaryTimes.append(try timed {
                        _ = try DiaryWeek.query(source, student: student.id, week: week.daysSinceEpoch)
                    })
                }
            }
        }
        let events = Double(totals.events)
        print(String(format: """
            all schools: %@ events (load average %@)
              log scan (the log's own rate):    %.0f events/s one school at a time, %.0f events/s %d at a time
              log scan + payload decode:        %.0f events/s one school at a time
              rebuild of every projection:      %.0f events/s one school at a time (%.2f× the scan)
                                                %.0f events/s %d at a time (%.2f× the scan %d at a time)
              class journal read: median %.2f ms, p95 %.2f ms (%d reads)
              diary week read:    median %.2f ms, p95 %.2f ms (%d reads)
            """, "\(totals.events)", loadAverage(),
            events / totals.scan, events / parallelScan, jobs,
            events / totals.decode,
            events / sequential, totals.scan / sequential,
            events / parallel, jobs, parallelScan / parallel, jobs,
            percentile(journalTimes, 0.5) * 1000, percentile(journalTimes, 0.95) * 1000, journalTimes.count,
            percentile(diaryTimes, 0.5) * 1000, percentile(diaryTimes, 0.95) * 1000, diaryTimes.count))
    }

    private func generateStore() async throws {
        let created = try Store.create(at: store, kind: .district)
        for n in 1...schools {
            let id = String(format: "sch-%04d", n)
            let log = try created.createLog(school: id, options: .init(durable: false))
            var school = SyntheticSchool(id: id, seed: UInt64(n))
            let started = Date()
            try await school.generate { chunk in try await log.append(chunk) }
            try log.environment.sync()
            let head = try log.head()
            print(String(format: "generated %@: %@ events in %.1f s", id, "\(head)", Date().timeIntervalSince(started)))
            log.close()
        }
    }

    private func timed(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}

/// The 1-, 5- and 15-minute load averages, for the report.
private func loadAverage() -> String {
    var loads = [Double](repeating: 0, count: 3)
    guard getloadavg(&loads, 3) == 3 else { return "unknown" }
    return loads.map { String(format: "%.2f", $0) }.joined(separator: " ")
}
