import Catalog
import EventLog
import Foundation
import Testing
@testable import Projections

/// The scenario's log, caught up, for tests that only read.
func withViews<R>(_ body: (ProjectionRunner) throws -> R) async throws -> R {
    let dir = TemporaryDirectory()
    defer { dir.cleanup() }
    let (log, _) = try await Scenario.makeLog(at: dir.path)
    defer { log.close() }
    let runner = try ProjectionRunner(log: log)
    try runner.catchUp()
    return try body(runner)
}

@Suite struct ViewTests {
    @Test func classJournal() async throws {
        let journal = try await withViews { runner in
            try runner.read { try ClassJournal.query($0, class: "5А", subject: "Математика", period: "1 четверть") }
        }
        // Lessons: 02.09, 04.09, 09.09, 11.09, 16.09; 18.09 was voided and is gone.
        #expect(journal.lessons.map(\.date) == ["2024-09-02", "2024-09-04", "2024-09-09", "2024-09-11", "2024-09-16"])
        #expect(journal.period.closed)
        // Alphabetically, ё sorting with е: Алексеева, Борисов, Васильев, Ёлкина, Иванов.
        #expect(journal.students.map(\.id) == ["S0002", "S0003", "S0005", "S0004", "S0001"])
        let byID = Dictionary(uniqueKeysWithValues: journal.students.map { ($0.id, $0) })
        func cells(_ id: String) -> [String] { byID[id]!.cells.map(ClassJournal.cellText) }
        // Алексеева: absent 02.09; 2 corrected to 3 on 04.09; 5 (test, weight 3) on 11.09;
        // УП corrected to Н on 16.09. Average (3+5)/2 = 4; weighted (3·1+5·3)/4 = 4.5.
        #expect(cells("S0002") == ["Н", "3", "", "5", "Н"])
        #expect(byID["S0002"]!.average == 4.0)
        #expect(byID["S0002"]!.weightedAverage == 4.5)
        #expect(byID["S0002"]!.final == "4")
        // Борисов moved to 5Б on 16.09: not a member that day (·). н/а does not count: average 4.
        #expect(cells("S0003") == ["4", "н/а", "", "", "·"])
        #expect(byID["S0003"]!.average == 4.0)
        #expect(byID["S0003"]!.memberships == [.init(from: "2024-09-02", to: "2024-09-16")])
        // Васильев arrived 11.09: late that day with a 5.
        #expect(cells("S0005") == ["·", "·", "·", "5 ОП", ""])
        #expect(byID["S0005"]!.final == "5")
        // Ёлкина left 20.09, after the last lesson: a member throughout. 3 (test) alone.
        #expect(cells("S0004") == ["3", "", "", "", ""])
        #expect(byID["S0004"]!.weightedAverage == 3.0)
        // Иванов: 5, 4 (test), the 3 of 09.09 voided, ill 11.09, 5 (test); the 2 of the
        // voided lesson is gone. Average (5+4+5)/3 = 4.67; weighted (5+12+15)/7 = 4.57.
        #expect(cells("S0001") == ["5", "4", "", "Б", "5"])
        #expect(byID["S0001"]!.average == 4.67)
        #expect(byID["S0001"]!.weightedAverage == 4.57)
        // 04.09 has no topic, 09.09 no roll.
        #expect(journal.missing.map(\.date) == ["2024-09-04", "2024-09-09"])
        #expect(journal.missing.map(\.topic) == [true, false])
        #expect(journal.missing.map(\.attendance) == [false, true])
        #expect(journal.lessons[2].homework == "№ 15")
    }

