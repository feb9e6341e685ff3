import Catalog
import EventLog
import Foundation
import Hummingbird
import Logging
import Printing
import Projections
import Records
import SchoolService

/// A class as its class teacher keeps it: its students and their parents with
/// consents, applications and logins; issuing logins (a temporary password
/// shown once, for the slip or the letter), resets, blocking; the class's
/// summary sheet of finals. A class teacher reaches only the own class.
struct AccessController {
    let passwords: PasswordWork
    let configuration: ServerConfiguration

    func addRoutes(to group: RouterGroup<SignedInContext>) {
        group
            .get("/classes/{class}/people", use: people)
            .get("/classes/{class}/summary", use: summary)
            .post("/logins", use: issue)
            .post("/logins/{login}/reset", use: reset)
            .post("/logins/{login}/block", use: block)
            .post("/logins/{login}/unblock", use: unblock)
            .post("/logins/{login}/second-factor/removal", use: removeSecondFactor)
    }

    struct PeopleAnswer: Encodable {
        struct LoginStatus: Encodable {
            var login: String
            /// `issued`, `activated` or `blocked`.
            var status: String
            var secondFactor: Bool
        }
        struct Line: Encodable {
            var id: String
            var name: String
            /// `given`, `refused`, `withdrawn`, or nil when none is on record.
            var consent: String?
            var login: LoginStatus?
        }
        struct Student: Encodable {
            var student: Line
            var guardians: [Guardian]
        }
        struct Guardian: Encodable {
            var guardian: Line
            var relation: String
            /// A parent application for this child is on record.
            var application: Bool
        }
        var classID: String
        var className: String
        var classTeacher: String
        var students: [Student]
    }

    func people(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let classID = try pathParameter(context, "class")
        guard let answer = peopleAnswer(classID, person: person) else {
            throw APIError.hidden("\(person.personID) may not see the class \(classID)")
        }
        return try json(answer)
    }

    /// The class's people as `person` may see them; nil when they may not (or there is no such class).
    func peopleAnswer(_ classID: String, person: Person) -> PeopleAnswer? {
        let date = today
        return person.school.recorder.withState { state in
            guard state.mayRead(class: classID, by: person.viewer), let schoolClass = state.classes[classID] else { return nil }
            func line(_ id: String, name: String) -> PeopleAnswer.Line {
                let consent: String? = switch state.consents[id] {
                case .given?: "given"
                case .refused?: "refused"
                case .withdrawn?: "withdrawn"
                case nil: nil
                }
                let login = state.loginByPerson[id].flatMap { state.logins[$0] }.map { account in
                    PeopleAnswer.LoginStatus(login: account.login, status: account.blocked ? "blocked" : account.activated ? "activated" : "issued",
                                             secondFactor: account.secondFactor)
                }
                return .init(id: id, name: name, consent: consent, login: login)
            }
            let members = state.members(of: classID, on: date).isEmpty
                ? state.students.values.filter { $0.placements.contains { $0.classID == classID } }.map(\.id).sorted()
                : state.members(of: classID, on: date)
            let students = members.compactMap { id -> PeopleAnswer.Student? in
                guard let student = state.students[id] else { return nil }
                let guardians = student.guardians.sorted().compactMap { gid -> PeopleAnswer.Guardian? in
                    guard let guardian = state.guardians[gid] else { return nil }
                    return .init(guardian: line(gid, name: guardian.name.full), relation: guardian.children[id].map { "\($0)" } ?? "",
                                 application: state.applications.contains(GuardianStudent(guardianID: gid, studentID: id)))
                }
                return .init(student: line(id, name: student.name.full), guardians: guardians)
            }
            return PeopleAnswer(classID: classID, className: schoolClass.name, classTeacher: schoolClass.classTeacherID, students: students)
        }
    }

