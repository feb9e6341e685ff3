import Foundation
import HTTPTypes
import Prometheus
@testable import Server
import Testing

/// One page route, asked by every person: the status each must get (a 303
/// for a page that sends them on, as to the sign-in page when signed out).
struct PageRow: Sendable, CustomStringConvertible {
    let method: HTTPRequest.Method
    let route: String
    let variant: String
    let expected: [Who: Int]
    /// Where the 303 of someone not signed in leads (nil: no redirect checked).
    let anonymousGoesTo: String?
    let records: Bool
    /// Whether the allowed cells may run one after another on one server.
    let share: Bool
    /// The path (with its query) and the form's fields, as `who` asks.
    let request: @Sendable (TestServer, Who) -> (path: String, fields: [(String, String)])

    var description: String { "\(method) \(route)" + (variant.isEmpty ? "" : " (\(variant))") }
    var key: String { "\(method.rawValue) \(route)" }
}

/// Every page route, each person.
enum PageTable {
    static func row(_ method: HTTPRequest.Method, _ route: String, _ variant: String = "", expect: [Who: Int],
                    anonymousGoesTo: String? = "/sign-in", records: Bool = false, share: Bool = true,
                    _ request: @escaping @Sendable (TestServer, Who) -> (path: String, fields: [(String, String)])) -> PageRow {
        PageRow(method: method, route: route, variant: variant, expected: expect, anonymousGoesTo: anonymousGoesTo, records: records,
                share: share, request: request)
    }

    static let lessonReaders: [Who] = [.teacher, .classTeacher] + schoolReaders
    /// The teacher's lesson: its teacher and the administration enter it (and are sent back to it); others signed in who see it are refused.
    static let lessonEntry: [Who: Int] = each([.teacher, .administration], 303) + each([.classTeacher, .coordinator, .auditor], 403)
    static let childReaders: [Who] = [.parent, .student, .classTeacher] + schoolReaders

