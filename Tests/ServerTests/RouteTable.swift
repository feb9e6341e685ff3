import Foundation
import HTTPTypes
import HummingbirdOTP
import Testing

/// One request of the role × route matrix: a route (as the router names it),
/// how it is asked for each person, and the status each person must get.
struct RouteRow: Sendable, CustomStringConvertible {
    let method: HTTPRequest.Method
    /// The router's path, `/api/v1/grades/{grade}/correction`.
    let route: String
    /// What is asked, when a route has several rows.
    let variant: String
    let expected: [Who: Int]
    /// An allowed write appends events (a read, or a write kept in the session only, does not).
    let records: Bool
    /// Whether the allowed cells may run one after another on one server; else each gets a fresh one.
    let allowedShareServer: Bool
    /// Run once on each server of the row, before its cells.
    let setup: (@Sendable (TestServer) async throws -> Void)?
    /// The path (with its query) and body, as `who` asks.
    let request: @Sendable (TestServer, Who) async throws -> (path: String, body: Data?)

    var description: String { "\(method) \(route)" + (variant.isEmpty ? "" : " (\(variant))") }
    var key: String { "\(method.rawValue) \(route)" }
}

/// The expected statuses: `others` for everyone signed in unless named, 401 for someone not signed in.
func statuses(_ named: [Who: Int], others: Int, anonymous: Int = 401) -> [Who: Int] {
    var all: [Who: Int] = [.anonymous: anonymous]
    for who in Who.people { all[who] = named[who] ?? others }
    return all
}

/// `[.a, .b] → status`, for `statuses`.
func each(_ people: [Who], _ status: Int) -> [Who: Int] {
    Dictionary(uniqueKeysWithValues: people.map { ($0, status) })
}

extension [Who: Int] {
    static func + (a: Self, b: Self) -> Self { a.merging(b) { $1 } }
}

/// Percent-encodes a path segment or query value (class ids are Cyrillic: `2024-5А`).
func esc(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
}

let staff: [Who] = [.teacher, .otherTeacher, .substitute, .classTeacher, .administration, .coordinator, .auditor]
let families: [Who] = [.parent, .otherParent, .student]
let schoolReaders: [Who] = [.administration, .coordinator, .auditor]

/// Every route of the server, each person: THE table.
enum RouteTable {
    static func row(_ method: HTTPRequest.Method, _ route: String, _ variant: String = "", expect: [Who: Int], records: Bool = false,
                    share: Bool = true, setup: (@Sendable (TestServer) async throws -> Void)? = nil,
                    _ request: @escaping @Sendable (TestServer, Who) async throws -> (path: String, body: Data?)) -> RouteRow {
        RouteRow(method: method, route: route, variant: variant, expected: expect, records: records, allowedShareServer: share,
                 setup: setup, request: request)
    }

    static func json(_ object: [String: any Sendable]) -> Data { TestServer.encode(object) }

    static let rows: [RouteRow] = operations + signIn + journal + diary + access + school

    // MARK: /health, /metrics

    static let operations: [RouteRow] = [
        row(.get, "/health", expect: statuses([:], others: 200, anonymous: 200)) { _, _ in ("/health", nil) },
        row(.get, "/metrics", expect: statuses(each([.administration, .coordinator], 200), others: 404)) { _, _ in ("/metrics", nil) },
    ]

    // MARK: Signing in, sessions, the second factor