    func summary(_ request: Request, context: SignedInContext) async throws -> Response {
        let person = context.person
        let classID = try pathParameter(context, "class")
        guard person.school.recorder.withState({ $0.mayRead(class: classID, by: person.viewer) }) else {
            throw APIError.hidden("\(person.personID) may not see the class \(classID)")
        }
        return rawJSON(try await person.school.viewJSON("summary|\(classID)") { try SummarySheet.query($0, class: classID) })
    }

    struct IssueRequest: Decodable {
        var person: String
        /// `slip` (default) or `email`.
        var channel: String?
        /// For e-mail: the address; the register's when omitted.
        var email: String?
    }

    struct IssueAnswer: Encodable {
        var sequences: [UInt64]
        var login: String
        /// Shown once, for the slip or the letter; good once, for 30 days.
        var temporaryPassword: String
        var person: String
        var name: String
    }

    func issue(_ request: Request, context: SignedInContext) async throws -> Response {
        let body = try await decodeBody(IssueRequest.self, request, context)
        let answer = try await issueLogin(body, person: context.person, logger: context.logger)
        return try json(answer, status: .created)
    }

    /// Issues one person's login as `person` (the rules decide), returning the
    /// temporary password once; a person they may not see is 404.
    func issueLogin(_ body: IssueRequest, person: Person, logger: Logger) async throws -> IssueAnswer {
        let (channel, email) = try delivery(body.channel, body.email, of: body.person, person: person)
        try requireVisiblePerson(body.person, person: person)
        let password = TemporaryPassword.generate()
        let hash = try await passwords.hash(password)
        let actor = person.school.recorder.withState { $0.actor(person.personID, preferring: [.coordinator, .classTeacher]) }
        let result = try await person.school.record([IssueLogin(personID: body.person, channel: channel, email: email,
                                                                passwordHash: hash, on: today)], as: actor)
        let (login, name) = person.school.recorder.withState { state in
            (state.loginByPerson[body.person] ?? "", state.students[body.person]?.name.full ?? state.guardians[body.person]?.name.full
                ?? state.staff[body.person]?.name.full ?? body.person)
        }
        logger.notice("login issued", metadata: ["login": "\(login)", "by": "\(person.personID)"])
        return IssueAnswer(sequences: result.sequences, login: login, temporaryPassword: password, person: body.person, name: name)
    }

    /// Every missing login of a class at once (`ClassLogins`), as `person`;
    /// a class they may not see is 404. The slips carry the passwords; the
    /// log and the server's log lines never do.
    func issueClass(_ classID: String, audience: LoginAudience, onlyWithConsent: Bool = false, person: Person, signInAt: String,
                    logger: Logger) async throws -> (outcome: ClassLogins.Outcome, slips: [LoginSlip]) {
        guard person.school.recorder.withState({ $0.mayRead(class: classID, by: person.viewer) }) else {
            throw APIError.hidden("\(person.personID) may not see the class \(classID)")
        }
        let actor = person.school.recorder.withState { $0.actor(person.personID, preferring: [.coordinator, .classTeacher]) }
        let date = today
        let passwords = passwords
        let outcome = try await ClassLogins.issue(recorder: person.school.recorder, classID: classID, audience: audience,
                                                  onlyWithConsent: onlyWithConsent, as: actor,
                                                  on: date, hash: { try await passwords.hash($0) },
                                                  record: { try await person.school.record($0) })
        let slips = person.school.recorder.withState { state in
            LoginSlips.slips(state, of: outcome, by: person.personID, on: date, signInAt: signInAt)
        }
        logger.notice("class logins issued", metadata: ["class": "\(classID)", "count": "\(outcome.issued.count)",
                                                       "by": "\(person.personID)"])
        return (outcome, slips)
    }

    struct ResetRequest: Decodable {
        var channel: String?
        var email: String?
    }

