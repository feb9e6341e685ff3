import Catalog
import EventLog
import Foundation
import Testing
@testable import Audit

@Suite struct HistoryTests {
    /// A lesson, a roll with S0001 absent, a grade 4 corrected to 5 and then voided,
    /// the roll corrected; and another lesson where S0001 is not concerned.
    func school() -> RawSchool {
        var s = RawSchool()
        s.setUp()
        let lesson = "2024-5А/2024-09-02/1"
        s.lesson("2024-09-02", slot: 1, topic: "Натуральные числа", at: msk("2024-09-02", 9, 50))
        s.roll(lesson, absent: ["S0001", "S0002"], at: msk("2024-09-02", 9, 51))
        s.grade("M000001", lesson, "S0001", "4", at: msk("2024-09-02", 9, 52))
        s.grade("M000002", lesson, "S0003", "3", at: msk("2024-09-02", 9, 53))
        s.correct("M000001", lessonDate: "2024-09-02", to: "5", reason: "ошибка при вводе", at: msk("2024-09-03", 12))
        var corrected = AttendanceCorrected()
        corrected.lessonID = lesson; corrected.studentID = "S0001"; corrected.code = ""; corrected.reason = "опоздал, был на уроке"
        s.add(corrected, "2024-09-02", by: teacher, at: msk("2024-09-03", 12, 5))
        s.lesson("2024-09-03", slot: 2, topic: "Дроби", at: msk("2024-09-03", 10))
        s.roll("2024-5А/2024-09-03/2", absent: ["S0002"], at: msk("2024-09-03", 10, 1))
        var topic = LessonTopicRecorded()
        topic.lessonID = "2024-5А/2024-09-03/2"; topic.topic = "Обыкновенные дроби"; topic.reason = "уточнена тема"
        s.add(topic, "2024-09-03", by: teacher, at: msk("2024-09-03", 15))
        var voided = GradeVoided()
        voided.gradeID = "M000001"; voided.reason = "выставлена не тому ученику"
        s.add(voided, "2024-09-02", by: admin, at: msk("2024-09-20", 10))
        return s
    }

    @Test func aStudentsHistoryShowsEveryChangeWithBeforeAndAfter() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try await school().write(to: dir.path)
        defer { log.close() }
        let entries = try HistoryQuery(log: log, target: .student("S0001")).run()
        #expect(entries.map(\.type) == ["StudentEnrolled", "AttendanceTaken", "GradeRecorded", "GradeCorrected",
                                        "AttendanceCorrected", "GradeVoided"])
        let grades = entries.filter { $0.type.hasPrefix("Grade") }.map { $0.changes.first.map { "\($0.before)→\($0.after)" } ?? "" }
        #expect(grades == ["→4 (oral)", "4 (oral)→5 (oral)", "5 (oral)→аннулирована"])
        #expect(entries[3].reason == "ошибка при вводе")
        #expect(entries[3].actor == .init(user: "T0001", role: "teacher"))
        #expect(entries[5].actor.role == "administration")
        #expect(entries[1].changes == [FieldChange(field: "посещаемость: S0001", before: "", after: "Н")])
        #expect(entries[4].changes == [FieldChange(field: "посещаемость: S0001", before: "Н", after: "присутствовал")])
        #expect(entries[2].what == "оценка M000001: S0001, урок 2024-5А/2024-09-02/1")
        // A range keeps only its events, with before → after still from the whole stream.
        let later = try HistoryQuery(log: log, target: .student("S0001"), from: entries[3].sequence).run()
        #expect(later.first?.changes.first?.before == "4 (oral)")
        #expect(AuditText.history(entries, of: .student("S0001")).contains("4 (oral) → 5 (oral)"))
    }

    @Test func lessonTeacherAndEditorHistories() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let log = try await school().write(to: dir.path)
        defer { log.close() }
        let lesson = try HistoryQuery(log: log, target: .lesson("2024-5А/2024-09-03/2")).run()
        #expect(lesson.map(\.type) == ["LessonHeld", "AttendanceTaken", "LessonTopicRecorded"])
        #expect(lesson.last?.changes == [FieldChange(field: "тема", before: "Дроби", after: "Обыкновенные дроби")])
        let first = try HistoryQuery(log: log, target: .lesson("2024-5А/2024-09-02/1")).run()
        #expect(first.filter { $0.type.hasPrefix("Grade") }.count == 4)
        let taught = try HistoryQuery(log: log, target: .teacher("T0001")).run()
        #expect(taught.map(\.type) == ["StaffHired", "LessonHeld", "LessonHeld"])
        let edits = try HistoryQuery(log: log, target: .editor("T0002")).run()
        #expect(edits.map(\.type) == ["GradeVoided"])
        #expect(edits.first?.reason == "выставлена не тому ученику")
    }

    @Test func aDiffListsWhatChangedInTheJournalAndWhy() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let s = school()
        let log = try await s.write(to: dir.path)
        defer { log.close() }
        // Between the end of 2 September and the end of 3 September (Moscow time).
        let diff = try ViewDiffer.diff(log: log, from: .time(msk("2024-09-02", 23, 59)), to: .time(msk("2024-09-03", 23, 59)))
        let lines = diff.differences.map { "\($0.target) \($0.student ?? "-") \($0.field): \($0.before) → \($0.after)" }
        #expect(lines.contains("2024-5А/2024-09-02/1 S0001 оценка M000001: 4 (oral) → 5 (oral)"))
        #expect(lines.contains("2024-5А/2024-09-02/1 S0001 посещаемость: Н → присутствовал"))
        #expect(lines.contains("2024-5А/2024-09-03/2 - урок:  → проведён"))
        #expect(lines.contains("2024-5А/2024-09-03/2 - тема:  → Обыкновенные дроби"))
        #expect(!lines.contains { $0.contains("M000002") }, "an untouched grade is no difference")
        let grade = try #require(diff.differences.first { $0.field == "оценка M000001" })
        #expect(grade.events.count == 1)
        #expect(grade.change == "changed")
        #expect(diff.differences.first { $0.field == "тема" }?.change == "added")
        #expect(try log.event(at: grade.events[0])?.type == "GradeCorrected")
        #expect(grade.studentName == "Алексеев Иван")
        #expect(grade.subjectName == "Математика")
        #expect(try ViewDiffer.diff(log: log, from: .sequence(5), to: .sequence(5)).differences.isEmpty)
        #expect(throws: AuditError.self) { try ViewDiffer.diff(log: log, from: .sequence(9), to: .sequence(5)) }
    }
}