    static let signIn: [RouteRow] = [
        row(.post, "/api/v1/sign-in", "each with their own password; no one with an unknown login", expect: statuses([:], others: 200),
            records: true) { t, who in
            guard who != .anonymous else { return ("/api/v1/sign-in", json(["login": "nobody.xx", "password": "Летопись-пароль"])) }
            return ("/api/v1/sign-in", json(["login": t.template.login(who), "password": t.template.sample(who).password]))
        },
        row(.post, "/api/v1/sign-in/second-factor", "no second factor is asked of a finished sign-in", expect: statuses([:], others: 403)) { _, _ in
            ("/api/v1/sign-in/second-factor", json(["code": "123456"]))
        },
        row(.post, "/api/v1/password", "each their own", expect: statuses([:], others: 201), records: true) { t, who in
            let current = who == .anonymous ? "Летопись-пароль" : t.template.sample(who).password
            return ("/api/v1/password", json(["currentPassword": current, "newPassword": current + "-новый"]))
        },
        row(.post, "/api/v1/sign-out", expect: statuses([:], others: 204)) { _, _ in ("/api/v1/sign-out", nil) },
        row(.get, "/api/v1/me", expect: statuses([:], others: 200)) { _, _ in ("/api/v1/me", nil) },
        row(.post, "/api/v1/second-factor/enrolment", "staff only", expect: statuses(each(staff, 200), others: 403)) { _, _ in
            ("/api/v1/second-factor/enrolment", nil)
        },
        row(.post, "/api/v1/second-factor/enrolment/confirmation", "after starting one, where one may",
            expect: statuses(each(staff, 201), others: 400), records: true) { t, who in
            var code = "000000"
            if staff.contains(who) {
                let started = try await t.send(.post, "/api/v1/second-factor/enrolment", as: t.visitor(who))
                code = Authenticator(base32: started.json["secret"] as? String ?? "").code()
            }
            return ("/api/v1/second-factor/enrolment/confirmation", json(["code": code]))
        },
        row(.get, "/api/v1/sessions", expect: statuses([:], others: 200)) { _, _ in ("/api/v1/sessions", nil) },
        row(.delete, "/api/v1/sessions/{handle}", "the teacher's session: only the teacher may end it",
            expect: statuses([.teacher: 204], others: 404)) { t, _ in
            let list = try await t.get("/api/v1/sessions", as: t.visitor(.teacher))
            let sessions = list.json["sessions"] as? [[String: Any]] ?? []
            let handle = sessions.first { $0["current"] as? Bool == true }?["handle"] as? String ?? "none"
            return ("/api/v1/sessions/\(handle)", nil)
        },
        row(.post, "/api/v1/second-factor/removal", "no one has one to remove", expect: statuses([:], others: 422)) { t, who in
            ("/api/v1/second-factor/removal", json(["password": who == .anonymous ? "x" : t.template.sample(who).password]))
        },
    ]

    // MARK: The teacher's day and the journal

    static let lessonReaders: [Who] = [.teacher, .classTeacher] + schoolReaders
    /// Who may see the teacher's lesson, and who may enter it: its teacher and the administration.
    static let lessonEntry: [Who: Int] = each([.teacher, .administration], 201) + each([.classTeacher, .coordinator, .auditor], 403)

