import EventLog
import Foundation
import HTTPTypes
import Records
@testable import Server
import Testing

/// The diary week as a family reads it: the timetable's lessons not held yet
/// shown as planned, and each homework with when it was recorded and whether
/// that was after the deadline (an hour after the class's last lesson).
@Suite struct DiaryPagesTests {
    @Test func theWeekShowsPlannedLessonsAndWhenHomeworkWasSetAndIfLate() async throws {
        try await TestServer.run(signIn: [.teacher, .parent]) { server in
            let t = server.template
            let teacher = server.visitor(.teacher), parent = server.visitor(.parent)
            let subjectName = server.served.recorder.withState { $0.subjects[t.subject]!.name }
            let thisWeek = "/diary?student=\(t.child)&week=\(Template.monday.iso)"

            // Today's lesson not held yet: planned, by the timetable; the days before today show only what was held.
            let before = try await server.page(thisWeek, as: parent)
            #expect(before.status == .ok, "\(before)")
            let monday = try #require(before.text.components(separatedBy: "<section class=\"day\">").dropFirst().first)
            #expect(monday.contains(#"<span class="slot">\#(t.mondaySlot)</span> \#(subjectName) <span class="muted small">по расписанию</span>"#),
                    "the Monday lesson is not shown as planned: \(monday)")
            #expect(!monday.contains("Уроков нет."))

            // Held, with homework: no longer planned; the homework says when it was recorded.
            let head = try server.log.head()
            for (path, fields) in [("/teacher/lesson/topic", [("lesson", t.mondayLesson), ("topic", "Дроби")]),
                                   ("/teacher/lesson/homework", [("lesson", t.mondayLesson), ("text", "№ 12"), ("dueOn", "")])] {
                let reply = try await server.submit(path, fields, as: teacher)
                #expect(reply.status == .seeOther, "\(path): \(reply)")
            }
            let after = try await server.page(thisWeek, as: parent)
            let held = try #require(after.text.components(separatedBy: "<section class=\"day\">").dropFirst().first)
            #expect(!held.contains(#"<span class="slot">\#(t.mondaySlot)</span> \#(subjectName) <span class="muted small">по расписанию"#),
                    "a held lesson is still shown as planned")
            let setAt = try #require(held.firstMatch(of: /Задано на уроке: № 12 <span class="small">\(внесено (\d\d\.\d\d\.\d{4} \d\d:\d\d)\)<\/span>/),
                                     "the homework does not say when it was recorded: \(held)")
            #expect(setAt.1.hasPrefix("23.09.2024"), "\(setAt.1)")
            // Late or not by the deadline the rules compute for the class that day.
            let deadline = server.served.recorder.withState { state in
                state.deadlines(unit: state.lessons[t.mondayLesson]!.unitID, on: Template.monday).homework
            }
            let recordedAt = try server.events(after: head).last { $0.type == "HomeworkAssigned" }!.recordedAt
            let late = deadline.map { recordedAt > $0 } ?? false
            #expect(held.contains("внесено с опозданием") == late, "late: \(late), deadline \(String(describing: deadline)): \(held)")

            // Homework for last week's lesson, recorded today: late.
            let homework = try await server.submit("/teacher/lesson/homework", [("lesson", t.heldLesson), ("text", "Повторить § 2"),
                                                                                ("dueOn", "")], as: teacher)
            #expect(homework.status == .seeOther, "\(homework)")
            let heldDate = try #require(server.served.recorder.withState { $0.lessons[t.heldLesson]?.date })
            let lastWeek = try await server.page("/diary?student=\(t.child)&week=\(heldDate.weekStart.iso)", as: parent)
            #expect(lastWeek.text.contains("Задано на уроке: Повторить § 2 <span class=\"small\">(внесено 23.09.2024 ")
                    && lastWeek.text.contains("внесено с опозданием"), "\(lastWeek.text)")
            // Last week's days are past: nothing planned is shown there.
            #expect(!lastWeek.text.contains("по расписанию"), "past days show planned lessons")
        }
    }
}
