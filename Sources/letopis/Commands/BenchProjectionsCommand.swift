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
            schools of 44 classes each, through the event catalog, non-durably). Then, for every
            school: scans the log (the log's own rate, and with payloads decoded), rebuilds every
            projection from zero, and times --reads journal and diary-week queries.

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

    func run() async throws {
        if generate { try await generateStore() }
        let opened = try Store.open(at: store)
        var totals = (events: UInt64(0), scan: 0.0, decode: 0.0, rebuild: 0.0)
        var journalTimes: [Double] = [], diaryTimes: [Double] = []
        for school in try opened.schoolIDs() {
            let log = try opened.openLog(school: school, options: .init(durable: false))
            defer { log.close() }
            let head = try log.head()
            let scan = try timed { try log.scan { _ in true } }
            let decode = try timed { try log.scan { event in _ = try event.decoded(); return true } }
            let runner = try ProjectionRunner(log: log)
            let rebuild = try timed { try runner.rebuild() }
            totals.events += head
            totals.scan += scan
            totals.decode += decode
            totals.rebuild += rebuild
            print(String(format: "%@: %@ events; scan %.0f/s, scan+decode %.0f/s, rebuild %.0f/s", school, "\(head)",
                         Double(head) / scan, Double(head) / decode, Double(head) / rebuild))
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
        print(String(format: """
            all schools: %@ events
              log scan (the log's own rate):  %.0f events/s
              log scan + payload decode:      %.0f events/s
              rebuild of every projection:    %.0f events/s
              class journal read: median %.2f ms, p95 %.2f ms (%d reads)
              diary week read:    median %.2f ms, p95 %.2f ms (%d reads)
            """, "\(totals.events)", Double(totals.events) / totals.scan, Double(totals.events) / totals.decode,
            Double(totals.events) / totals.rebuild, percentile(journalTimes, 0.5) * 1000, percentile(journalTimes, 0.95) * 1000,
            journalTimes.count, percentile(diaryTimes, 0.5) * 1000, percentile(diaryTimes, 0.95) * 1000, diaryTimes.count))
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
