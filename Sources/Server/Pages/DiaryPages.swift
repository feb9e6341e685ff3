import Catalog
import EventLog
import Foundation
import Hummingbird
import Projections
import Records

/// The diary week for parents and students (and whoever else may read the
/// student): Monday to Saturday, the lessons with topic, homework, marks and
/// attendance, a switch between a parent's children, the weeks before and
/// after, and «Ознакомлен». The week is `DiaryController`'s (the API's very
/// JSON, from the same cache), and so is the access check: another family's
/// child gets the page of a child that does not exist.
struct DiaryPages {
    let diary: DiaryController
    let renderer: PageRenderer
    let configuration: ServerConfiguration

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group(context: SignedInContext.self)
            .get("/diary", use: week)
            .get("/diary/finals", use: finals)
            .post("/diary/acknowledgement", use: acknowledge)
    }

    private var today: CivilDate { ServerClock.moscowDay(of: configuration.clock()) }

    struct WeekPage {
        struct Child {
            let name: String
            let link: String
            let current: Bool
        }
        struct Lesson {
            let slot: Int
            let subjectName: String
            let topic: String?
            let homeworkDue: [String]
            let homeworkSet: String?
            /// When the homework was recorded, Moscow time.
            let homeworkSetAt: String?
            /// Recorded after the deadline (an hour after the class's last lesson that day).
            let homeworkLate: Bool
            let marks: [Mark]
            let attendance: String?
            /// A lesson of the timetable not held yet.
            let planned: Bool
        }
        struct Mark {
            let value: String
            let workTypeName: String
            let weight: Int
            /// The teacher's comment, if any.
            let comment: String?
            /// The mark's history and receipt.
            let link: String
        }
        struct Day {
            let heading: String
            let lessons: [Lesson]
            let otherHomework: [String]
            let free: Bool
            /// A past school day whose lessons were not entered.
            let notEntered: Bool
        }
        let student: String
        let studentName: String
        let className: String
        let weekStart: String
        let weekEnd: String
        let monday: String
        let previous: String
        let next: String
        let children: [Child]
        let switcher: Bool
        let days: [Day]
        let acknowledged: Bool
        let acknowledgedAt: String?
        let mayAcknowledge: Bool
        let finalsLink: String
    }

    /// The student of the page: the one asked for (if the person may read them),
    /// else a parent's first child or the student themself.
    private func student(_ request: Request, person: Person) throws -> String {
        if let asked = try query(request, "student") { return try diary.visibleStudent(asked, person: person) }
        if person.viewer.roles.contains(.student) { return try diary.visibleStudent(person.personID, person: person) }
        let children = person.school.recorder.withState { $0.children(of: person.viewer) }
        guard let first = children.first else { throw APIError.notFound }
        return first
    }

    func week(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let studentID = try student(request, person: person)
        let day = try query(request, "week").map { try parseDate($0, field: "week") } ?? today
        let monday = day.weekStart
        let today = self.today
        let saved = try query(request, "saved")
        return try await renderer.cached(["diary", studentID, monday.iso, saved ?? ""], person: person, day: today,
                                         enabled: configuration.pageCache) {
            let json = try await diary.diaryJSON(student: studentID, week: monday, person: person)
            let week = try JSONDecoder().decode(DiaryWeek.self, from: json)
            // From the state: the codes' names, the children, the timetable's lessons
            // not held yet (today and later), and when each lesson's homework was due.
            let (codes, children, planned, unentered, deadlines) = person.school.recorder.withState { state in
                var planned: [String: [WeekPage.Lesson]] = [:]
                var unentered: Set<String> = []
                for entry in week.days {
                    guard let date = CivilDate(iso: entry.date) else { continue }
                    let timetable = state.timetable(student: studentID, on: date)
                    guard date >= today else {
                        if entry.lessons.isEmpty && !timetable.isEmpty { unentered.insert(entry.date) }
                        continue
                    }
                    let held = Set(entry.lessons.map(\.slot))
                    planned[entry.date] = timetable.filter { !held.contains($0.slot) }.map {
                        WeekPage.Lesson(slot: $0.slot, subjectName: state.subjects[$0.subjectID]?.name ?? $0.subjectID, topic: nil,
                                        homeworkDue: [], homeworkSet: nil, homeworkSetAt: nil, homeworkLate: false, marks: [],
                                        attendance: nil, planned: true)
                    }
                }
                var deadlines: [String: Timestamp] = [:]
                for lesson in week.days.flatMap(\.lessons) where lesson.homeworkSetAt != nil {
                    if let held = state.lessons[lesson.lessonID], let due = state.deadlines(unit: held.unitID, on: held.date).homework {
                        deadlines[lesson.lessonID] = due
                    }
                }
                return (state.attendanceCodes.mapValues(\.name),
                        state.children(of: person.viewer).map { ($0, state.students[$0]?.name.full ?? $0) }, planned, unentered, deadlines)
            }
            let link = { (student: String, monday: CivilDate) in "/diary?student=\(urlEncoded(student))&week=\(monday.iso)" }
            let days = week.days.map { entry in
                let plannedToday = planned[entry.date] ?? []
                return WeekPage.Day(
                    heading: "\(entry.weekday.prefix(1).uppercased())\(entry.weekday.dropFirst()), \(PageDates.day(iso: entry.date))",
                    lessons: (entry.lessons.map { lesson in
                        // Both moments in the same ISO form (UTC, microseconds): they compare as text.
                        let setAt = lesson.homeworkSetAt
                        return WeekPage.Lesson(
                            slot: lesson.slot, subjectName: lesson.subjectName, topic: lesson.topic.isEmpty ? nil : lesson.topic,
                            homeworkDue: lesson.homeworkDue, homeworkSet: lesson.homeworkSet.isEmpty ? nil : lesson.homeworkSet,
                            homeworkSetAt: lesson.homeworkSetAt.map(PageDates.moscow(iso:)),
                            homeworkLate: setAt.map { at in deadlines[lesson.lessonID].map { at > $0.iso } ?? false } ?? false,
                            marks: lesson.marks.map {
                                .init(value: $0.value, workTypeName: $0.workTypeName, weight: $0.weight, comment: $0.comment,
                                      link: "/diary/mark?grade=\(urlEncoded($0.gradeID))")
                            },
                            attendance: lesson.attendance.map { code in codes[code].map { "\(code) — \($0)" } ?? code }, planned: false)
                    } + plannedToday).sorted { $0.slot < $1.slot },
                    otherHomework: entry.otherHomework,
                    free: entry.lessons.isEmpty && entry.otherHomework.isEmpty && plannedToday.isEmpty && !unentered.contains(entry.date),
                    notEntered: unentered.contains(entry.date))
            }
            let page = WeekPage(
                student: studentID, studentName: week.student.name, className: week.student.className,
                weekStart: PageDates.day(iso: week.weekStart), weekEnd: PageDates.day(iso: week.weekEnd), monday: monday.iso,
                previous: link(studentID, monday.adding(days: -7)), next: link(studentID, monday.adding(days: 7)),
                children: children.map { .init(name: $0.1, link: link($0.0, monday), current: $0.0 == studentID) },
                switcher: children.count > 1, days: days, acknowledged: week.acknowledged,
                acknowledgedAt: week.acknowledgedAt.map { $0.contains("T") ? PageDates.moscow(iso: $0) : PageDates.day(iso: $0) },
                mayAcknowledge: person.viewer.roles.contains(.parent) && !week.acknowledged,
                finalsLink: "/diary/finals?student=\(urlEncoded(studentID))")
            var frame = Frame.person(person, current: "/diary")
            if saved == "acknowledged" { frame.notice = "Отмечено: «Ознакомлен»." }
            return ("diary", "Дневник: \(week.student.name)", frame, page)
        }
    }

    struct FinalsPage {
        struct Line {
            let subjectName: String
            let average: String
            let weightedAverage: String
            let final: String
            let marks: Int
        }
        let studentName: String
        let period: String
        let from: String
        let to: String
        let closed: Bool
        let lines: [Line]
        let empty: Bool
        let diaryLink: String
    }

    /// The period's averages and finals per subject, from the class journals (`DiaryController`'s).
    func finals(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let studentID = try student(request, person: person)
        let answer = try await diary.finalsAnswer(student: studentID, period: try query(request, "period"), person: person)
        let number = { (value: Double?) in value.map(JournalPages.decimal) ?? "—" }
        let lines = answer.subjects.map { line in
            FinalsPage.Line(subjectName: line.subjectName, average: number(line.average), weightedAverage: number(line.weightedAverage),
                            final: line.final ?? "—", marks: line.marks)
        }
        let page = FinalsPage(studentName: answer.name, period: answer.period.name, from: PageDates.day(iso: answer.period.from),
                              to: PageDates.day(iso: answer.period.to), closed: answer.period.closed, lines: lines, empty: lines.isEmpty,
                              diaryLink: "/diary?student=\(urlEncoded(studentID))")
        return renderer.render("finals", title: "Итоги: \(answer.name)", frame: .person(person, current: "/diary"), page: page)
    }

    func acknowledge(_ request: Request, context: SignedInContext) async throws -> Response {
        var request = request
        let form = FormFields(try await request.collectBody(upTo: context.maxUploadSize))
        let person = context.person
        let studentID = try diary.visibleStudent(form["student"] ?? "", person: person)
        let week = try parseDate(form["week"] ?? "", field: "week")
        _ = try await diary.acknowledgeWeek(student: studentID, week: week, person: person)
        return seeOther("/diary?student=\(urlEncoded(studentID))&week=\(week.weekStart.iso)&saved=acknowledged")
    }
}