    static let rows: [PageRow] = [
        row(.get, "/", "signed out: the sign-in page; signed in: one's start page", expect: statuses([:], others: 303, anonymous: 303)) { _, _ in
            ("/", [])
        },
        row(.get, "/sign-in", expect: statuses([:], others: 200, anonymous: 200), anonymousGoesTo: nil) { _, _ in ("/sign-in", []) },
        row(.get, "/static/{file}", "the stylesheet", expect: statuses([:], others: 200, anonymous: 200), anonymousGoesTo: nil) { _, _ in
            ("/static/style.css", [])
        },
        row(.get, "/static/{file}", "the journal's script", expect: statuses([:], others: 200, anonymous: 200), anonymousGoesTo: nil) { _, _ in
            ("/static/journal.js", [])
        },
        row(.post, "/sign-in", "each with their own password; no one with an unknown login",
            expect: statuses([:], others: 303, anonymous: 401), anonymousGoesTo: nil, records: true) { t, who in
            guard who != .anonymous else { return ("/sign-in", [("login", "nobody.xx"), ("password", "Летопись-пароль")]) }
            return ("/sign-in", [("login", t.template.login(who)), ("password", t.template.sample(who).password)])
        },
        row(.get, "/password", expect: statuses([:], others: 200, anonymous: 303)) { _, _ in ("/password", []) },
        row(.post, "/password", "each their own", expect: statuses([:], others: 303, anonymous: 303), records: true) { t, who in
            let current = who == .anonymous ? "Летопись-пароль" : t.template.sample(who).password
            return ("/password", [("current", current), ("new", current + "-новый"), ("repeat", current + "-новый")])
        },
        row(.get, "/second-factor", "no code is asked of a finished sign-in", expect: statuses([:], others: 303, anonymous: 303)) { _, _ in
            ("/second-factor", [])
        },
        row(.post, "/second-factor", "no code is asked of a finished sign-in", expect: statuses([:], others: 303, anonymous: 303)) { _, _ in
            ("/second-factor", [("code", "123456")])
        },
        row(.get, "/second-factor/enrolment", expect: statuses([:], others: 200, anonymous: 303)) { _, _ in
            ("/second-factor/enrolment", [])
        },
        row(.post, "/second-factor/enrolment", "staff only", expect: statuses(each(staff, 200), others: 403, anonymous: 303)) { _, _ in
            ("/second-factor/enrolment", [])
        },
        row(.post, "/second-factor/enrolment/confirmation", "without starting one", expect: statuses([:], others: 400, anonymous: 303)) { _, _ in
            ("/second-factor/enrolment/confirmation", [("code", "123456")])
        },
        row(.post, "/sign-out", expect: statuses([:], others: 303, anonymous: 303)) { _, _ in ("/sign-out", []) },
        row(.get, "/sessions", expect: statuses([:], others: 200, anonymous: 303)) { _, _ in ("/sessions", []) },
        row(.post, "/sessions/end", "a session of no one", expect: statuses([:], others: 404, anonymous: 303)) { _, _ in
            ("/sessions/end", [("handle", "ffffffffffffffff")])
        },
        row(.get, "/teacher/day", expect: statuses([:], others: 200, anonymous: 303)) { _, _ in ("/teacher/day", []) },
        row(.get, "/teacher/lesson", "the teacher's Monday lesson", expect: statuses(each(lessonReaders, 200), others: 404, anonymous: 303)) { t, _ in
            ("/teacher/lesson?id=\(esc(t.template.mondayLesson))", [])
        },
        row(.get, "/teacher/lesson", "the substitute's lesson",
            expect: statuses(each(lessonReaders + [.substitute], 200), others: 404, anonymous: 303)) { t, _ in
            ("/teacher/lesson?id=\(esc(t.template.substituteLesson))", [])
        },
        row(.post, "/teacher/lesson/topic", "the teacher's Monday lesson", expect: statuses(lessonEntry, others: 404, anonymous: 303),
            records: true) { t, _ in
            ("/teacher/lesson/topic", [("lesson", t.template.mondayLesson), ("topic", "Древний Египет"), ("reason", "уточнение темы")])
        },
        row(.post, "/teacher/lesson/homework", "the teacher's lesson last week", expect: statuses(lessonEntry, others: 404, anonymous: 303),
            records: true) { t, _ in
            ("/teacher/lesson/homework", [("lesson", t.template.heldLesson), ("text", "§ 5, вопросы 1–3"), ("dueOn", "")])
        },
        row(.post, "/teacher/lesson/attendance", "the substitute's lesson: his roll",
            expect: statuses(each([.substitute, .administration], 303) + each([.teacher, .classTeacher, .coordinator, .auditor], 403),
                             others: 404, anonymous: 303), records: true, share: false) { t, _ in
            ("/teacher/lesson/attendance", [("lesson", t.template.substituteLesson), ("absence-\(t.template.child)", "Н")])
        },
        row(.post, "/teacher/lesson/attendance/correction", "the teacher's lesson last week",
            expect: statuses(lessonEntry, others: 404, anonymous: 303), records: true, share: false) { t, _ in
            ("/teacher/lesson/attendance/correction", [("lesson", t.template.heldLesson), ("student", t.template.child),
                                                       ("code", t.template.heldAbsence == "Б" ? "Н" : "Б"), ("reason", "справка из поликлиники")])
        },
        row(.post, "/teacher/lesson/grade", "in the teacher's lesson last week", expect: statuses(lessonEntry, others: 404, anonymous: 303),
            records: true) { t, _ in
            ("/teacher/lesson/grade", [("lesson", t.template.heldLesson), ("student", t.template.child), ("value", "5"),
                                       ("workType", t.template.workType), ("comment", "")])
        },
        row(.get, "/teacher/journals", "one's own journals, or none", expect: statuses([:], others: 200, anonymous: 303)) { _, _ in
            ("/teacher/journals", [])
        },
        row(.get, "/teacher/journal", "the class's journal of the teacher's subject",
            expect: statuses(each(lessonReaders, 200), others: 404, anonymous: 303)) { t, _ in
            ("/teacher/journal?unit=\(esc(t.template.classID))&subject=\(esc(t.template.subject))", [])
        },
        row(.get, "/teacher/journal/column", "the teacher's lesson last week: its teacher and the administration",
            expect: statuses(each([.teacher, .administration], 200) + each([.classTeacher, .coordinator, .auditor], 403),
                             others: 404, anonymous: 303)) { t, _ in
            ("/teacher/journal/column?lesson=\(esc(t.template.heldLesson))", [])
        },
        row(.post, "/teacher/journal/column", "a mark in the teacher's lesson last week",
            expect: statuses(lessonEntry, others: 404, anonymous: 303), records: true) { t, _ in
            ("/teacher/journal/column", [("lesson", t.template.heldLesson), ("workType", t.template.workType),
                                         ("mark-\(t.template.child)", "4")])
        },
        row(.post, "/teacher/grade/correction", "a mark of the teacher's lesson last week",
            expect: statuses(lessonEntry, others: 404, anonymous: 303), records: true, share: false) { t, _ in
            ("/teacher/grade/correction", [("grade", t.template.heldGrade), ("value", t.template.heldGradeValue == "3" ? "4" : "3"),
                                           ("reason", "ошибка при вводе")])
        },
        row(.post, "/teacher/grade/void", "a mark of the teacher's lesson last week",
            expect: statuses(lessonEntry, others: 404, anonymous: 303), records: true, share: false) { t, _ in
            ("/teacher/grade/void", [("grade", t.template.heldGrade), ("reason", "поставлена не тому ученику")])
        },
        row(.get, "/audit/history", "the child's history: the whole school's readers",
            expect: statuses(each(schoolReaders, 200), others: 404, anonymous: 303)) { t, _ in
            ("/audit/history?student=\(t.template.child)", [])
        },
        row(.get, "/diary", "the child in the class", expect: statuses(each(childReaders, 200), others: 404, anonymous: 303)) { t, _ in
            ("/diary?student=\(t.template.child)&week=2024-09-16", [])
        },
        row(.get, "/diary", "another family's child",
            expect: statuses(each([.otherParent] + schoolReaders, 200), others: 404, anonymous: 303)) { t, _ in
            ("/diary?student=\(t.template.otherChild)&week=2024-09-16", [])
        },
        row(.get, "/diary", "no child named: a parent's own, a student themself",
            expect: statuses(each([.parent, .otherParent, .student], 200), others: 404, anonymous: 303)) { _, _ in
            ("/diary", [])
        },
        row(.get, "/diary/finals", "the child in the class", expect: statuses(each(childReaders, 200), others: 404, anonymous: 303)) { t, _ in
            ("/diary/finals?student=\(t.template.child)", [])
        },
        row(.get, "/diary/mark", "the child's mark in the teacher's lesson: whoever may read the mark",
            expect: statuses(each([.teacher] + childReaders, 200), others: 404, anonymous: 303)) { t, _ in
            ("/diary/mark?grade=\(t.childsGrade())", [])
        },
        row(.post, "/diary/acknowledgement", "the child's week: the parent signs",
            expect: statuses([.parent: 303] + each([.student, .classTeacher] + schoolReaders, 403), others: 404, anonymous: 303),
            records: true) { t, _ in
            ("/diary/acknowledgement", [("student", t.template.child), ("week", Template.monday.adding(days: 2).iso)])
        },
        row(.get, "/class", "the class named: its class teacher and the whole school's readers",
            expect: statuses(each([.classTeacher] + schoolReaders, 200), others: 404, anonymous: 303)) { t, _ in
            ("/class?id=\(esc(t.template.classID))", [])
        },
        row(.get, "/class", "none named: one's own class, or the classes to choose from",
            expect: statuses(each([.classTeacher, .substitute] + schoolReaders, 200), others: 404, anonymous: 303)) { _, _ in
            ("/class", [])
        },
        row(.get, "/class/summary", "the class named", expect: statuses(each([.classTeacher] + schoolReaders, 200), others: 404, anonymous: 303)) { t, _ in
            ("/class/summary?id=\(esc(t.template.classID))", [])
        },
        row(.post, "/class/login", "a classmate without a login, on a slip: the class teacher and the coordinator get its PDF",
            expect: statuses(each([.classTeacher, .coordinator], 200) + each([.administration, .auditor], 403), others: 404, anonymous: 303),
            records: true, share: false) { t, _ in
            ("/class/login", [("class", t.template.classID), ("person", t.template.newcomer), ("channel", "slip")])
        },
        row(.post, "/class/logins", "the class's students at once: refused while some have no consent",
            expect: statuses(each([.classTeacher, .coordinator], 422) + each([.administration, .auditor], 403), others: 404, anonymous: 303),
            records: true, share: false) { t, _ in
            ("/class/logins", [("class", t.template.classID), ("audience", "students")])
        },
    ] + school

