import Foundation
import Testing
@testable import Projections

@Suite struct FormatTests {
    @Test func csvIsForExcel() throws {
        let data = try ViewCSV.encode([["Ученик", "Тема"], ["Иванов", "Дроби; сложение"], ["Петров", "Он сказал \"да\""]])
        #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        #expect(text == "Ученик;Тема\r\nИванов;\"Дроби; сложение\"\r\nПетров;\"Он сказал \"\"да\"\"\"\r\n")
    }

    @Test func controlCharactersReachATerminalAsVisibleMarks() {
        #expect(TerminalText.visible("Иванов\u{1B}[2J\u{7} — \u{202E}5 ,\u{202C}\r\nтема\rдругая\n")
                == "Иванов␛[2J␇ — <U+202E>5 ,<U+202C>\r\nтема␍другая\n")
        #expect(TerminalText.visible("Обычный текст\nв две строки") == "Обычный текст\nв две строки")
    }

    @Test func journalRendersInEveryFormat() async throws {
        let journal = try await withViews { runner in
            try runner.read { try ClassJournal.query($0, class: "5А", subject: "math", period: "2024-T1") }
        }
        let text = String(decoding: try journal.rendered(as: .text), as: UTF8.self)
        #expect(text.hasPrefix("Журнал 5А — Математика — 1 четверть\n"))
        #expect(text.contains("Иванов Иван"))
        let json = try journal.rendered(as: .json)
        #expect(try JSONDecoder().decode(ClassJournal.self, from: json) == journal)
        let object = try JSONSerialization.jsonObject(with: json) as! [String: Any]
        #expect(Set(object.keys) == ["school", "unit", "subject", "period", "lessons", "students", "missing"])
        let student = (object["students"] as! [[String: Any]])[0]
        #expect(Set(student.keys) == ["id", "name", "memberships", "cells", "final", "average", "weightedAverage"])
        let csv = String(decoding: try journal.rendered(as: .csv).dropFirst(3), as: UTF8.self)
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines[1] == "Ученик;02.09;04.09;09.09;11.09;16.09;Итоговая;Средний балл;Средневзвешенный")
        #expect(lines[2] == "Алексеева Мария;Н;3;;5;Н;4;4,00;4,50")
    }

    @Test func everyViewRenders() async throws {
        try await withViews { runner in
            try runner.read { source in
                let views: [any RenderableView] = [
                    try DiaryWeek.query(source, student: "S0001", week: day("2024-09-09")),
                    RolloutReport.combine([try RolloutReport.school(source, asOf: day("2024-09-20"))],
                                          asOf: day("2024-09-20"), scope: "school", district: ""),
                    try AcademicReport.query(source, class: "5А", period: "2024-T1"),
                    try ContingentReport.query(source, date: day("2024-09-20"), from: day("2024-09-01"), to: day("2024-09-30")),
                    try ChangeLog.query(source),
                    try SummarySheet.query(source, class: "5А"),
                    try ActivityReport.query(source, from: day("2024-09-06"), to: day("2024-09-07")),
                ]
                for view in views {
                    for format in ViewFormat.allCases {
                        #expect(try !view.rendered(as: format).isEmpty)
                    }
                }
            }
        }
    }
}

@Suite struct KeyTests {
    @Test func lessonIDsParse() {
        let group = LessonRef(lessonID: "2024-5А/англ-1/2024-09-03/3")
        #expect(group == LessonRef(unit: "2024-5А/англ-1", day: day("2024-09-03"), slot: 3))
        #expect(group?.lessonID == "2024-5А/англ-1/2024-09-03/3")
        #expect(LessonRef(lessonID: "2024-5А/2024-02-30/1") == nil)
        #expect(LessonRef(lessonID: "2024-5А/2024-09-03/") == nil)
        #expect(LessonRef(lessonID: "oops") == nil)
    }

    @Test func keysSortAsDates() {
        var a = RowKey("u"), b = RowKey("u")
        a.day(day("1969-12-31"))
        b.day(day("2024-09-02"))
        #expect(a < b)
        #expect(b.day(at: 2) == day("2024-09-02"))
    }
}
