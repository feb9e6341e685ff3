import Catalog
import EventLog
import Foundation
import Projections
import SchoolYear
import Testing
@testable import Audit

/// A school year generated through the rules (the demo's generator), small.
struct GeneratedSchool {
    let directory: TemporaryDirectory
    let store: Store
    let log: EventLog

    static func make(weeks: Int = 20, students: Int = 60) async throws -> GeneratedSchool {
        let directory = TemporaryDirectory("letopis-audit-generated")
        var options = SchoolYearOptions()
        options.seed = 11
        options.students = students
        options.grades = [5, 6]
        options.weeks = weeks
        options.splitThreshold = 10
        options.hashRounds = 1
        let store = try Store.create(at: directory.path + "/store", kind: .school)
        let log = try store.createLog(school: "s01", options: .init(durable: false))
        _ = try await SchoolYearGenerator(options: options).generate(school: "s01", into: log)
        return GeneratedSchool(directory: directory, store: store, log: log)
    }

    func cleanup() {
        log.close()
        directory.cleanup()
    }
}

@Suite(.serialized) struct AsOfTests {
    @Test func asOfViewsEqualWhatTheLiveViewsShowedThen() async throws {
        let school = try await GeneratedSchool.make()
        defer { school.cleanup() }
        let log = school.log
        let head = try log.head()
        let runner = try ProjectionRunner(log: log)
        var checked = 0
        for n in [head / 5, head / 3, head / 2, head * 3 / 4, head] {
            try runner.catchUp(through: n)
            let asOf = try AsOfViews(log: log, at: .sequence(n))
            #expect(asOf.position == n)
            for (className, group, period) in [("5А", nil, "1 четверть"), ("6А", nil, "2 четверть"), (nil, "5А/англ-1", "1 четверть")] as [(String?, String?, String)] {
                let live = try? runner.read {
                    try ClassJournal.query($0, class: className, group: group, subject: group == nil ? "Математика" : nil, period: period)
                }
                let replayed = try? asOf.classJournal(class: className, group: group, subject: group == nil ? "Математика" : nil, period: period)
                #expect(live == replayed, "journal \(className ?? group!) \(period) as of #\(n)")
                if live != nil { checked += 1 }
            }
            let week = Day.parse("2024-10-07")!
            let liveDiary = try? runner.read { try DiaryWeek.query($0, student: "S0005", week: week) }
            if n == head { #expect(liveDiary != nil) }
            #expect(liveDiary == (try? asOf.diary(student: "S0005", week: week)), "diary as of #\(n)")
            let liveSummary = try? runner.read { try SummarySheet.query($0, class: "5А") }
            if n == head { #expect(liveSummary?.students.isEmpty == false) }
            #expect(liveSummary == (try? asOf.summary(class: "5А")), "summary as of #\(n)")
            // The whole-school replay agrees too (the reports read it).
            let liveReport = try? runner.read { try RolloutReport.school($0, asOf: Day.parse("2024-10-01")!) }
            if n == head { #expect(liveReport != nil) }
            #expect(liveReport == (try? RolloutReport.school(asOf.everything(), asOf: Day.parse("2024-10-01")!)))
        }
        #expect(checked >= 8, "most of the journals exist at the points checked")
    }

    @Test func aMomentMeansTheLongestPrefixRecordedByThen() async throws {
        let school = try await GeneratedSchool.make(weeks: 6)
        defer { school.cleanup() }
        let log = school.log
        let events = try log.events(from: 1)
        for probe in [events.count / 3, events.count / 2, events.count - 5] {
            let t = events[probe].recordedAt
            let n = try AsOfPoint.time(t).resolve(in: log)
            #expect(events.prefix(Int(n)).allSatisfy { $0.recordedAt <= t })
            if n < UInt64(events.count) { #expect(events[Int(n)].recordedAt > t) }
            // The same with the time index built (a writable log builds it).
            _ = try AsOfViews(log: log, at: .sequence(1))
            #expect(try AsOfPoint.time(t).resolve(in: log) == n)
        }
        #expect(try AsOfPoint.time(Timestamp(microseconds: 0)).resolve(in: log) == 0)
        #expect(AsOfPoint.parse("1200") == .sequence(1200))
        #expect(AsOfPoint.parse("2024-10-01T14:30") == .time(msk("2024-10-01", 14, 30)))
        #expect(AsOfPoint.parse("2024-10-01T14:30:00Z") == .time(Timestamp(CivilDate(iso: "2024-10-01")!, hour: 14, minute: 30)))
        #expect(AsOfPoint.parse("01.10.2024") == .time(Timestamp(microseconds: msk("2024-10-02", 0).microseconds - 1)))
        #expect(AsOfPoint.parse("2024-10-01", dayStart: true) == .time(Timestamp(microseconds: msk("2024-10-01", 0).microseconds - 1)))
        #expect(AsOfPoint.parse("вчера") == nil)
    }

    @Test func aReadOnlyCopyWithoutTheIndexGivesTheSameViews() async throws {
        let school = try await GeneratedSchool.make(weeks: 8)
        defer { school.cleanup() }
        let copy = TemporaryDirectory()
        defer { copy.cleanup() }
        try school.log.environment.copy(to: copy.path)
        let head = try school.log.head()
        let indexed = try AsOfViews(log: school.log, at: .sequence(head * 2 / 3))
        let readOnly = try EventLog.open(at: copy.path, options: .init(readOnly: true))
        defer { readOnly.close() }
        let scanned = try AsOfViews(log: readOnly, at: .sequence(head * 2 / 3))
        #expect(try indexed.classJournal(class: "5А", group: nil, subject: "Математика", period: "1 четверть")
                == scanned.classJournal(class: "5А", group: nil, subject: "Математика", period: "1 четверть"))
        #expect(try indexed.diary(student: "S0003", week: Day.parse("2024-10-14")!)
                == scanned.diary(student: "S0003", week: Day.parse("2024-10-14")!))
    }
}