    func reset(_ request: Request, context: SignedInContext) async throws -> Response {
        let body = try await decodeBody(ResetRequest.self, request, context)
        let person = context.person
        let (login, owner) = try visibleLogin(context)
        let (channel, email) = try delivery(body.channel, body.email, of: owner, person: person)
        let password = TemporaryPassword.generate()
        let hash = try await passwords.hash(password)
        let actor = person.school.recorder.withState { $0.actor(person.personID, preferring: [.coordinator, .classTeacher]) }
        let result = try await person.school.record([ResetPassword(login: login, channel: channel, email: email, passwordHash: hash,
                                                                   on: today)], as: actor)
        let name = person.school.recorder.withState { state in
            state.students[owner]?.name.full ?? state.guardians[owner]?.name.full ?? state.staff[owner]?.name.full ?? owner
        }
        return try json(IssueAnswer(sequences: result.sequences, login: login, temporaryPassword: password, person: owner, name: name),
                        status: .created)
    }

    func block(_ request: Request, context: SignedInContext) async throws -> Response {
        try await changeAccess(request, context: context, block: true)
    }

    func unblock(_ request: Request, context: SignedInContext) async throws -> Response {
        try await changeAccess(request, context: context, block: false)
    }

    struct ReasonRequest: Decodable {
        var reason: String
    }

    private func changeAccess(_ request: Request, context: SignedInContext, block: Bool) async throws -> Response {
        let body = try await decodeBody(ReasonRequest.self, request, context)
        let person = context.person
        let (login, _) = try visibleLogin(context)
        let actor = person.school.recorder.withState { $0.actor(person.personID, preferring: [.coordinator, .administration]) }
        let result = try await person.school.record([ChangeLoginAccess(login: login, block: block, reason: body.reason, on: today)],
                                                    as: actor)
        return try json(Recorded(sequences: result.sequences), status: .created)
    }

    func removeSecondFactor(_ request: Request, context: SignedInContext) async throws -> Response {
        let body = try await decodeBody(ReasonRequest.self, request, context)
        let person = context.person
        let (login, _) = try visibleLogin(context)
        let actor = person.school.recorder.withState { $0.actor(person.personID, preferring: [.coordinator]) }
        let result = try await person.school.record([RemoveSecondFactor(login: login, reason: body.reason, on: today)], as: actor)
        return try json(Recorded(sequences: result.sequences), status: .created)
    }

    // MARK: Helpers

    /// A person of the school the signed-in person may see: in a class they
    /// keep, or anyone for the whole school's readers; else 404.
    private func requireVisiblePerson(_ id: String, person: Person) throws {
        let visible = person.school.recorder.withState { state in
            if person.viewer.readsWholeSchool { return state.students[id] != nil || state.guardians[id] != nil || state.staff[id] != nil }
            let classes = state.currentClasses(of: id)
            return !classes.isEmpty && classes.contains { state.mayRead(class: $0, by: person.viewer) }
        }
        guard visible else { throw APIError.hidden("\(person.personID) may not see the person \(id)") }
    }

    private func visibleLogin(_ context: SignedInContext) throws -> (login: String, owner: String) {
        let login = try pathParameter(context, "login")
        let person = context.person
        guard let owner = person.school.recorder.withState({ $0.logins[login]?.personID }) else {
            throw APIError.hidden("\(person.personID) asked for an unknown login")
        }
        try requireVisiblePerson(owner, person: person)
        return (login, owner)
    }

    private func delivery(_ channel: String?, _ email: String?, of personID: String, person: Person) throws -> (LoginChannel, String) {
        switch channel ?? "slip" {
        case "slip":
            return (.slip, "")
        case "email":
            let onRecord = person.school.recorder.withState { $0.guardians[personID]?.email ?? $0.staff[personID]?.email ?? "" }
            return (.email, email ?? onRecord)
        default:
            throw APIError.invalid("«channel»: slip или email.")
        }
    }

    private var today: CivilDate { ServerClock.moscowDay(of: configuration.clock()) }
}
