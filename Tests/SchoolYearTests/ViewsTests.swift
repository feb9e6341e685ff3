import Catalog
import EventLog
import Foundation
import Projections
import Testing
@testable import SchoolYear

/// The views built from a generated log against the generator's own counts.
@Suite struct ViewsTests {
    @Test func journalsHoldTheLessonsAndMarksTheGeneratorRecorded() async throws {
        let school = try await GeneratedSchool.make(.small(seed: 5, weeks: 4))
        defer { school.cleanup() }
        let runner = try ProjectionRunner(log: school.log)
        try runner.catchUp()
        let tallies = school.counts.journal.sorted { $0.key < $1.key }
        #expect(tallies.contains { $0.key.contains("/англ-") }, "some journals are of groups")
        for (key, tally) in tallies {
            let parts = key.split(separator: "|").map(String.init)
            let (unit, subject, period) = (parts[0], parts[1], parts[2])
            let journal = try runner.read { source in
                unit.contains("/")
                    ? try ClassJournal.query(source, group: unit, subject: subject, period: period)
                    : try ClassJournal.query(source, class: unit, subject: subject, period: period)
            }
            #expect(journal.lessons.count == tally.lessons, "lessons of \(key)")
            let marks = journal.students.reduce(0) { $0 + $1.cells.reduce(0) { $0 + $1.marks.count } }
            #expect(marks == tally.marks, "marks of \(key)")
        }
    }

    @Test func theRolloutReportShowsTheFiguresTheSchoolReported() async throws {
        var options = CountsTests.year()
        options.weeks = 18  // up to the New Year
        let school = try await GeneratedSchool.make(options)
        defer { school.cleanup() }
        let runner = try ProjectionRunner(log: school.log)
        try runner.catchUp()
        #expect(school.counts.rolloutReports.count >= 3)
        for figures in school.counts.rolloutReports {
            let report = try runner.read { try RolloutReport.school($0, asOf: figures.asOf.daysSinceEpoch) }
            #expect(report.total.students == figures.students, "students on \(figures.asOf)")
            #expect(report.total.parents == figures.parents, "parents on \(figures.asOf)")
            #expect(report.total.studentsWithLogin.count == figures.studentsWithLogin, "students with a login on \(figures.asOf)")
            #expect(report.total.parentsWithLogin.count == figures.parentsWithLogin, "parents with a login on \(figures.asOf)")
            #expect(report.total.parentsActivated.count == figures.parentsActivated, "parents activated on \(figures.asOf)")
            #expect(report.total.parentsWithConsent.count == figures.parentsWithConsent, "parents with consent on \(figures.asOf)")
            #expect(report.total.parentsWithApplication.count == figures.parentsWithApplication, "applications on \(figures.asOf)")
        }
    }
}

/// Several schools of one district: some students leave one for another.
@Suite struct GeneratedDistrictTests {
    @Test func transfersBetweenSchoolsMatchBySNILSAndDates() async throws {
        var options = SchoolYearOptions.small(seed: 9, weeks: 30)
        options.schools = 2
        options.students = 30
        options.grades = [5, 6]
        let generator = SchoolYearGenerator(options: options)
        #expect(generator.schoolIDs == ["s01", "s02"])
        var departures: [(StudentLeft, String)] = []
        var arrivals: [(StudentArrived, String)] = []
        for id in generator.schoolIDs {
            let school = try await GeneratedSchool.make(options, school: id)
            defer { school.cleanup() }
            let snils = try school.events().reduce(into: [String: String]()) { map, pair in
                if case .studentEnrolled(let e) = pair.1 { map[e.studentID] = e.snils }
                if case .studentArrived(let e) = pair.1 { map[e.studentID] = e.snils }
            }
            for (_, event) in try school.events() {
                if case .studentLeft(let e) = event, !e.destinationSchoolID.isEmpty { departures.append((e, snils[e.studentID]!)) }
                if case .studentArrived(let e) = event, !e.originSchoolID.isEmpty { arrivals.append((e, e.snils)) }
            }
        }
        #expect(departures.count >= 4)
        #expect(departures.count == arrivals.count)
        for (left, snils) in departures {
            let arrival = arrivals.first { $0.1 == snils }
            #expect(arrival != nil, "the arrival of \(snils)")
            guard let arrival = arrival?.0 else { continue }
            #expect(arrival.originSchoolID != left.destinationSchoolID)
            #expect(CivilDate(iso: arrival.on)! > CivilDate(iso: left.on)!)
            #expect(CivilDate(iso: left.on)!.days(until: CivilDate(iso: arrival.on)!) <= 10)
            #expect(!left.orderNumber.isEmpty && !arrival.orderNumber.isEmpty)
        }
    }
}