    static let journal: [RouteRow] = [
        row(.get, "/api/v1/day", expect: statuses([:], others: 200)) { _, _ in ("/api/v1/day", nil) },
        row(.get, "/api/v1/lesson", "the teacher's Monday lesson", expect: statuses(each(lessonReaders, 200), others: 404)) { t, _ in
            ("/api/v1/lesson?id=\(esc(t.template.mondayLesson))", nil)
        },
        row(.get, "/api/v1/lesson", "the substitute's lesson", expect: statuses(each(lessonReaders + [.substitute], 200), others: 404)) { t, _ in
            ("/api/v1/lesson?id=\(esc(t.template.substituteLesson))", nil)
        },
        row(.get, "/api/v1/journal", "the class, the teacher's subject (not the substitute's to read)",
            expect: statuses(each(lessonReaders, 200), others: 404)) { t, _ in
            ("/api/v1/journal?unit=\(esc(t.template.classID))&subject=\(t.template.subject)&period=\(t.template.period)", nil)
        },
        row(.get, "/api/v1/journal", "another class: not the class teacher's", expect: statuses(each([.teacher] + schoolReaders, 200), others: 404)) { t, _ in
            ("/api/v1/journal?unit=\(esc(t.template.otherClassID))&subject=\(t.template.subject)&period=\(t.template.period)", nil)
        },
        row(.post, "/api/v1/lessons", "the teacher's Monday lesson, as one's own",
            expect: statuses([.teacher: 201, .coordinator: 403, .auditor: 403] + each(families, 403), others: 422), records: true) { t, _ in
            ("/api/v1/lessons", json(["unit": t.template.classID, "date": Template.monday.iso, "slot": t.template.mondaySlot,
                                      "subject": t.template.subject, "topic": "Древний Египет"]))
        },
        row(.post, "/api/v1/lesson/topic", "the teacher's Monday lesson", expect: statuses(lessonEntry, others: 404), records: true) { t, _ in
            ("/api/v1/lesson/topic", json(["lesson": t.template.mondayLesson, "topic": "Древний Египет", "reason": "уточнение темы"]))
        },
        row(.post, "/api/v1/lesson/homework", "the teacher's lesson last week", expect: statuses(lessonEntry, others: 404), records: true) { t, _ in
            ("/api/v1/lesson/homework", json(["lesson": t.template.heldLesson, "text": "§ 5, вопросы 1–3"]))
        },
        row(.post, "/api/v1/lesson/attendance", "the substitute's lesson: his roll",
            expect: statuses(each([.substitute, .administration], 201) + each([.teacher, .classTeacher, .coordinator, .auditor], 403),
                             others: 404), records: true, share: false) { t, _ in
            ("/api/v1/lesson/attendance", json(["lesson": t.template.substituteLesson, "absences": [t.template.child: "Н"]]))
        },
        row(.post, "/api/v1/lesson/attendance/correction", "the teacher's lesson last week", expect: statuses(lessonEntry, others: 404),
            records: true, share: false) { t, _ in
            ("/api/v1/lesson/attendance/correction", json(["lesson": t.template.heldLesson, "student": t.template.child,
                                                           "code": t.template.heldAbsence == "Б" ? "Н" : "Б",
                                                           "reason": "справка из поликлиники"]))
        },
        row(.post, "/api/v1/lesson/void", "the teacher's lesson last week", expect: statuses(lessonEntry, others: 404), records: true,
            share: false) { t, _ in
            ("/api/v1/lesson/void", json(["lesson": t.template.heldLesson, "reason": "урок записан не в тот день"]))
        },
        row(.post, "/api/v1/grades", "in the teacher's lesson last week", expect: statuses(lessonEntry, others: 404), records: true) { t, _ in
            ("/api/v1/grades", json(["lesson": t.template.heldLesson, "student": t.template.child, "value": "5",
                                     "workType": t.template.workType]))
        },
        row(.post, "/api/v1/grades", "in the substitute's lesson: his marks",
            expect: statuses(each([.substitute, .administration], 201) + each([.teacher, .classTeacher, .coordinator, .auditor], 403),
                             others: 404), records: true) { t, _ in
            ("/api/v1/grades", json(["lesson": t.template.substituteLesson, "student": t.template.child, "value": "4",
                                     "workType": t.template.workType]))
        },
        row(.post, "/api/v1/grades/{grade}/correction", "a grade of the teacher's lesson", expect: statuses(lessonEntry, others: 404),
            records: true, share: false) { t, _ in
            ("/api/v1/grades/\(t.template.heldGrade)/correction", json(["value": t.template.heldGradeValue == "2" ? "3" : "2",
                                                                        "reason": "ошибка при вводе"]))
        },
        row(.post, "/api/v1/grades/{grade}/void", "a grade of the teacher's lesson", expect: statuses(lessonEntry, others: 404),
            records: true, share: false) { t, _ in
            ("/api/v1/grades/\(t.template.heldGrade)/void", json(["reason": "оценка поставлена не тому ученику"]))
        },
        row(.post, "/api/v1/finals", "the child's final in the teacher's subject: the parent and the child see the marks, set none",
            expect: statuses([.teacher: 201, .administration: 201] + each([.classTeacher, .coordinator, .auditor, .parent, .student], 403),
                             others: 404), records: true, share: false) { t, _ in
            ("/api/v1/finals", json(["student": t.template.child, "subject": t.template.subject, "period": t.template.period, "value": "5"]))
        },
    ]

