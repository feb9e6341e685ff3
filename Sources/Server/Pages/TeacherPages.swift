import Catalog
import EventLog
import Foundation
import Hummingbird
import Projections
import Records

/// The teacher's pages: «Сегодня» (the day's lessons, what is missing, the
/// deadlines) and the lesson with its forms — topic, homework, roll, a grade.
/// What they show is `JournalController`'s day and lesson; what they record
/// goes through its commands, so the rules and access are the API's.
struct TeacherPages {
    let journal: JournalController
    let renderer: PageRenderer
    let configuration: ServerConfiguration

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group("/teacher", context: SignedInContext.self)
            .get("/day", use: day)
            .get("/lesson", use: lesson)
            .post("/lesson/topic", use: topic)
            .post("/lesson/homework", use: homework)
            .post("/lesson/attendance", use: attendance)
            .post("/lesson/attendance/correction", use: correctAttendance)
            .post("/lesson/grade", use: grade)
    }

    private var today: CivilDate { ServerClock.moscowDay(of: configuration.clock()) }

    // MARK: «Сегодня»

    struct DayPage {
        struct Line {
            let slot: Int
            let time: String?
            let unitName: String
            let subjectName: String
            let topic: String?
            let link: String
            let substitute: Bool
            /// «тема, посещаемость»: what is still to enter.
            let missing: String
            let complete: Bool
            let topicAndRollDue: String
            let homeworkDeadline: String?
        }
        let date: String
        let heading: String
        let isToday: Bool
        let previous: String
        let next: String
        let todayLink: String
        let lessons: [Line]
        let empty: Bool
        let year: String?
    }

    func day(_ request: Request, context: SignedInContext) async throws -> Response {
        let date = try query(request, "date").map { try parseDate($0, field: "date") } ?? today
        let answer = journal.dayAnswer(on: date, person: context.person)
        let missingNames = ["topic": "тема", "attendance": "посещаемость", "homework": "домашнее задание"]
        let lines = answer.lessons.sorted { ($0.slot, $0.unitName) < ($1.slot, $1.unitName) }.map { line in
            DayPage.Line(
                slot: line.slot, time: line.startsAt.map { start in line.endsAt.map { "\(start)–\($0)" } ?? start },
                unitName: line.unitName, subjectName: line.subjectName, topic: line.topic.isEmpty ? nil : line.topic,
                link: "/teacher/lesson?id=\(urlEncoded(line.lesson))", substitute: line.substitute,
                missing: line.missing.map { missingNames[$0] ?? $0 }.joined(separator: ", "), complete: line.missing.isEmpty,
                topicAndRollDue: PageDates.day(iso: line.topicAndRollDue), homeworkDeadline: line.homeworkDeadline.map(PageDates.moscow(iso:)))
        }
        let page = DayPage(date: date.iso, heading: PageDates.long(date), isToday: date == today,
                           previous: "/teacher/day?date=\(date.adding(days: -1).iso)", next: "/teacher/day?date=\(date.adding(days: 1).iso)",
                           todayLink: "/teacher/day", lessons: lines, empty: lines.isEmpty, year: answer.year)
        return renderer.render("day", title: date == today ? "Сегодня" : PageDates.day(date),
                               frame: .person(context.person, current: date == today ? "/teacher/day" : ""), page: page)
    }

    // MARK: The lesson

    struct Option {
        let value: String
        let label: String
        let selected: Bool
    }

    struct LessonPage {
        struct Student {
            let id: String
            let name: String
            let absence: String?
            let marks: [String]
            let field: String
            let codes: [Option]
        }
        let id: String
        let unitName: String
        let subjectName: String
        let date: String
        let dayLink: String
        let slot: Int
        let held: Bool
        let substitute: Bool
        let topic: String
        let hasTopic: Bool
        /// The homework set, to show and to edit (empty when none).
        let homework: String
        let homeworkSet: Bool
        let homeworkDue: String?
        let attendanceTaken: Bool
        let students: [Student]
        let studentChoices: [Option]
        /// For correcting a roll already taken: «присутствовал(а)» and the school's codes.
        let codeChoices: [Option]
        let workTypes: [Option]
        let readOnly: String?
        let correctionsReadOnly: String?
        let topicAndRollDue: String
        let homeworkDeadline: String?
        /// The lesson's history from the log, for those who read the whole school; and its journal.
        let historyLink: String?
        let journalLink: String?
    }

    func lesson(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let answer = try await journal.lessonAnswer(try required(request, "id"), person: person)
        let codes = answer.attendanceCodes
        let students = answer.students.map { student in
            LessonPage.Student(
                id: student.id, name: student.name,
                absence: student.attendance.map { code in codes.first { $0.id == code }.map { "\(code) — \($0.name)" } ?? code },
                marks: student.marks.map { "\($0.value) (\($0.workTypeName), вес \($0.weight))" },
                field: "absence-\(student.id)",
                codes: [Option(value: "", label: "присутствовал(а)", selected: student.attendance == nil)]
                    + codes.map { Option(value: $0.id, label: "\($0.id) — \($0.name)", selected: student.attendance == $0.id) })
        }
        let page = LessonPage(
            id: answer.lesson, unitName: answer.unitName, subjectName: answer.subjectName, date: PageDates.day(iso: answer.date),
            dayLink: "/teacher/day?date=\(answer.date)", slot: answer.slot, held: answer.held, substitute: answer.substitute,
            topic: answer.topic, hasTopic: !answer.topic.isEmpty, homework: answer.homework, homeworkSet: !answer.homework.isEmpty,
            homeworkDue: answer.homeworkDue.isEmpty ? nil : PageDates.day(iso: answer.homeworkDue), attendanceTaken: answer.attendanceTaken,
            students: students,
            studentChoices: answer.students.map { s in
                Option(value: s.id, label: s.name + (s.attendance.map { " (\($0))" } ?? ""), selected: false)
            },
            codeChoices: [Option(value: "", label: "присутствовал(а)", selected: false)]
                + codes.map { Option(value: $0.id, label: "\($0.id) — \($0.name)", selected: false) },
            workTypes: answer.workTypes.map { Option(value: $0.id, label: "\($0.name) (вес \($0.weight ?? 1))", selected: false) },
            readOnly: answer.readOnly, correctionsReadOnly: answer.correctionsReadOnly,
            topicAndRollDue: PageDates.day(iso: answer.topicAndRollDue), homeworkDeadline: answer.homeworkDue_.map(PageDates.moscow(iso:)),
            historyLink: answer.held && person.school.recorder.withState({ $0.mayReadSchool(by: person.viewer) })
                ? "/audit/history?lesson=\(urlEncoded(answer.lesson))" : nil,
            journalLink: person.school.recorder.withState({ $0.mayRead(journalOf: answer.unit, subject: answer.subject, by: person.viewer) })
                ? "/teacher/journal?unit=\(urlEncoded(answer.unit))&subject=\(urlEncoded(answer.subject))" : nil)
        var frame = Frame.person(person)
        frame.notice = try query(request, "saved").map { Self.saved[$0] ?? "Сохранено." }
        return renderer.render("lesson", title: "\(answer.unitName), \(answer.subjectName), \(page.date)", frame: frame, page: page)
    }

    static let saved = ["topic": "Тема сохранена.", "homework": "Домашнее задание сохранено.", "attendance": "Посещаемость сохранена.",
                        "correction": "Отметка посещаемости исправлена.", "grade": "Оценка сохранена."]

    // MARK: The forms

    /// The lesson's page again, saying what was saved.
    private func back(to lesson: String, saved: String) -> Response {
        seeOther("/teacher/lesson?id=\(urlEncoded(lesson))&saved=\(saved)")
    }

    private func form(_ request: Request, _ context: SignedInContext) async throws -> (FormFields, String) {
        var request = request
        let form = FormFields(try await request.collectBody(upTo: context.maxUploadSize))
        guard let lesson = form.text("lesson") else { throw APIError.invalid("Не хватает поля «lesson».") }
        return (form, lesson)
    }

    func topic(_ request: Request, context: SignedInContext) async throws -> Response {
        let (form, lesson) = try await self.form(request, context)
        let (_, created) = try await journal.recordTopic(lesson: lesson, topic: form["topic"] ?? "", reason: form.text("reason"),
                                                         person: context.person)
        return back(to: created ?? lesson, saved: "topic")
    }

    func homework(_ request: Request, context: SignedInContext) async throws -> Response {
        let (form, lesson) = try await self.form(request, context)
        _ = try await journal.assignHomework(lesson: lesson, text: form["text"] ?? "", dueOn: form.text("dueOn"), person: context.person)
        return back(to: lesson, saved: "homework")
    }

    /// The roll: every student's field, empty for present, else the code.
    func attendance(_ request: Request, context: SignedInContext) async throws -> Response {
        let (form, lesson) = try await self.form(request, context)
        let absences = form.withPrefix("absence-").filter { !$0.value.isEmpty }
        _ = try await journal.takeAttendance(lesson: lesson, absences: absences, person: context.person)
        return back(to: lesson, saved: "attendance")
    }

    func correctAttendance(_ request: Request, context: SignedInContext) async throws -> Response {
        let (form, lesson) = try await self.form(request, context)
        _ = try await journal.correctAttendance(lesson: lesson, student: form["student"] ?? "", code: form["code"] ?? "",
                                                reason: form.text("reason") ?? "", person: context.person)
        return back(to: lesson, saved: "correction")
    }

    func grade(_ request: Request, context: SignedInContext) async throws -> Response {
        let (form, lesson) = try await self.form(request, context)
        let grade = JournalController.GradeRequest(lesson: lesson, student: form["student"] ?? "", value: form.text("value") ?? "",
                                                   workType: form["workType"] ?? "", comment: form.text("comment"))
        _ = try await journal.recordGrades([grade], person: context.person)
        return back(to: lesson, saved: "grade")
    }
}
