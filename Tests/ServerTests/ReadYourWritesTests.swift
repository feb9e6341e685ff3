import EventLog
import Foundation
import ProgramRunner
import Testing

/// A write's answer names the events it recorded, and a read right after it
/// shows it; the API's views are, byte for byte, the command line's `--format json`.
@Suite struct ReadYourWritesTests {
    static func journalPath(_ t: Template) -> String {
        "/api/v1/journal?unit=\(esc(t.classID))&subject=\(t.subject)&period=\(t.period)"
    }

    /// The marks of `student` at `lesson` in a journal answer.
    static func marks(in journal: Reply, student: String, lesson: String) -> [[String: Any]] {
        let lessons = journal.json["lessons"] as? [[String: Any]] ?? []
        guard let column = lessons.firstIndex(where: { $0["id"] as? String == lesson }) else { return [] }
        let row = (journal.json["students"] as? [[String: Any]] ?? []).first { $0["id"] as? String == student }
        let cells = row?["cells"] as? [[String: Any]] ?? []
        return column < cells.count ? cells[column]["marks"] as? [[String: Any]] ?? [] : []
    }

    @Test func aWriteShowsInTheNextReadAndItsAnswerNamesItsEvents() async throws {
        try await TestServer.run(signIn: [.teacher, .parent]) { server in
            let t = server.template, teacher = server.visitor(.teacher), parent = server.visitor(.parent)
            let week = "/api/v1/students/\(t.child)/diary?week=\(Template.monday.iso)"
            // Read first, so that anything kept from these reads must be let go of.
            _ = try await server.get(Self.journalPath(t), as: teacher)
            _ = try await server.get(week, as: parent)
            _ = try await server.get("/api/v1/day", as: teacher)

            var head = try server.log.head()
            func recorded(_ reply: Reply, _ types: [String]) throws {
                let events = try server.events(after: head)
                #expect(events.map(\.type) == types, "\(reply)")
                #expect((reply.json["sequences"] as? [Int])?.map(UInt64.init) == events.map(\.sequence), "\(reply)")
                head = try server.log.head()
            }
            let topic = try await server.post("/api/v1/lesson/topic", ["lesson": t.mondayLesson, "topic": "Древний Египет"], as: teacher)
            #expect(topic.status == .created && topic.json["id"] as? String == t.mondayLesson, "\(topic)")
            try recorded(topic, ["LessonHeld"])
            let day = try await server.get("/api/v1/day", as: teacher)
            let line = (day.json["lessons"] as? [[String: Any]])?.first { $0["lesson"] as? String == t.mondayLesson }
            #expect(line?["topic"] as? String == "Древний Египет" && line?["held"] as? Bool == true, "\(day)")
            #expect(line?["missing"] as? [String] == ["attendance", "homework"], "\(day)")

            let graded = try await server.post("/api/v1/grades", ["lesson": t.mondayLesson, "student": t.child, "value": "4",
                                                                  "workType": t.workType], as: teacher)
            #expect(graded.status == .created, "\(graded)")
            try recorded(graded, ["GradeRecorded"])
            let id = try #require(graded.json["id"] as? String)
            let journal = try await server.get(Self.journalPath(t), as: teacher)
            let marks = Self.marks(in: journal, student: t.child, lesson: t.mondayLesson)
            #expect(marks.map { $0["gradeID"] as? String } == [id] && marks.first?["value"] as? String == "4", "\(marks)")
            let diary = try await server.get(week, as: parent)
            #expect(diary.text.contains("Древний Египет") && diary.text.contains("\"value\" : \"4\""), "\(diary)")

            let corrected = try await server.post("/api/v1/grades/\(id)/correction", ["value": "5", "reason": "ошибка при вводе"], as: teacher)
            #expect(corrected.status == .created, "\(corrected)")
            try recorded(corrected, ["GradeCorrected"])
            let after = try await server.get(Self.journalPath(t), as: teacher)
            #expect(Self.marks(in: after, student: t.child, lesson: t.mondayLesson).first?["value"] as? String == "5")
            let homework = try await server.post("/api/v1/lesson/homework", ["lesson": t.mondayLesson, "text": "§ 7, пересказ"], as: teacher)
            try recorded(homework, ["HomeworkAssigned"])
            let evening = try await server.get(week, as: parent)
            #expect(evening.text.contains("§ 7, пересказ") && evening.text.contains("\"value\" : \"5\""), "\(evening)")
            #expect(!evening.text.contains("\"value\" : \"4\""))
        }
    }

    @Test func theAPIsJournalAndDiaryAreTheCommandLinesJSON() async throws {
        try await TestServer.run(signIn: [.teacher, .parent]) { server in
            let t = server.template
            // Something new in both, recorded by the server.
            let graded = try await server.post("/api/v1/grades", ["lesson": t.heldLesson, "student": t.child, "value": "3",
                                                                  "workType": t.workType], as: server.visitor(.teacher))
            #expect(graded.status == .created, "\(graded)")
            let weekStart = CivilDate(iso: String(t.heldLesson.split(separator: "/")[1]))!.weekStart.iso
            let journal = try await server.get(Self.journalPath(t), as: server.visitor(.teacher))
            let diary = try await server.get("/api/v1/students/\(t.child)/diary?week=\(weekStart)", as: server.visitor(.parent))
            #expect(journal.status == .ok && diary.status == .ok)

            let env: [String: String?] = ["LETOPIS_STORE": nil, "LETOPIS_USER": nil]
            let store = server.store.path
            let cliJournal = try ProgramRunner.run(ProgramRunner.letopis, ["journal", "--store", store, "--class", t.classID, "--subject",
                                                                           t.subject, "--period", t.period, "--format", "json"], environment: env)
            #expect(cliJournal.status == 0, "\(cliJournal.err)")
            #expect(cliJournal.out == journal.text, "the journal differs from the command line's")
            let cliDiary = try ProgramRunner.run(ProgramRunner.letopis, ["diary", "--store", store, "--student", t.child, "--week", weekStart,
                                                                         "--format", "json"], environment: env)
            #expect(cliDiary.status == 0, "\(cliDiary.err)")
            #expect(cliDiary.out == diary.text, "the diary differs from the command line's")
            #expect(diary.text.contains(graded.json["id"] as? String ?? "?") || journal.text.contains(graded.json["id"] as? String ?? "?"))
        }
    }
}
