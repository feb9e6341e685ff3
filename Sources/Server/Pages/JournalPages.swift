import Audit
import Catalog
import EventLog
import Foundation
import Hummingbird
import Projections
import Records

/// The class journal as a page: the students × lessons grid of one class or
/// group, subject and period, as the command line's journal view, with the
/// averages and finals; a whole column of marks at once (a form that needs no
/// script), keyboard entry into the grid (`journal.js`, which posts to the
/// API), and a mark's correction or void with a reason. What is read-only
/// says why, by the rules' own refusal. What is shown and recorded goes
/// through `JournalController`, so access and rules are the API's.
struct JournalPages {
    let journal: JournalController
    let renderer: PageRenderer
    let configuration: ServerConfiguration

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group("/teacher", context: SignedInContext.self)
            .get("/journals", use: journals)
            .get("/journal", use: grid)
            .get("/journal/column", use: column)
            .post("/journal/column", use: saveColumn)
            .post("/grade/correction", use: correct)
            .post("/grade/void", use: void)
    }

    private var today: CivilDate { ServerClock.moscowDay(of: configuration.clock()) }

    // MARK: Which journal

    struct JournalsPage {
        struct Link {
            let label: String
            let href: String
        }
        let kept: [Link]
        let hasKept: Bool
        /// For those who read every journal of their classes or the school: a chooser.
        let units: [TeacherPages.Option]
        let subjects: [TeacherPages.Option]
        let choose: Bool
    }

    /// The journals a teacher keeps (from the timetable), and a chooser of any
    /// class and subject for those who read more (class teacher, school readers).
    func journals(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let page: JournalsPage = person.school.recorder.withState { state in
            let kept = state.journals(keptBy: person.personID).map { entry in
                JournalsPage.Link(label: "\(state.unitName(entry.unit)) — \(state.subjects[entry.subject]?.name ?? entry.subject)",
                                  href: "/teacher/journal?unit=\(urlEncoded(entry.unit))&subject=\(urlEncoded(entry.subject))")
            }
            let year = state.classes.values.map(\.year).max()
            let readable = state.classes.values.filter { klass in
                klass.year == year && state.subjects.keys.contains { state.mayRead(journalOf: klass.id, subject: $0, by: person.viewer) }
            }
            let units = readable.sorted { ($0.grade, $0.name) < ($1.grade, $1.name) }
                .map { TeacherPages.Option(value: $0.id, label: $0.name, selected: false) }
            let subjects = state.subjects.values.sorted { $0.name < $1.name }
                .map { TeacherPages.Option(value: $0.subjectID, label: $0.name, selected: false) }
            let choose = !person.viewer.roles.isDisjoint(with: [.classTeacher, .administration, .coordinator, .auditor]) && !units.isEmpty
            return JournalsPage(kept: kept, hasKept: !kept.isEmpty, units: units, subjects: subjects, choose: choose)
        }
        return renderer.render("journals", title: "Журналы", frame: .person(person, current: "/teacher/journals"), page: page)
    }

    // MARK: The grid

    struct GridPage {
        struct Column {
            let lesson: String
            let day: String
            let date: String
            let slot: Int
            let topic: String
            let lessonLink: String
            /// The whole column's form, when new marks may be entered.
            let columnLink: String?
            let substitute: Bool
            /// Why no new marks may be entered here (the rule's words), if so.
            let locked: String?
            /// Why marks already set may not be changed here, if so.
            let correctionsLocked: String?
            /// New marks may be entered here now.
            let open: Bool
        }
        struct Mark {
            let value: String
            let link: String
            let title: String
        }
        struct Cell {
            let lesson: String
            let student: String
            let member: Bool
            let open: Bool
            let marks: [Mark]
            let absence: String?
        }
        struct Row {
            let id: String
            let name: String
            /// «Волков В. В.», for a phone's narrow first column.
            let shortName: String
            /// The student's history, for those who read the whole school.
            let historyLink: String?
            let cells: [Cell]
            let average: String
            let weighted: String
            let final: String
        }
        let unit: String
        let subject: String
        let unitName: String
        let subjectName: String
        let periodName: String
        let periodRange: String
        let periods: [TeacherPages.Option]
        /// The period's closing, or the teacher's edit window, in the rules' words.
        let notes: [String]
        let columns: [Column]
        let rows: [Row]
        let empty: Bool
        let entry: Bool
        let workTypes: [TeacherPages.Option]
        let script: String
        /// «по состоянию на …»: the journal as the log stood then, read-only.
        let asOf: String?
        let asOfValue: String
        let period: String
        let nowLink: String
    }

    func grid(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let spec = try journal.journalQuery(unit: try required(request, "unit"), subject: try query(request, "subject"),
                                            period: try query(request, "period"), person: person)
        let today = self.today
        let saved = try query(request, "saved")
        let asOfQuery = try query(request, "asOf")
        let key = ["journal", spec.unit, spec.subject, spec.period ?? "", asOfQuery ?? "", saved ?? ""]
        return try await renderer.cached(key, person: person, day: today, enabled: configuration.pageCache) {
            // As of an earlier moment: the views rebuilt from the log's prefix, shown read-only.
            var asOf: (note: String, value: String)?
            let view: ClassJournal
            if let given = asOfQuery {
                guard let point = AsOfPoint.parse(given) else {
                    throw APIError.invalid("«На момент»: «\(given)» — не дата и время; пишите 2024-10-01T14:30 (время московское) или номер события.")
                }
                let log = person.school.log
                let replayed = try AsOfViews(log: log, at: point)
                view = try replayed.classJournal(class: spec.isGroup ? nil : spec.unit, group: spec.isGroup ? spec.unit : nil,
                                                 subject: spec.subject, period: spec.period)
                let moment = if case .time(let time) = point { PageDates.moscow(iso: time.iso) } else { "событие № \(replayed.position)" }
                asOf = ("Журнал по состоянию на \(moment): первые \(replayed.position) событий журнала школы из \(try log.head()). "
                        + "Только для чтения.", given)
            } else {
                view = try JSONDecoder().decode(ClassJournal.self, from: try await journal.journalJSON(spec, person: person))
            }
            // What the state decides (who may enter where, and why not), read under its lock; the grid is built after.
            let (readsSchool, columns, notes, periodOptions, workTypeOptions) = person.school.recorder.withState { state in
                let readsSchool = state.mayReadSchool(by: person.viewer)
                // One note per rule for the whole grid, not one per lesson.
                var closed: RuleViolation?
                var pastWindow: (last: String, refusal: RuleViolation)?
                var others: [String] = []
                let columns = view.lessons.map { lesson -> GridPage.Column in
                    let held = state.lessons[lesson.id]
                    let actor = journal.actingActor(for: lesson.teacher, person: person, state: state)
                    let locked = asOf != nil ? nil : held.flatMap { state.entryRefusal(lesson: $0, by: actor, correcting: false, today: today) }
                    let correctionsLocked = asOf != nil ? nil
                        : held.flatMap { state.entryRefusal(lesson: $0, by: actor, correcting: true, today: today) }
                    let open = asOf == nil && held != nil && locked == nil
                    for refusal in [locked, correctionsLocked].compactMap({ $0 }) {
                        switch refusal.rule {
                        case .notLessonTeacher, .roleRequired: break
                        case .periodClosed: closed = closed ?? refusal
                        case .editWindowPassed: pastWindow = (PageDates.day(iso: lesson.date), refusal)
                        default: if !others.contains(refusal.pageNote) { others.append(refusal.pageNote) }
                        }
                    }
                    let date = CivilDate(iso: lesson.date)
                    return GridPage.Column(
                        lesson: lesson.id, day: date.map { String(format: "%02d.%02d", $0.day, $0.month) } ?? lesson.date,
                        date: PageDates.day(iso: lesson.date), slot: lesson.slot, topic: lesson.topic,
                        lessonLink: "/teacher/lesson?id=\(urlEncoded(lesson.id))",
                        columnLink: open ? "/teacher/journal/column?lesson=\(urlEncoded(lesson.id))" : nil,
                        substitute: lesson.substitute, locked: locked?.pageNote, correctionsLocked: correctionsLocked?.pageNote, open: open)
                }
                var notes: [String] = []
                if let closed {
                    notes.append("Период «\(view.period.name)» закрыт: новые записи и исправления в нём не вносятся. \(closed.remedy)")
                } else if let pastWindow {
                    notes.append("Записи уроков по \(pastWindow.last) включительно учитель уже не исправляет: окно правки — "
                                 + "\(state.editWindowDays) дн. Новые оценки ставить можно. \(pastWindow.refusal.remedy)")
                }
                notes += others
                let grade = state.classOf(unit: view.unit.id)
                let periods = state.periods.values.filter { period in
                    grade.map { period.year == $0.year && (period.grades.isEmpty || period.grades.contains($0.grade)) } ?? false
                }.sorted { $0.startsOn < $1.startsOn }
                let workTypes = state.workTypes.values.sorted { $0.workTypeID < $1.workTypeID }
                return (readsSchool, columns, notes,
                        periods.map { TeacherPages.Option(value: $0.id, label: $0.name + ($0.closed ? " (закрыт)" : ""),
                                                          selected: $0.id == view.period.id) },
                        workTypes.map { TeacherPages.Option(value: $0.workTypeID, label: "\($0.name) (вес \($0.weight))", selected: false) })
            }
            let rows = view.students.map { student in
                GridPage.Row(
                    id: student.id, name: student.name, shortName: Self.short(student.name),
                    historyLink: readsSchool ? "/audit/history?student=\(urlEncoded(student.id))" : nil,
                    cells: zip(view.lessons, student.cells).enumerated().map { index, pair in
                        let (lesson, cell) = pair
                        return GridPage.Cell(
                            lesson: lesson.id, student: student.id, member: cell.member, open: cell.member && columns[index].open,
                            marks: cell.marks.map { mark in
                                GridPage.Mark(value: mark.value, link: "/diary/mark?grade=\(urlEncoded(mark.gradeID))",
                                              title: "\(mark.workTypeName), вес \(mark.weight)" + (mark.comment.map { ": \($0)" } ?? ""))
                            },
                            absence: cell.attendance)
                    },
                    average: student.average.map(Self.decimal) ?? "—", weighted: student.weightedAverage.map(Self.decimal) ?? "—",
                    final: student.final ?? "—")
            }
            let page = GridPage(
                unit: view.unit.id, subject: view.subject.id, unitName: view.unit.name, subjectName: view.subject.name,
                periodName: view.period.name, periodRange: "\(PageDates.day(iso: view.period.from)) — \(PageDates.day(iso: view.period.to))",
                periods: periodOptions,
                notes: notes, columns: columns, rows: rows, empty: columns.isEmpty,
                entry: columns.contains(where: \.open),
                workTypes: workTypeOptions,
                script: renderer.journalScriptPath, asOf: asOf?.note, asOfValue: asOf?.value ?? "",
                period: view.period.id,
                nowLink: "/teacher/journal?unit=\(urlEncoded(view.unit.id))&subject=\(urlEncoded(view.subject.id))&period=\(urlEncoded(view.period.id))")
            var frame = Frame.person(person, current: "/teacher/journals")
            frame.notice = saved.map { JournalPages.saved[$0] ?? "Сохранено." }
            return ("journal", "Журнал: \(page.unitName), \(page.subjectName)", frame, page)
        }
    }

    static let saved = ["column": "Оценки столбца сохранены.", "correction": "Оценка исправлена.", "void": "Оценка аннулирована."]

    /// «Волков В. В.» from «Волков Владимир Витальевич».
    static func short(_ name: String) -> String {
        let parts = name.split(separator: " ")
        guard let last = parts.first, parts.count > 1 else { return name }
        return ([String(last)] + parts.dropFirst().compactMap { $0.first.map { "\($0)." } }).joined(separator: " ")
    }

    /// «4,25».
    static func decimal(_ value: Double) -> String {
        String(format: "%.2f", value).replacingOccurrences(of: ".", with: ",")
    }

    // MARK: A whole column

    struct ColumnPage {
        struct Student {
            let id: String
            let name: String
            let field: String
            let absence: String?
            let marks: String?
        }
        let lesson: String
        let title: String
        let back: String
        let students: [Student]
        let workTypes: [TeacherPages.Option]
    }

    /// Every student of a held lesson with a field for a mark: one form, saved all or none.
    func column(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let answer = try await journal.lessonAnswer(try required(request, "id", or: "lesson"), person: person)
        // The rules' own refusal, as the form's saving would get it: not one's lesson, a closed period.
        let refusal: RuleViolation? = try person.school.recorder.withState { state in
            guard let held = state.lessons[answer.lesson], !held.voided else {
                throw APIError(RuleViolation(.unknownRecord, record: "урок \(answer.lesson)", detail: "урок ещё не записан",
                                             remedy: "Сначала запишите тему урока: так урок появится в журнале."))
            }
            let actor = journal.actingActor(for: held.teacherID, person: person, state: state)
            return state.entryRefusal(lesson: held, by: actor, correcting: false, today: today)
        }
        if let refusal { throw APIError(refusal) }
        let page = ColumnPage(
            lesson: answer.lesson, title: "\(answer.unitName) — \(answer.subjectName), \(PageDates.day(iso: answer.date)), \(answer.slot) урок",
            back: "/teacher/journal?unit=\(urlEncoded(answer.unit))&subject=\(urlEncoded(answer.subject))",
            students: answer.students.map { student in
                ColumnPage.Student(id: student.id, name: student.name, field: "mark-\(student.id)",
                                   absence: student.attendance,
                                   marks: student.marks.isEmpty ? nil : student.marks.map(\.value).joined(separator: " "))
            },
            workTypes: answer.workTypes.map { TeacherPages.Option(value: $0.id, label: "\($0.name) (вес \($0.weight ?? 1))", selected: false) })
        return renderer.render("column", title: "Оценки за урок", frame: .person(person, current: "/teacher/journals"), page: page)
    }

    /// The column's marks: every filled field, one kind of work, all or none.
    func saveColumn(_ request: Request, context: SignedInContext) async throws -> Response {
        var request = request
        let form = FormFields(try await request.collectBody(upTo: context.maxUploadSize))
        guard let lesson = form.text("lesson") else { throw APIError.invalid("Не хватает поля «lesson».") }
        let workType = form["workType"] ?? ""
        let comment = form.text("comment")
        let marks = form.withPrefix("mark-").compactMap { student, value -> JournalController.GradeRequest? in
            let value = value.trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : .init(lesson: lesson, student: student, value: value, workType: workType, comment: comment)
        }.sorted { $0.student < $1.student }
        guard !marks.isEmpty else { throw APIError.invalid("Не введено ни одной оценки: заполните поле хотя бы одного ученика.") }
        _ = try await journal.recordGrades(marks, person: context.person)
        let answer = try await journal.lessonAnswer(lesson, person: context.person)
        return seeOther("/teacher/journal?unit=\(urlEncoded(answer.unit))&subject=\(urlEncoded(answer.subject))&saved=column")
    }

    // MARK: Corrections

    /// A mark's new value (or kind of work), with the reason the rules ask for.
    func correct(_ request: Request, context: SignedInContext) async throws -> Response {
        var request = request
        let form = FormFields(try await request.collectBody(upTo: context.maxUploadSize))
        guard let grade = form.text("grade") else { throw APIError.invalid("Не хватает поля «grade».") }
        // The form always sends a kind of work: only a different one is a change.
        let current = context.person.school.recorder.withState { $0.grades[grade]?.workTypeID }
        let workType = form.text("workType").flatMap { $0 == current ? nil : $0 }
        _ = try await journal.correctGrade(grade, value: form.text("value"), workType: workType, reason: form["reason"] ?? "",
                                           person: context.person)
        return seeOther("/diary/mark?grade=\(urlEncoded(grade))&saved=correction")
    }

    /// A mark made void, with the reason the rules ask for.
    func void(_ request: Request, context: SignedInContext) async throws -> Response {
        var request = request
        let form = FormFields(try await request.collectBody(upTo: context.maxUploadSize))
        guard let grade = form.text("grade") else { throw APIError.invalid("Не хватает поля «grade».") }
        _ = try await journal.voidGrade(grade, reason: form["reason"] ?? "", person: context.person)
        return seeOther("/diary/mark?grade=\(urlEncoded(grade))&saved=void")
    }
}

extension RuleViolation {
    /// What the rule says and what to do, for a note on a page: «14.10.2024
    /// относится к периоду «1 четверть», а он закрыт. Сначала администрация…».
    var pageNote: String {
        let detail = self.detail.prefix(1).uppercased() + self.detail.dropFirst()
        return (detail.hasSuffix(".") ? detail : detail + ".") + " " + remedy
    }
}

/// A required query parameter that may go by either of two names.
func required(_ request: Request, _ name: String, or other: String) throws -> String {
    if let value = try query(request, name) { return value }
    return try required(request, other)
}
