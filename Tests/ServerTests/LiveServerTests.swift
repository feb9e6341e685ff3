import EventLog
import Foundation
import ProgramRunner
import Testing

/// The built `letopis serve` over real HTTP: a scripted school day — the
/// command line issuing a slip while the server runs, the teacher's lesson,
/// the parent's evening — then SIGTERM, a clean exit and an intact log.
@Suite(.serialized) struct LiveServerTests {
    @Test func aSchoolDayOverHTTPThenACleanStop() async throws {
        let template = try await Template.shared()
        let store = try template.copy()
        defer { store.remove() }
        let server = try ServeProcess.start(store: store.path)
        var stopped = false
        defer { if !stopped { _ = server.stop(SIGKILL) } }
        let teacherTab = server.connect(), parentPhone = server.connect()

        // Morning: the teacher lost the slip; the coordinator prints a new one on the command line, beside the running server.
        let teacher = Visitor(.teacher, sample: template.sample(.teacher))
        let slip = try letopis(["login", "reset", template.login(.teacher), "--as", template.personID(.coordinator)], store: store.path)
        #expect(slip.status == 0, "\(slip.err)")
        let temporary = try #require(slip.out.split(separator: "\n").first { $0.contains("Временный пароль:") }?
            .split(separator: " ").last.map(String.init), "\(slip.out)")
        // The first slip is void now.
        let old = try await teacherTab.post("/api/v1/sign-in", ["login": template.login(.teacher), "password": template.sample(.teacher).temporaryPassword],
                                            as: Visitor(.teacher, sample: nil))
        #expect(old.status == .unauthorized, "\(old)")
        try await teacherTab.activate(teacher, login: template.login(.teacher), temporary: temporary, password: "Мой-урок-истории-2024")

        // The lesson: the day's list, the topic, the roll with one absence, two marks, homework.
        let day = try await teacherTab.get("/api/v1/day", as: teacher)
        let lessons = day.json["lessons"] as? [[String: Any]] ?? []
        #expect(lessons.contains { $0["lesson"] as? String == template.mondayLesson && $0["held"] as? Bool == false }, "\(day)")
        let topic = try await teacherTab.post("/api/v1/lesson/topic", ["lesson": template.mondayLesson, "topic": "Древний Египет"], as: teacher)
        #expect(topic.status == .created, "\(topic)")
        let roll = try await teacherTab.post("/api/v1/lesson/attendance", ["lesson": template.mondayLesson,
                                                                           "absences": [template.classmate: "Б"]], as: teacher)
        #expect(roll.status == .created, "\(roll)")
        for (student, value) in [(template.child, "5"), (template.newcomer, "4")] {
            let mark = try await teacherTab.post("/api/v1/grades", ["lesson": template.mondayLesson, "student": student, "value": value,
                                                                    "workType": template.workType, "comment": "ответ у доски"], as: teacher)
            #expect(mark.status == .created && mark.json["id"] as? String != nil, "\(mark)")
        }
        let homework = try await teacherTab.post("/api/v1/lesson/homework", ["lesson": template.mondayLesson, "text": "§ 8, вопросы 1–4",
                                                                             "dueOn": Template.monday.adding(days: 2).iso], as: teacher)
        #expect(homework.status == .created, "\(homework)")

        // Evening: the parent's first sign-in, the child's week, the signature.
        let parent = Visitor(.parent, sample: template.sample(.parent))
        try await parentPhone.activate(parent, login: template.login(.parent), temporary: template.sample(.parent).temporaryPassword,
                                       password: "Дневник-моего-ребёнка")
        let children = try await parentPhone.get("/api/v1/children", as: parent)
        #expect((children.json["children"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [template.child], "\(children)")
        let week = try await parentPhone.get("/api/v1/students/\(template.child)/diary?week=\(Template.monday.iso)", as: parent)
        #expect(week.status == .ok, "\(week)")
        let monday = (week.json["days"] as? [[String: Any]])?.first { $0["date"] as? String == Template.monday.iso }
        let lesson = (monday?["lessons"] as? [[String: Any]])?.first { $0["lessonID"] as? String == template.mondayLesson }
        #expect(lesson?["topic"] as? String == "Древний Египет", "\(week)")
        #expect((lesson?["marks"] as? [[String: Any]])?.map { $0["value"] as? String } == ["5"], "\(week)")
        #expect(lesson?["attendance"] == nil || lesson?["attendance"] is NSNull, "the child was there")
        #expect(week.text.contains("§ 8, вопросы 1–4"))
        let signed = try await parentPhone.post("/api/v1/students/\(template.child)/diary/acknowledgement", ["week": Template.monday.iso],
                                                as: parent)
        #expect(signed.status == .created, "\(signed)")
        let again = try await parentPhone.get("/api/v1/students/\(template.child)/diary?week=\(Template.monday.iso)", as: parent)
        #expect(again.json["acknowledged"] as? Bool == true, "\(again)")
        // Another family's child stays out of reach.
        #expect(try await parentPhone.get("/api/v1/students/\(template.otherChild)/diary", as: parent).status == .notFound)

        await teacherTab.close()
        await parentPhone.close()
        let ended = server.stop(SIGTERM)
        stopped = true
        #expect(ended?.status == 0 && ended?.reason == .exit, "letopis serve did not stop cleanly on SIGTERM: \(String(describing: ended))\n\(server.standardError.suffix(2000))")
        let verify = try letopis(["verify"], store: store.path)
        #expect(verify.status == 0 && verify.out.contains("intact"), "\(verify.out) \(verify.err)")
    }
}
