import Catalog
import EventLog
import Foundation
import Testing
@testable import SchoolYear

/// The generator's own counts against what the log holds, over a whole (tiny)
/// year: finals, closes, the reopening, backups and reports included.
@Suite(.serialized) struct CountsTests {
    static func year() -> SchoolYearOptions {
        var options = SchoolYearOptions.small(seed: 11, weeks: nil)
        options.students = 30
        options.grades = [4, 10]
        return options
    }

    @Test func theCountsAreWhatTheLogHolds() async throws {
        let school = try await GeneratedSchool.make(Self.year())
        defer { school.cleanup() }
        let c = school.counts
        let events = try school.events()
        #expect(events.count == c.events)
        var byType: [String: Int] = [:]
        var codes: [String: Int] = [:]
        var reports: [ReportSubmitted] = []
        var backups: [BackupMade] = []
        for (recorded, event) in events {
            byType[recorded.type, default: 0] += 1
            switch event {
            case .attendanceTaken(let e): for mark in e.marks { codes[mark.code, default: 0] += 1 }
            case .reportSubmitted(let e): reports.append(e)
            case .backupMade(let e): backups.append(e)
            default: break
            }
        }
        let expected: [(String, Int)] = [
            ("LessonHeld", c.lessons), ("AttendanceTaken", c.rolls), ("HomeworkAssigned", c.homework),
            ("LessonTopicRecorded", c.topicsEnteredLater + c.topicCorrections), ("AttendanceCorrected", c.attendanceCorrections),
            ("GradeRecorded", c.grades), ("GradeCorrected", c.gradeCorrections), ("GradeVoided", c.gradesVoided),
            ("FinalGradeSet", c.finals), ("FinalGradeCorrected", c.finalCorrections),
            ("PeriodClosed", c.periodCloses), ("PeriodReopened", c.periodReopens),
            ("ConsentGiven", c.consentsGiven), ("ConsentRefused", c.consentsRefused), ("ConsentWithdrawn", c.consentsWithdrawn),
            ("ParentApplicationRegistered", c.applications), ("LoginIssued", c.loginsIssued), ("LoginActivated", c.activations),
            ("PasswordChanged", c.passwordChanges), ("SignedIn", c.signIns), ("DiaryWeekAcknowledged", c.acknowledgements),
            ("StudentMoved", c.moves), ("StudentLeft", c.departures), ("StudentArrived", c.arrivals),
            ("StudentEnrolled", c.students), ("StaffHired", c.staff), ("ClassCreated", c.classes), ("GroupCreated", c.groups),
            ("TimetableEntryAdded", c.timetableEntries), ("BackupMade", c.backups), ("ReportSubmitted", c.reports),
        ]
        for (type, count) in expected {
            #expect(byType[type, default: 0] == count, "\(type)")
        }
        #expect(codes == c.attendanceMarks)
        // What the year must contain.
        #expect(c.periodReopens == 1)
        #expect(c.periodCloses == 2 + 4 + 1)  // half-years, terms, the re-close
        #expect(c.backups == 4)
        #expect(c.reports == 4)
        #expect(c.consentsWithdrawn == 2)
        #expect(c.lateLessons > 0 && c.substituteLessons >= 0 && c.arrivals > 0 && c.departures > 0)
        #expect(byType["LoginBlocked", default: 0] >= 2)

        // The backups hold the log as it stood: their root is the log's root at that size.
        for backup in backups {
            #expect(try school.log.merkleRoot(size: backup.logPosition).root.hex == backup.merkleRoot)
        }
        // The reports carry the generator's own figures.
        #expect(reports.map(\.asOf) == c.rolloutReports.map(\.asOf.iso))
        for (report, figures) in zip(reports, c.rolloutReports) {
            let values = Dictionary(uniqueKeysWithValues: report.figures.map { ($0.key, $0.value) })
            #expect(values["parents_activated"] == Double(figures.parentsActivated))
            #expect(values["parents_with_login"] == Double(figures.parentsWithLogin))
            #expect(values["students"] == Double(figures.students))
        }
        // The ramp of plans/002: 30–40 %, 41–60 %, 61–100 %, all.
        let ramp = c.rolloutReports.map(\.activatedPercent)
        #expect(ramp.count == 4)
        if ramp.count == 4 {
            #expect((25...45).contains(ramp[0]))
            #expect((41...60).contains(ramp[1]))
            #expect((61...100).contains(ramp[2]))
            #expect(ramp[3] >= 95)
        }
        #expect(try school.log.verify().isIntact)
    }

    @Test func firstGradesGetNoMarks() async throws {
        var options = SchoolYearOptions.small(seed: 3, weeks: 2)
        options.grades = [1, 2]
        let school = try await GeneratedSchool.make(options)
        defer { school.cleanup() }
        var firstGradeMarks = 0, secondGradeMarks = 0
        for (_, event) in try school.events() {
            if case .gradeRecorded(let e) = event {
                if e.lessonID.hasPrefix("2024-1") { firstGradeMarks += 1 } else { secondGradeMarks += 1 }
            }
        }
        #expect(firstGradeMarks == 0)
        #expect(secondGradeMarks > 0)
    }
}