    // MARK: The diary

    static let childReaders: [Who] = [.parent, .student, .classTeacher] + schoolReaders
    static let diary: [RouteRow] = [
        row(.get, "/api/v1/children", expect: statuses([:], others: 200)) { _, _ in ("/api/v1/children", nil) },
        row(.get, "/api/v1/students/{student}/diary", "the child in the class", expect: statuses(each(childReaders, 200), others: 404)) { t, _ in
            ("/api/v1/students/\(t.template.child)/diary?week=2024-09-16", nil)
        },
        row(.get, "/api/v1/students/{student}/diary", "another family's child",
            expect: statuses(each([.otherParent] + schoolReaders, 200), others: 404)) { t, _ in
            ("/api/v1/students/\(t.template.otherChild)/diary?week=2024-09-16", nil)
        },
        row(.post, "/api/v1/students/{student}/diary/acknowledgement", "the child's week: the parent signs",
            expect: statuses([.parent: 201] + each([.student, .classTeacher] + schoolReaders, 403), others: 404), records: true) { t, _ in
            ("/api/v1/students/\(t.template.child)/diary/acknowledgement", json(["week": Template.monday.adding(days: 2).iso]))
        },
        row(.get, "/api/v1/students/{student}/finals", "the child in the class", expect: statuses(each(childReaders, 200), others: 404)) { t, _ in
            ("/api/v1/students/\(t.template.child)/finals", nil)
        },
        row(.get, "/api/v1/grades/{grade}/history", "the child's mark in the teacher's lesson: whoever may read the mark",
            expect: statuses(each([.teacher] + childReaders, 200), others: 404)) { t, _ in
            ("/api/v1/grades/\(t.childsGrade())/history", nil)
        },
        row(.get, "/api/v1/grades/{grade}/receipt", "the child's mark in the teacher's lesson: whoever may read the mark",
            expect: statuses(each([.teacher] + childReaders, 200), others: 404)) { t, _ in
            ("/api/v1/grades/\(t.childsGrade())/receipt", nil)
        },
    ]

    // MARK: The class teacher's class, logins

    static let classReaders: [Who] = [.classTeacher] + schoolReaders
    /// Logins of a person in the class: the coordinator, and the class teacher within the class.
    static let loginIssuers: [Who: Int] = each([.coordinator, .classTeacher], 201) + each([.administration, .auditor], 403)
    /// Blocking: the coordinator and the administration.
    static let blockers: [Who: Int] = each([.coordinator, .administration], 201) + each([.classTeacher, .auditor], 403)

    static let access: [RouteRow] = [
        row(.get, "/api/v1/classes/{class}/people", "the class", expect: statuses(each(classReaders, 200), others: 404)) { t, _ in
            ("/api/v1/classes/\(esc(t.template.classID))/people", nil)
        },
        row(.get, "/api/v1/classes/{class}/people", "another class", expect: statuses(each(schoolReaders, 200), others: 404)) { t, _ in
            ("/api/v1/classes/\(esc(t.template.otherClassID))/people", nil)
        },
        row(.get, "/api/v1/classes/{class}/summary", "the class", expect: statuses(each(classReaders, 200), others: 404)) { t, _ in
            ("/api/v1/classes/\(esc(t.template.classID))/summary", nil)
        },
        row(.post, "/api/v1/logins", "for a student of the class", expect: statuses(loginIssuers, others: 404), records: true, share: false) { t, _ in
            ("/api/v1/logins", json(["person": t.template.newcomer]))
        },
        row(.post, "/api/v1/logins/{login}/reset", "a classmate's login", expect: statuses(loginIssuers, others: 404), records: true) { t, _ in
            ("/api/v1/logins/\(t.template.classmateLogin)/reset", json([:]))
        },
        row(.post, "/api/v1/logins/{login}/block", "a classmate's login", expect: statuses(blockers, others: 404), records: true, share: false) { t, _ in
            ("/api/v1/logins/\(t.template.classmateLogin)/block", json(["reason": "утерян листок с паролем"]))
        },
        row(.post, "/api/v1/logins/{login}/unblock", "a classmate's login, blocked", expect: statuses(blockers, others: 404), records: true,
            share: false, setup: { t in
                let blocked = try await t.post("/api/v1/logins/\(t.template.classmateLogin)/block", ["reason": "утерян листок"],
                                               as: t.visitor(.coordinator))
                guard blocked.status == .created else { throw PickFailure("could not block: \(blocked)") }
            }) { t, _ in
            ("/api/v1/logins/\(t.template.classmateLogin)/unblock", json(["reason": "выдан новый листок"]))
        },
        row(.post, "/api/v1/logins/{login}/second-factor/removal", "the teacher's (a lost phone): the coordinator",
            expect: statuses([.coordinator: 201] + each([.administration, .auditor], 403), others: 404), records: true,
            setup: { t in try await t.enrolSecondFactor(.teacher) }) { t, _ in
            ("/api/v1/logins/\(t.template.login(.teacher))/second-factor/removal", json(["reason": "утерян телефон"]))
        },
    ]

