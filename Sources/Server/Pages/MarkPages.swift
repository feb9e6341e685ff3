import EventLog
import Foundation
import Hummingbird
import Records

/// A mark's history as a page, from the diary: who set it and when, each
/// correction or void with its reason (Moscow time, names and roles in
/// Russian), and a link to download its receipt. The history and the access
/// check are `MarkController`'s (the API's): a mark the person may not read
/// gets the page of a mark that does not exist.
struct MarkPages {
    let marks: MarkController
    let journal: JournalController
    let renderer: PageRenderer
    let configuration: ServerConfiguration

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group(context: SignedInContext.self)
            .get("/diary/mark", use: mark)
    }

    struct MarkPage {
        struct Line {
            let when: String
            let what: String
            let before: String
            let after: String
            let who: String
            let reason: String?
        }
        let grade: String
        let studentName: String
        let subjectName: String
        let lessonDate: String
        let unitName: String
        let current: String
        let voided: Bool
        let setAt: String
        let setBy: String
        let lines: [Line]
        let unchanged: Bool
        let diaryLink: String
        let receiptLink: String
        /// For whoever may correct it now: the forms (a new value or kind of work, a void), each with a reason.
        let correction: Correction?
        /// Why a member of staff who reads it may not correct it now, in the rules' words.
        let correctionNote: String?
    }

    struct Correction {
        let grade: String
        let workTypes: [TeacherPages.Option]
    }

    func mark(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let history = try marks.history(of: try required(request, "grade"), person: person)
        let value = { (v: MarkController.Value) in v.workTypeName.isEmpty ? v.value : "\(v.value) (\(v.workTypeName))" }
        let who = { (w: MarkController.Who) in "\(w.name), \(w.roleName)" }
        let lines = history.changes.map { change in
            MarkPage.Line(when: PageDates.moscow(iso: change.at), what: change.kind == "void" ? "аннулирована" : "исправлена",
                          before: value(change.before), after: change.after.map(value) ?? "—", who: who(change.by),
                          reason: change.reason.isEmpty ? nil : change.reason)
        }
        // Staff who keep the lesson see the correction forms; the rules decide, as when saving.
        let today = ServerClock.moscowDay(of: configuration.clock())
        let (refusal, workTypes): (RuleViolation?, [TeacherPages.Option]) = person.school.recorder.withState { state in
            guard !person.viewer.roles.isDisjoint(with: [.teacher, .classTeacher, .administration]),
                  let grade = state.grades[history.grade], let lesson = state.lessons[grade.lessonID] else {
                return (RuleViolation(.roleRequired, record: history.grade, detail: "", remedy: ""), [])
            }
            let actor = journal.actingActor(for: lesson.teacherID, person: person, state: state)
            return (state.entryRefusal(lesson: lesson, by: actor, correcting: true, today: today),
                    state.workTypes.values.sorted { $0.workTypeID < $1.workTypeID }.map { type in
                        TeacherPages.Option(value: type.workTypeID, label: "\(type.name) (вес \(type.weight))",
                                            selected: type.workTypeID == grade.workTypeID)
                    })
        }
        let week = CivilDate(iso: history.lesson.date).map { "&week=\($0.weekStart.iso)" } ?? ""
        let page = MarkPage(
            grade: history.grade, studentName: history.studentName, subjectName: history.lesson.subjectName,
            lessonDate: PageDates.day(iso: history.lesson.date), unitName: history.lesson.unitName, current: value(history.current),
            voided: history.voided, setAt: PageDates.moscow(iso: history.setAt), setBy: who(history.setBy), lines: lines,
            unchanged: lines.isEmpty, diaryLink: "/diary?student=\(urlEncoded(history.student))\(week)",
            receiptLink: "/api/v1/grades/\(urlEncoded(history.grade))/receipt",
            correction: refusal == nil && !history.voided ? Correction(grade: history.grade, workTypes: workTypes) : nil,
            correctionNote: history.voided ? nil : refusal.flatMap { $0.rule == .roleRequired || $0.rule == .notLessonTeacher ? nil : $0.pageNote })
        var frame = Frame.person(person, current: "/diary")
        frame.notice = try query(request, "saved").map { JournalPages.saved[$0] ?? "Сохранено." }
        return renderer.render("mark", title: "Оценка: \(history.studentName), \(history.lesson.subjectName)", frame: frame, page: page)
    }
}
