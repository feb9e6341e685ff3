import ArgumentParser
import Catalog
import EventLog
import Foundation
import Records
import SchoolService

/// New slips for the demo's sample people, so that whoever looks at the demo
/// can sign in as each kind of user: a teacher, the class teacher of 5А, a
/// parent with two children, a student, the coordinator, the administration
/// and an auditor (hired the first time). Recorded as the coordinator would
/// record them: password resets (logins issued where there was none), dated
/// today; the temporary passwords are good for 30 days, once.
struct DemoSlipsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-slips",
        abstract: "Issue new slips to the demo's sample people (teacher, class teacher, parent, student, …) and print them.",
        discussion: """
            For a store made by `letopis demo`: the coordinator resets the passwords of a sample
            teacher, the class teacher of 5А, a parent with two children, a student of 5А, the
            coordinator, the director and an auditor (hiring the auditor the first time), and the
            slips are printed: login and temporary password, which the first sign-in replaces.
            Temporary passwords are good for 30 days; run this again for new ones.

            Example:
              letopis demo-slips --store ./letopis-store
            """
    )

    @OptionGroup var school: SchoolOptions

    func run() async throws {
        let opened = try school.openSchool()
        defer { opened.close() }
        let slips = try await DemoSlips.issue(in: opened)
        print(DemoSlips.text(slips))
        reportAuditTrail(opened)
    }
}

enum DemoSlips {
    struct Slip {
        var role: String
        var personID: String
        var name: String
        var login: String
        var password: String
        var note: String
    }

    /// Picks the sample people, records their new slips, and returns them.
    static func issue(in school: OpenSchool) async throws -> [Slip] {
        let recorder = try school.recorder()
        try await school.moveLegacyCredentials()
        let today = Timestamp.now().civilDate
        guard let coordinator = recorder.withState({ state in
            state.staff.values.filter { $0.leftOn == nil && $0.roles.contains { $0.role == .coordinator } }.map(\.id).min()
        }) else { throw CommandFailure("the school has no coordinator") }
        let asCoordinator = Actor(userID: coordinator, role: .coordinator)

        // An auditor from the district, hired the first time.
        if recorder.withState({ state in !state.staff.values.contains { $0.roles.contains { $0.role == .auditor } } }) {
            var name = PersonName()
            (name.last, name.first, name.middle) = ("Орлова", "Нина", "Павловна")
            try await refusalsAsFailures {
                try await recorder.execute(HireStaff(name: name, position: "аудитор отдела образования", hiredOn: today,
                                                     roles: [.auditor]), as: asCoordinator)
            }
        }
        let picks = try recorder.withState { try choose(in: $0) }
        var slips: [Slip] = []
        for (role, personID, note) in picks {
            let password = TemporaryPassword.generate()
            let hash = PasswordHasher.standard.hash(password)
            let existing = recorder.withState { state in state.loginByPerson[personID].flatMap { state.logins[$0] } }
            let command: any Command = if let existing, !existing.blocked {
                ResetPassword(login: existing.login, channel: .slip, passwordHash: hash, on: today)
            } else {
                IssueLogin(personID: personID, channel: .slip, passwordHash: hash, on: today)
            }
            try await refusalsAsFailures { try await recorder.execute(command, as: asCoordinator) }
            let (login, name) = recorder.withState { state in
                (state.loginByPerson[personID] ?? "?",
                 state.staff[personID]?.name.full ?? state.guardians[personID]?.name.full ?? state.students[personID]?.name.full ?? personID)
            }
            slips.append(Slip(role: role, personID: personID, name: name, login: login, password: password, note: note))
        }
        return slips
    }

    /// The sample people: (role as people say it, person id, what they can see).
    static func choose(in state: SchoolState) throws -> [(String, String, String)] {
        guard let fifth = state.classes.values.filter({ $0.name == "5А" }).max(by: { $0.year < $1.year }) else {
            throw CommandFailure("the store has no class 5А; is it a store made by letopis demo?")
        }
        let current = { (id: String) in state.staff[id].map { $0.leftOn == nil } ?? false }
        let holding = { (role: Role) in
            state.staff.values.filter { current($0.id) && $0.roles.contains { $0.role == role } }.map(\.id).sorted()
        }
        let consented = { (id: String) in state.consents[id]?.isGiven == true }
        let usable = { (id: String) in
            consented(id) && (state.loginByPerson[id].flatMap { state.logins[$0] }.map { !$0.blocked } ?? true)
        }
        let mathTeacher = state.timetable.values
            .filter { $0.unitID == fifth.id && $0.subjectID == "math" && $0.teacherID != fifth.classTeacherID && current($0.teacherID) }
            .map(\.teacherID).min()
        let teacher = mathTeacher ?? holding(.teacher).first { $0 != fifth.classTeacherID }
        let studentsOf5A = state.students.values.filter { $0.placements.contains { $0.classID == fifth.id } }.map(\.id).sorted()
        let student = studentsOf5A.first { usable($0) }
        let parent = state.guardians.values.sorted { $0.id < $1.id }.first { guardian in
            guardian.children.count == 2 && usable(guardian.id)
                && guardian.children.keys.allSatisfy { consented($0) && state.students[$0]?.placements.isEmpty == false }
                && guardian.children.keys.contains { studentsOf5A.contains($0) }
        }
        let picks: [(String, String?, String)] = [
            ("учитель", teacher, "уроки и журнал своих классов"),
            ("классный руководитель 5А", fifth.classTeacherID, "свой класс: согласия, заявления, логины, сводная ведомость"),
            ("родитель (двое детей)", parent?.id, "дневники своих детей"),
            ("ученик 5А", student, "свой дневник"),
            ("координатор", holding(.coordinator).first, "вся школа: реестры, логины, отчёты"),
            ("администрация", holding(.administration).first, "вся школа: отчёты, закрытие периодов"),
            ("аудитор", holding(.auditor).first, "читает всё, ничего не записывает"),
        ]
        return picks.compactMap { role, id, note in id.map { (role, $0, note) } }
    }

    static func text(_ slips: [Slip]) -> String {
        let width = slips.map(\.role.count).max() ?? 0
        let lines = slips.map { slip in
            "  \(slip.role.padding(toLength: width, withPad: " ", startingAt: 0))  \(slip.login.padding(toLength: 16, withPad: " ", startingAt: 0)) "
                + "\(slip.password)   \(slip.personID) \(slip.name) — \(slip.note)"
        }
        return """
            Войти в журнал (логин, временный пароль; при первом входе задайте свой, временный действует 30 дней):
            \(lines.joined(separator: "\n"))
            """
    }
}
