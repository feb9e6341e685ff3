import Foundation
import HTTPTypes
@testable import Server
import Testing

/// The class journal's pages: the grid with its averages and finals, a whole
/// column of marks at once (all or none), a mark's correction and void with
/// the reason the rules ask for, and a closed period shown read-only with the
/// rule's own words. The keyboard entry itself is played in the browser test.
@Suite struct JournalPagesTests {
    @Test func thePagesEscapeByBytesTheFiveCharactersOfHTML() {
        let escape = PageHTML().escapeText
        #expect(escape("Иванов Пётр") == "Иванов Пётр")
        #expect(escape(#"<script>alert("x" & 'y')</script>"#) == "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;")
        // A combining mark after «<» makes one character of the two: still escaped.
        #expect(escape("<\u{301}img>") == "&lt;\u{301}img&gt;")
    }

    @Test func theTeacherReadsTheGridAndEntersAWholeColumnAllOrNone() async throws {
        try await TestServer.run(signIn: [.teacher, .substitute, .auditor]) { server in
            let t = server.template
            let teacher = server.visitor(.teacher)
            let journalLink = "/teacher/journal?unit=\(urlEncoded(t.classID))&subject=\(urlEncoded(t.subject))"

            let journals = try await server.page("/teacher/journals", as: teacher)
            #expect(journals.status == .ok, "\(journals)")
            expectPageHeaders(journals, "the teacher's journals")
            #expect(journals.text.contains(journalLink.replacingOccurrences(of: "&", with: "&amp;")), "\(journals.text)")
            let substitutes = try await server.page("/teacher/journals", as: server.visitor(.substitute))
            #expect(!substitutes.text.contains("unit=\(urlEncoded(t.classID))&amp;subject=\(urlEncoded(t.subject))"),
                    "a substitute is offered the journal of a class they only substituted in")

            // What the teacher typed shows as text in the grid.
            let script = "<script>alert(1)</script>"
            let topic = try await server.submit("/teacher/lesson/topic", [("lesson", t.heldLesson), ("topic", script),
                                                                          ("reason", "уточнение")], as: teacher)
            #expect(topic.status == .seeOther, "\(topic)")

            let grid = try await server.page(journalLink, as: teacher)
            #expect(grid.status == .ok, "\(grid)")
            expectPageHeaders(grid, "the journal's grid")
            let childName = server.served.recorder.withState { $0.students[t.child]!.name.full }
            #expect(grid.text.contains(#"<th scope="row" class="name"><span class="full">\#(childName)</span>"#), "the child's row is missing")
            #expect(grid.text.contains(#"data-student="\#(t.child)""#), "no cell takes keyboard entry")
            #expect(grid.text.contains(#"href="/diary/mark?grade=\#(t.heldGrade)""#), "the held mark does not lead to its history")
            #expect(grid.text.contains("весь столбец"), "no column form")
            #expect(grid.text.range(of: #"<script src="/static/journal\.js\?v=[0-9a-f]+" defer></script>"#, options: .regularExpression) != nil)
            #expect(grid.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !grid.text.contains(script), "the topic went out as HTML")
            for heading in ["Средний", "Взвеш.", "Итог"] { #expect(grid.text.contains(heading), "no \(heading) column") }
            // Lessons before the edit window: one note for all of them, in the rules' words.
            #expect(grid.text.components(separatedBy: "окно правки").count == 2, "\(grid.text)")

            let js = try await server.page("/static/journal.js", as: nil)
            #expect(js.status == .ok && js.headers[.contentType] == "text/javascript; charset=utf-8", "\(js)")
            #expect(js.text.contains("/api/v1/grades") && js.text.contains("X-CSRF-Token"))

            let column = try await server.page("/teacher/journal/column?lesson=\(urlEncoded(t.heldLesson))", as: teacher)
            #expect(column.status == .ok, "\(column)")
            expectPageHeaders(column, "the column form")
            #expect(column.text.contains(#"<label for="mark-\#(t.child)">\#(childName)"#), "the child's field has no label")

            // One mark the rules refuse: nothing of the column is recorded, and the page says which and why.
            let before = try server.snapshot()
            let refused = try await server.submit("/teacher/journal/column", [("lesson", t.heldLesson), ("workType", t.workType),
                                                                              ("mark-\(t.child)", "5"), ("mark-\(t.classmate)", "7")],
                                                  as: teacher)
            #expect(refused.status == .unprocessableContent && refused.text.contains("invalid-grade-value"), "\(refused)")
            #expect(refused.text.contains("«7» — не оценка"), "\(refused.text)")
            let empty = try await server.submit("/teacher/journal/column", [("lesson", t.heldLesson), ("workType", t.workType),
                                                                            ("mark-\(t.child)", " ")], as: teacher)
            #expect(empty.status == .badRequest && empty.text.contains("Не введено ни одной оценки"), "\(empty)")
            #expect(try server.snapshot() == before, "a refused column recorded something")

            let head = try server.log.head()
            let saved = try await server.submit("/teacher/journal/column", [("lesson", t.heldLesson), ("workType", t.workType),
                                                                            ("mark-\(t.child)", "5"), ("mark-\(t.classmate)", "4"),
                                                                            ("comment", "устный опрос")], as: teacher)
            #expect(saved.status == .seeOther && saved.location == journalLink + "&saved=column", "\(saved)")
            let recorded = try server.events(after: head)
            #expect(recorded.map(\.type) == ["GradeRecorded", "GradeRecorded"], "\(recorded.map(\.type))")
            let after = try await server.page(saved.location!, as: teacher)
            #expect(after.text.contains("Оценки столбца сохранены."), "\(after.text)")
            #expect(after.text.contains(": устный опрос"), "the column's comment is not on its marks")

            // The auditor reads the journal as it stood before the column: without its marks, read-only, saying so.
            let auditor = server.visitor(.auditor)
            let past = try await server.page(journalLink + "&asOf=\(head)", as: auditor)
            #expect(past.status == .ok, "\(past)")
            expectPageHeaders(past, "the journal as of an earlier event")
            #expect(past.text.contains("Журнал по состоянию на событие № \(head): первые \(head) событий"), "\(past.text)")
            #expect(!past.text.contains(": устный опрос") && !past.text.contains("data-lesson=") && !past.text.contains("весь столбец"),
                    "the journal as of before the column shows its marks or takes entry")
            let now = try await server.page(journalLink, as: auditor)
            #expect(now.status == .ok && now.text.contains(": устный опрос") && !now.text.contains("data-lesson="), "\(now)")
            let nonsense = try await server.page(journalLink + "&asOf=\(urlEncoded("вчера"))", as: auditor)
            #expect(nonsense.status == .badRequest && nonsense.text.contains("не дата и время"), "\(nonsense)")
            #expect(try server.log.head() == head + 2, "reading the journal as of a moment recorded something")
        }
    }

    @Test func aMarkIsCorrectedOrVoidedOnlyWithAReasonAndOnlyByWhoKeepsIt() async throws {
        try await TestServer.run(signIn: [.teacher, .classTeacher, .parent, .auditor]) { server in
            let t = server.template
            let teacher = server.visitor(.teacher)
            let link = "/diary/mark?grade=\(t.heldGrade)"
            let own = try await server.page(link, as: teacher)
            #expect(own.status == .ok && own.text.contains(#"action="/teacher/grade/correction""#), "\(own)")
            #expect(own.text.contains(#"action="/teacher/grade/void""#))
            for who in [Who.classTeacher] {
                let page = try await server.page(link, as: server.visitor(who))
                #expect(page.status == .ok && !page.text.contains("/teacher/grade/"), "\(who) is offered to correct another's mark")
            }

            let before = try server.snapshot()
            let newValue = t.heldGradeValue == "3" ? "4" : "3"
            let noReason = try await server.submit("/teacher/grade/correction", [("grade", t.heldGrade), ("value", newValue), ("reason", " ")],
                                                   as: teacher)
            #expect(noReason.status == .unprocessableContent && noReason.text.contains("reason-required"), "\(noReason)")
            let voidNoReason = try await server.submit("/teacher/grade/void", [("grade", t.heldGrade), ("reason", "")], as: teacher)
            #expect(voidNoReason.status == .unprocessableContent && voidNoReason.text.contains("reason-required"), "\(voidNoReason)")
            let nothing = try await server.submit("/teacher/grade/correction", [("grade", t.heldGrade), ("reason", "без изменений")],
                                                  as: teacher)
            #expect(nothing.status == .badRequest, "a correction that changes nothing: \(nothing)")
            let other = try await server.submit("/teacher/grade/correction", [("grade", t.heldGrade), ("value", newValue),
                                                                              ("reason", "ошибка")], as: server.visitor(.classTeacher))
            #expect(other.status == .forbidden && other.text.contains("not-lesson-teacher"), "\(other)")
            #expect(try server.snapshot() == before, "a refused correction recorded something")

            let corrected = try await server.submit("/teacher/grade/correction", [("grade", t.heldGrade), ("value", newValue),
                                                                                  ("reason", "ошибка при вводе")], as: teacher)
            #expect(corrected.status == .seeOther && corrected.location == link + "&saved=correction", "\(corrected)")
            let history = try await server.page(corrected.location!, as: server.visitor(.parent))
            #expect(history.text.contains("Причина: ошибка при вводе") && history.text.contains("исправлена"), "\(history.text)")
            #expect(!history.text.contains("/teacher/grade/"), "a parent is offered to correct a mark")

            let voided = try await server.submit("/teacher/grade/void", [("grade", t.heldGrade), ("reason", "поставлена не тому ученику")],
                                                 as: teacher)
            #expect(voided.status == .seeOther, "\(voided)")
            let gone = try await server.page(link, as: teacher)
            #expect(gone.text.contains("аннулирована") && !gone.text.contains(#"action="/teacher/grade/void""#), "\(gone.text)")

            // The auditor reads the child's history from the log: the correction and the void, each with its reason.
            let head = try server.log.head()
            let record = try await server.page("/audit/history?student=\(t.child)", as: server.visitor(.auditor))
            #expect(record.status == .ok, "\(record)")
            expectPageHeaders(record, "a student's history")
            #expect(record.text.contains("Причина: ошибка при вводе") && record.text.contains("Причина: поставлена не тому ученику"),
                    "\(record.text)")
            #expect(record.text.contains("GradeCorrected"), "\(record.text)")
            let none = try await server.page("/audit/history", as: server.visitor(.auditor))
            #expect(none.status == .badRequest && none.text.contains("Укажите одну запись"), "\(none)")
            let teachers = try await server.page("/audit/history?student=\(t.child)", as: teacher)
            #expect(teachers.status == .notFound, "a teacher reads a student's whole history: \(teachers)")
            #expect(try server.log.head() == head, "reading a history recorded something")
        }
    }

    @Test func aClosedPeriodIsReadOnlyAndSaysWhy() async throws {
        try await TestServer.run(signIn: [.teacher, .administration]) { server in
            let t = server.template
            let teacher = server.visitor(.teacher)
            let close = try await server.post("/api/v1/periods/\(t.period)/close", ["reason": "итоги четверти"],
                                              as: server.visitor(.administration))
            #expect(close.status == .created, "\(close)")

            let grid = try await server.page("/teacher/journal?unit=\(urlEncoded(t.classID))&subject=\(urlEncoded(t.subject))", as: teacher)
            #expect(grid.status == .ok, "\(grid)")
            #expect(grid.text.contains("закрыт: новые записи и исправления в нём не вносятся.")
                    && grid.text.contains("Сначала администрация должна открыть период заново"), "the closed period does not say why: \(grid.text)")
            #expect(grid.text.components(separatedBy: #"<p class="note" role="note">"#).count == 2, "one note for the closed period")
            #expect(!grid.text.contains("data-lesson=") && !grid.text.contains("весь столбец"), "a closed period's cells take entry")

            let before = try server.snapshot()
            let column = try await server.page("/teacher/journal/column?lesson=\(urlEncoded(t.heldLesson))", as: teacher)
            #expect(column.status == .unprocessableContent && column.text.contains("period-closed"), "\(column)")
            let grade = try await server.submit("/teacher/journal/column", [("lesson", t.heldLesson), ("workType", t.workType),
                                                                            ("mark-\(t.child)", "5")], as: teacher)
            #expect(grade.status == .unprocessableContent && grade.text.contains("period-closed"), "\(grade)")
            let mark = try await server.page("/diary/mark?grade=\(t.heldGrade)", as: teacher)
            #expect(mark.text.contains("Исправления закрыты.") && !mark.text.contains("/teacher/grade/correction"), "\(mark.text)")
            #expect(try server.snapshot() == before)
        }
    }
}