    @Test func aLessonHeldAgainAfterVoidingStartsWithoutItsOldGrades() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "sch-test", options: .init(durable: false))
        defer { log.close() }
        var scenario = Scenario.build()
        // 18.09 was voided on 19.09 (with Иванов's 2); the lesson did take place after all.
        scenario.lesson("2024-09-18", 2, topic: "Деление (повторно записан)", entry: "tt2")
        try await log.append(scenario.events)
        let runner = try ProjectionRunner(log: log)
        try runner.catchUp()
        let journal = try runner.read { try ClassJournal.query($0, class: "5А", subject: "Математика", period: "1 четверть") }
        #expect(journal.lessons.map(\.date).last == "2024-09-18")
        #expect(journal.lessons.last?.topic == "Деление (повторно записан)")
        let ivanov = try #require(journal.students.first { $0.id == "S0001" })
        #expect(ivanov.cells.map(ClassJournal.cellText).last == "")
        #expect(ivanov.average == 4.67)
    }

    @Test func aTeachersCommentReachesTheDiaryAndTheJournal() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try EventLog.create(at: dir.path, school: "sch-test", options: .init(durable: false))
        defer { log.close() }
        var scenario = Scenario.build()
        scenario.add(GradeRecorded.with {
            $0.gradeID = "M000099"; $0.lessonID = "2024-5А/2024-09-16/1"; $0.studentID = "S0005"; $0.value = "4"
            $0.workTypeID = "answer"; $0.weight = 1; $0.comment = "хороший ответ у доски"
        }, "2024-09-16", by: mathTeacher)
        try await log.append(scenario.events)
        let runner = try ProjectionRunner(log: log)
        try runner.catchUp()
        let diary = try runner.read { try DiaryWeek.query($0, student: "S0005", week: day("2024-09-16")) }
        #expect(diary.days[0].lessons[0].marks == [.init(gradeID: "M000099", value: "4", workType: "answer", workTypeName: "ответ",
                                                         weight: 1, comment: "хороший ответ у доски")])
        let journal = try runner.read { try ClassJournal.query($0, class: "5А", subject: "Математика", period: "1 четверть") }
        let cell = try #require(journal.students.first { $0.id == "S0005" }?.cells.last)
        #expect(cell.marks.map(\.comment) == ["хороший ответ у доски"])
        // A mark without a comment has none in the JSON at all.
        let json = String(decoding: try diary.rendered(as: .json), as: UTF8.self)
        #expect(json.components(separatedBy: "\"comment\"").count == 2)
    }

    @Test func groupJournalDefaultsToTheGroupSubject() async throws {
        let journal = try await withViews { runner in
            try runner.read { try ClassJournal.query($0, group: "5А/англ-1", period: "2024-T1") }
        }
        #expect(journal.subject.id == "eng")
        #expect(journal.students.map(\.id) == ["S0002", "S0001"])
        #expect(journal.students.map { ClassJournal.cellText($0.cells[0]) } == ["", "Н"])
    }

    @Test func diaryWeek() async throws {
        let diary = try await withViews { runner in
            try runner.read { try DiaryWeek.query($0, student: "S0001", week: day("2024-09-12")) }
        }
        #expect(diary.weekStart == "2024-09-09")
        #expect(diary.weekEnd == "2024-09-14")
        #expect(diary.days.count == 6)
        // Monday: maths, its grade voided, the roll not taken, homework set for the next lesson.
        let monday = diary.days[0].lessons
        #expect(monday.map(\.subject) == ["math"])
        #expect(monday[0].marks.isEmpty)
        #expect(monday[0].homeworkSet == "№ 15")
        #expect(diary.days[1].lessons.isEmpty)
        // Wednesday: the homework of Monday is due; ill.
        let wednesday = diary.days[2].lessons
        #expect(wednesday.map(\.topic) == ["Вычитание"])
        #expect(wednesday[0].homeworkDue == ["№ 15"])
        #expect(wednesday[0].attendance == "Б")
        // Friday: English homework with a date, but no English lesson that day.
        #expect(diary.days[4].otherHomework == ["Английский язык: Учить слова"])
        #expect(diary.acknowledged)
        #expect(diary.acknowledgedBy == "P0001")

        let next = try await withViews { runner in
            try runner.read { try DiaryWeek.query($0, student: "S0001", week: day("2024-09-16")) }
        }
        // The 5 (test) of Monday; Wednesday's lesson was voided.
        #expect(next.days[0].lessons[0].marks == [.init(gradeID: "M000010", value: "5", workType: "test", workTypeName: "контрольная",
                                                        weight: 3)])
        #expect(next.days[2].lessons.isEmpty)
        #expect(!next.acknowledged)
    }

    @Test func rolloutReport() async throws {
        let school = try await withViews { runner in try runner.read { try RolloutReport.school($0, asOf: day("2024-09-20")) } }
        let a = school.classes[0].figures
        #expect(school.classes.map(\.name) == ["5А", "5Б"])
        // 5А on 20.09: Иванов, Алексеева, Васильев (Борисов moved, Ёлкина left that day).
        #expect(a.students == 3)
        #expect(a.studentsWithLogin == Share(1, of: 3))      // Иванов: 33.3 %
        #expect(a.studentsWithLogin.percent == 33.3)
        #expect(a.studentsWithConsent == Share(2, of: 3))    // Иванов, Алексеева
        // Parents: Иванова, Алексеев (Васильев has none registered).
        #expect(a.parents == 2)
        #expect(a.parentsWithLogin == Share(1, of: 2))       // Алексеев's login blocked on 20.09
        #expect(a.parentsActivated == Share(1, of: 1))       // of those with a login
        #expect(a.parentsWithApplication == Share(1, of: 2))
        #expect(a.parentsWithConsent == Share(1, of: 2))     // Алексеев withdrew on 20.09
        // Timetabled up to 20.09: Mon 2, 9, 16; Wed 4, 11, 18; Tue (group) 3, 10, 17 = 9.
        // Filled (topic and roll): 02.09, 03.09, 11.09, 16.09 = 4 (04.09 no topic, 09.09
        // no roll, 18.09 voided, 10.09 and 17.09 not held): 44.4 %.
        #expect(a.journalFill == Share(4, of: 9))
        #expect(a.journalFill.percent == 44.4)
        // 5Б: Григорьева and Борисов; Борисова applied.
        let b = school.classes[1].figures
        #expect(b.students == 2)
        #expect(b.parentsWithApplication == Share(1, of: 1))
        // The school: 5 students, 3 parents.
        #expect(school.total.students == 5)
        #expect(school.total.parentsWithApplication == Share(2, of: 3))
        #expect(school.total.parentsWithApplication.percent == 66.7)
        // Teachers Петрова and Сидоров; only Петрова made entries 14–20.09.
        #expect(school.teachers.teachers == 2)
        #expect(school.teachers.withLogin == Share(2, of: 2))
        #expect(school.teachers.activeLast7Days == Share(1, of: 2))
        let district = RolloutReport.combine([school, school], asOf: day("2024-09-20"), scope: "district", district: "Тестовый")
        #expect(district.total.students == 10)
        #expect(district.total.journalFill == Share(8, of: 18))
    }

    @Test func academicReport() async throws {
        let report = try await withViews { runner in
            try runner.read { try AcademicReport.query($0, class: "5А", period: "2024-T1", today: day("2024-12-01")) }
        }
        // On 27.10: Иванов (4, 5), Алексеева (4 after correction, 2), Васильев (5, н/а).
        #expect(report.students == 3)
        #expect(report.results.success == Share(1, of: 3))   // only Иванов has no 2 and no н/а
        #expect(report.results.quality == Share(1, of: 3))
        #expect(report.results.averageMark == 4.0)           // (4+5+4+2+5)/5
        let math = report.subjects.first { $0.subject == "math" }!.results
        #expect(math.success == Share(3, of: 3))
        #expect(math.averageMark == 4.33)                    // (4+4+5)/3
        let rus = report.subjects.first { $0.subject == "rus" }!.results
        #expect(rus.quality == Share(1, of: 3))
        #expect(rus.averageMark == 3.5)                      // (5+2)/2, н/а not a number
        let att = Dictionary(uniqueKeysWithValues: report.attendance.map { ($0.student, $0) })
        // Иванов: Н at English 03.09 (his only lesson that day), Б 11.09 (only lesson).
        #expect(att["S0001"] == .init(student: "S0001", name: "Иванов Иван", lessonsMissed: 2, lessonsMissedIllness: 1,
                                      wholeDaysMissed: 2, late: 0))
        // Алексеева: Н 02.09 and Н 16.09 (corrected from УП), each her only lesson that day.
        #expect(att["S0002"]!.lessonsMissed == 2)
        #expect(att["S0002"]!.wholeDaysMissed == 2)
        #expect(att["S0005"]!.late == 1)
    }

    @Test func contingent() async throws {
        let report = try await withViews { runner in
            try runner.read { try ContingentReport.query($0, date: day("2024-09-20"), from: day("2024-09-01"), to: day("2024-09-30")) }
        }
        #expect(report.classes.map(\.total) == [3, 2])
        #expect(report.classes[0].boys == 2)
        #expect(report.total == 5)
        // Five enrolled on 02.09 and Васильев arrived: 6; Ёлкина left: 1; Борисов moved.
        #expect(report.arrivals == 6)
        #expect(report.departures == 1)
        #expect(report.movements.count == 8)
        let left = report.movements.first { $0.kind == "left" }!
        #expect(left.counterpart == "Гимназия № 2")
        #expect(left.orderNumber == "18-у")
        #expect(report.movements.first { $0.kind == "arrived" }?.counterpart == "Школа № 7")
    }

    @Test func changeLog() async throws {
        try await withViews { runner in
            try runner.read { source in
                let all = try ChangeLog.query(source)
                // 2→3, a voided 3, УП→Н, the 2 of the voided lesson, the lesson itself, the final 3→4.
                #expect(all.entries.map(\.kind) == ["grade", "grade", "attendance", "grade", "lesson", "final"])
                #expect(all.entries[0].before == "2 (answer)")
                #expect(all.entries[0].after == "3 (answer)")
                #expect(all.entries[0].reason == "ошибка ввода")
                #expect(all.entries[1].after == "аннулирована")
                #expect(all.entries[5].editor == "T0003")
                #expect(try ChangeLog.query(source, student: "S0002").entries.map(\.kind) == ["grade", "attendance", "final"])
                #expect(try ChangeLog.query(source, editor: "T0003").entries.count == 3)
                #expect(try ChangeLog.query(source, class: "5А", subject: "math").entries.count == 6)
                #expect(try ChangeLog.query(source, from: day("2024-09-15"), to: day("2024-09-30")).entries.count == 3)
            }
        }
    }

    @Test func summarySheet() async throws {
        let sheet = try await withViews { runner in try runner.read { try SummarySheet.query($0, class: "2024-5А") } }
        #expect(sheet.periods.map(\.id) == ["2024-T1", "2024-T2", "2024-Y"])
        #expect(sheet.subjects.map(\.id) == ["math", "rus"])   // Математика, Русский язык
        let ivanov = sheet.students.first { $0.id == "S0001" }!
        #expect(ivanov.finals == [["4", nil, "4"], ["5", nil, nil]])
        let alekseeva = sheet.students.first { $0.id == "S0002" }!
        #expect(alekseeva.finals == [["4", nil, nil], ["2", nil, nil]])
        #expect(sheet.students.count == 5)
    }

    @Test func activity() async throws {
        let report = try await withViews { runner in
            try runner.read { try ActivityReport.query($0, from: day("2024-09-06"), to: day("2024-09-07")) }
        }
        // 06.09: Петрова (twice, counted once), Иванова, Иванов; 07.09: Иванова.
        #expect(report.days.map(\.total) == [3, 1])
        #expect(report.days[0].staff == 1)
        #expect(report.days[0].students == 1)
        #expect(report.days[1].parents == 1)
        #expect(report.uniqueParents == 1)
    }

    @Test func unknownSelectorsListWhatExists() async throws {
        try await withViews { runner in
            try runner.read { source in
                #expect(throws: ViewError.unknown(what: "class", given: "9Я", known: ["5А", "5Б"])) {
                    try ClassJournal.query(source, class: "9Я", subject: "math")
                }
                do {
                    _ = try ClassJournal.query(source, class: "5А", subject: "math", period: "5 четверть")
                    Issue.record("expected an error")
                } catch let error as ViewError {
                    #expect(error.description.contains("2024-T1 (1 четверть)"))
                }
                do {
                    _ = try DiaryWeek.query(source, student: "S9999", week: day("2024-09-02"))
                    Issue.record("expected an error")
                } catch let error as ViewError {
                    #expect(error.description.contains("S0001"))
                }
                #expect(throws: ViewError.self) { try ClassJournal.query(source, class: "5А", subject: "физика") }
            }
        }
    }
}
