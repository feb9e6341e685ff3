import Audit
import EventLog
import Foundation
import Hummingbird
import Records

/// A record's history for whoever reads the whole school (auditor,
/// administration, coordinator): every event that touched a student, a lesson
/// or a teacher — who recorded it, when, what it changed and why — read from
/// the log itself (`HistoryQuery`, as `letopis audit history`), never from a
/// view. Anyone else gets the page of a record that does not exist.
struct HistoryPages {
    let renderer: PageRenderer

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group(context: SignedInContext.self)
            .get("/audit/history", use: history)
    }

    struct HistoryPage {
        struct Change {
            let field: String
            let before: String
            let after: String
        }
        struct Line {
            let sequence: UInt64
            let when: String
            let effective: String
            let who: String
            let type: String
            let what: String
            let changes: [Change]
            let reason: String?
        }
        let heading: String
        let lines: [Line]
        let empty: Bool
        let count: Int
    }

    func history(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let asked: [(String, (String) -> HistoryTarget)] = [("student", HistoryTarget.student), ("lesson", HistoryTarget.lesson),
                                                            ("teacher", HistoryTarget.teacher)]
        let given = try asked.compactMap { name, make in try query(request, name).map { (name, $0, make($0)) } }
        guard given.count == 1, let (kind, id, target) = given.first else {
            throw APIError.invalid("Укажите одну запись: student=<ученик>, lesson=<урок> или teacher=<учитель>.")
        }
        let (readable, name): (Bool, String?) = person.school.recorder.withState { state in
            guard state.mayReadSchool(by: person.viewer) else { return (false, nil) }
            switch kind {
            case "student": return (state.students[id] != nil, state.students[id]?.name.full)
            case "teacher": return (state.staff[id] != nil, state.staff[id]?.name.full)
            default: return (state.lessons[id] != nil, nil)
            }
        }
        guard readable else { throw APIError.hidden("\(person.personID) may not read the history of \(kind) \(id)") }
        let entries = try HistoryQuery(log: person.school.log, target: target).run()
        let names = MarkController.roleNames
        let lines = entries.map { entry in
            HistoryPage.Line(
                sequence: entry.sequence, when: PageDates.moscow(iso: entry.recordedAt), effective: PageDates.day(iso: entry.effectiveDate),
                who: "\(entry.actor.user) (\(names[entry.actor.role] ?? entry.actor.role))", type: entry.type, what: entry.what,
                changes: entry.changes.map { HistoryPage.Change(field: $0.field, before: $0.before.isEmpty ? "—" : $0.before,
                                                                after: $0.after.isEmpty ? "—" : $0.after) },
                reason: entry.reason.isEmpty ? nil : entry.reason)
        }
        let heading = switch kind {
        case "student": "История ученика \(id)" + (name.map { " (\($0))" } ?? "")
        case "teacher": "История сотрудника \(id)" + (name.map { " (\($0))" } ?? "")
        default: "История урока \(id)"
        }
        let page = HistoryPage(heading: heading, lines: lines, empty: lines.isEmpty, count: lines.count)
        return renderer.render("history", title: heading, frame: .person(person), page: page)
    }
}