    /// The school office's pages: the administration's, coordinators' and auditors' to read; to others a record that does not exist.
    static let officeReaders: [Who: Int] = each(schoolReaders, 200)
    static let school: [PageRow] = [
        row(.get, "/school", expect: statuses(officeReaders, others: 404, anonymous: 303)) { _, _ in ("/school", []) },
        row(.get, "/school/reports/rollout", expect: statuses(officeReaders, others: 404, anonymous: 303)) { _, _ in
            ("/school/reports/rollout?date=2024-09-20", [])
        },
        row(.get, "/school/reports/academic", "the class", expect: statuses(officeReaders, others: 404, anonymous: 303)) { t, _ in
            ("/school/reports/academic?class=\(esc(t.template.classID))", [])
        },
        row(.get, "/school/reports/contingent", expect: statuses(officeReaders, others: 404, anonymous: 303)) { _, _ in
            ("/school/reports/contingent?date=2024-09-20&from=2024-09-01&to=2024-09-22", [])
        },
        row(.get, "/school/reports/activity", "as of a moment", expect: statuses(officeReaders, others: 404, anonymous: 303)) { _, _ in
            ("/school/reports/activity?from=2024-09-16&to=2024-09-22&asOf=2024-09-20T12:00", [])
        },
        row(.get, "/school/anomalies", expect: statuses(officeReaders, others: 404, anonymous: 303)) { _, _ in ("/school/anomalies", []) },
        row(.get, "/school/periods", expect: statuses(officeReaders, others: 404, anonymous: 303)) { _, _ in ("/school/periods", []) },
        row(.post, "/school/periods/close", "the current term: the administration only",
            expect: statuses([.administration: 303, .coordinator: 403, .auditor: 403], others: 404, anonymous: 303), records: true) { t, _ in
            ("/school/periods/close", [("period", t.template.period)])
        },
        row(.post, "/school/periods/reopen", "the current term, open: nothing to reopen",
            expect: statuses([.administration: 422, .coordinator: 403, .auditor: 403], others: 404, anonymous: 303)) { t, _ in
            ("/school/periods/reopen", [("period", t.template.period), ("reason", "исправление итоговых оценок")])
        },
        row(.get, "/school/staff", expect: statuses(officeReaders, others: 404, anonymous: 303)) { _, _ in ("/school/staff", []) },
        row(.get, "/school/students", expect: statuses(officeReaders, others: 404, anonymous: 303)) { t, _ in
            ("/school/students?class=\(esc(t.template.classID))", [])
        },
        row(.get, "/school/import", expect: statuses(officeReaders, others: 404, anonymous: 303)) { _, _ in ("/school/import", []) },
        row(.post, "/school/import", "a form without its file: the auditor may not import",
            expect: statuses([.administration: 400, .coordinator: 400, .auditor: 403], others: 404, anonymous: 303)) { _, _ in
            ("/school/import", [("register", "staff")])
        },
    ]
}