    // MARK: The school's reports, periods, the second-factor policy

    static let school: [RouteRow] = [
        row(.get, "/api/v1/reports/rollout", expect: statuses(each(schoolReaders, 200), others: 404)) { _, _ in ("/api/v1/reports/rollout", nil) },
        row(.get, "/api/v1/reports/academic", "the class", expect: statuses(each(classReaders, 200), others: 404)) { t, _ in
            ("/api/v1/reports/academic?class=\(esc(t.template.classID))", nil)
        },
        row(.get, "/api/v1/reports/contingent", expect: statuses(each(schoolReaders, 200), others: 404)) { _, _ in
            ("/api/v1/reports/contingent", nil)
        },
        row(.get, "/api/v1/reports/activity", expect: statuses(each(schoolReaders, 200), others: 404)) { _, _ in ("/api/v1/reports/activity", nil) },
        row(.post, "/api/v1/periods/{period}/close", "the current term: the administration only",
            expect: statuses([.administration: 201, .coordinator: 403, .auditor: 403], others: 404), records: true) { t, _ in
            ("/api/v1/periods/\(t.template.period)/close", json([:]))
        },
        row(.post, "/api/v1/periods/{period}/reopen", "the current term, closed", expect: statuses([.administration: 201, .coordinator: 403,
                                                                                                    .auditor: 403], others: 404),
            records: true, setup: { t in
                let closed = try await t.post("/api/v1/periods/\(t.template.period)/close", [:], as: t.visitor(.administration))
                guard closed.status == .created else { throw PickFailure("could not close: \(closed)") }
            }) { t, _ in
            ("/api/v1/periods/\(t.template.period)/reopen", json(["reason": "исправление итоговых оценок"]))
        },
        row(.post, "/api/v1/second-factor/policy", "for the administration", expect: statuses([.administration: 201, .coordinator: 201,
                                                                                                .auditor: 403], others: 404),
            records: true, share: false) { _, _ in
            ("/api/v1/second-factor/policy", json(["roles": ["administration"]]))
        },
    ]
}

/// An authenticator app holding the key the enrolment gave (in base32, as in the otpauth URL).
struct Authenticator: Sendable {
    let secret: String

    init(base32: String) {
        secret = String(decoding: Self.decode(base32), as: UTF8.self)
    }

    /// The code for `date` (now, by default), as the phone shows it.
    func code(at date: Date = Date()) -> String {
        String(format: "%06d", TOTP(secret: secret).compute(date: date))
    }

    static func decode(_ text: String) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0, value = 0
        var out: [UInt8] = []
        for char in text.uppercased() where char != "=" {
            guard let index = alphabet.firstIndex(of: char) else { continue }
            value = (value << 5) | index
            bits += 5
            if bits >= 8 {
                out.append(UInt8((value >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return out
    }
}