/// The pages' role × route matrix: every page route of the server, asked by
/// every person and by someone not signed in. Each refusal is a page (404
/// exactly like that of a record that does not exist) and leaves the log as
/// it was; each allowed form records; every answer carries the headers.
@Suite struct PagesMatrixTests {
    @Test func theTableCoversEveryPageRoute() async throws {
        let template = try await Template.shared()
        let store = try template.copy()
        defer { store.remove() }
        let configuration = TestServer.configuration(store: store.path)
        let telemetry = Telemetry(registry: PrometheusCollectorRegistry())
        let campus = try await Campus.open(storePath: store.path, clock: configuration.clock, telemetry: telemetry)
        let parts = Parts(configuration: configuration, campus: campus, telemetry: telemetry)
        let api = Set(parts.router().routes.map { "\($0.method.rawValue) \($0.path)" })
        let site = parts.router()
        parts.addPages(to: site)
        let pages = Set(site.routes.map { "\($0.method.rawValue) \($0.path)" }).subtracting(api)
        try await parts.passwords.shutdown()
        campus.close()

        let rows = Set(PageTable.rows.map(\.key))
        #expect(pages.count >= 18, "\(pages.sorted())")
        #expect(pages.subtracting(rows).isEmpty, "page routes without a row: \(pages.subtracting(rows).sorted())")
        #expect(rows.subtracting(pages).isEmpty, "rows of no page route: \(rows.subtracting(pages).sorted())")
        #expect(pages.allSatisfy { !$0.contains(" /api/") }, "\(pages.sorted())")
        for row in PageTable.rows {
            #expect(Set(row.expected.keys) == Set(Who.allCases), "\(row) does not say what everyone gets")
        }
    }

    @Test(arguments: PageTable.rows)
    func everyoneGetsWhatTheTableSays(_ row: PageRow) async throws {
        let allowed = Who.allCases.filter { [200, 303].contains(row.expected[$0]!) && !($0 == .anonymous && row.anonymousGoesTo != nil) }
        let refused = Who.allCases.filter { !allowed.contains($0) }
        try await TestServer.run { server in
            for who in refused { try await Self.ask(row, as: who, on: server) }
            if row.share {
                for who in allowed { try await Self.ask(row, as: who, on: server) }
            }
        }
        if !row.share {
            for who in allowed {
                try await TestServer.run { server in try await Self.ask(row, as: who, on: server) }
            }
        }
    }

    static func ask(_ row: PageRow, as who: Who, on server: TestServer) async throws {
        let expected = row.expected[who]!
        let visitor = server.visitor(who)
        let (path, fields) = row.request(server, who)
        let before = try server.snapshot()
        // The page of a record that does not exist, as this person sees it.
        let missing = try await server.page("/diary?student=S9999", as: visitor)
        let reply: Reply
        if row.method == .get {
            reply = try await server.page(path, as: visitor)
        } else {
            reply = try await server.submit(path, fields, as: visitor)
        }
        let after = try server.snapshot()
        #expect(reply.status.code == expected, "\(row) as \(who): \(reply)")
        expectPageHeaders(reply, "\(row) as \(who)")
        if expected == 404 {
            #expect(reply.body == missing.body, "\(row) as \(who): a 404 unlike that of a record that does not exist")
            #expect(reply.text.contains("Такой записи нет."), "\(row) as \(who)")
        }
        if who == .anonymous, let goesTo = row.anonymousGoesTo {
            #expect(reply.location == goesTo, "\(row) as \(who): sent to \(reply.location ?? "nowhere")")
        }
        // A download (a PDF of login slips) is the answer of a recorded form, too.
        if (reply.status.code == 303 || reply.headers[.contentType] == "application/pdf") && row.records && who != .anonymous {
            #expect(after.count > before.count && Array(after.prefix(before.count)) == before, "\(row) as \(who): nothing recorded")
        } else {
            #expect(after == before, "\(row) as \(who): the log changed (\(before.count) → \(after.count) events)")
        }
    }
}
