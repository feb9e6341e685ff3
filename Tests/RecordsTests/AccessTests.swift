import Catalog
import EventLog
import Foundation
@testable import Records
import Testing

/// Credentials outside the log, the password policy, second factors, the
/// auditor, and who may read what.
@Suite struct AccessTests {
    typealias F = SchoolFixture
    func d(_ iso: String) -> CivilDate { F.date(iso) }
    let hasher = PasswordHasher(rounds: 10)

    /// Issues P0001 a login (consent first) and returns its name.
    func parentLogin(_ f: F, password: String = "временный1") async throws -> String {
        try await f.run(RecordConsent(personID: "P0001", documentRef: "С-1", on: d("2024-09-03")), as: F.coordinator)
        try await f.run(RecordConsent(personID: "S0001", byGuardianID: "P0001", documentRef: "С-2", on: d("2024-09-03")),
                        as: F.coordinator)
        try await f.run(IssueLogin(personID: "P0001", channel: .slip, passwordHash: hasher.hash(password), on: d("2024-09-05")),
                        as: F.coordinator, at: F.at("2024-09-05"))
        return f.recorder.state.loginByPerson["P0001"]!
    }

    @Test func theLogSaysAPasswordWasSetTheTableHoldsWhatItIs() async throws {
        let f = try await F()
        defer { f.cleanup() }
        let login = try await parentLogin(f)
        let table = try CredentialTable(log: f.log)
        guard let issued = try table.password(of: login, in: f.log) else { throw FixtureFailure("no credential") }
        #expect(issued.temporary)
        #expect(try table.check(login: login, password: "временный1", in: f.log, at: F.at("2024-09-06")) == .matches(issued))
        #expect(try table.check(login: login, password: "временный2", in: f.log, at: F.at("2024-09-06")) == .wrong)
        #expect(try table.check(login: "nobody", password: "временный1", in: f.log, at: F.at("2024-09-06")) == .wrong)
        // Good for 30 days.
        #expect(try table.check(login: login, password: "временный1", in: f.log, at: F.at("2024-10-06")) == .expired)

        let parent = Actor(userID: "P0001", role: .parent)
        let own = hasher.hash("собственный пароль")
        try await f.recorder.execute([
            Submission(UseLogin(login: login, step: .activate, on: d("2024-09-06")), as: parent),
            Submission(UseLogin(login: login, step: .changePassword(hash: own), on: d("2024-09-06")), as: parent),
        ])
        let changed = try table.password(of: login, in: f.log)
        #expect(changed?.hash == own && changed?.temporary == false)

        // No event carries a hash, a salt or the password.
        let secrets = [issued.hash, own] + [issued.hash, own].map { String($0.split(separator: "$")[2]) } + ["временный1", "pbkdf2"]
        for event in try f.log.events(from: 1) {
            let payload = String(decoding: event.payload, as: UTF8.self)
            for secret in secrets { #expect(!payload.contains(secret), "event #\(event.sequence) carries \(secret)") }
        }
        #expect(try f.log.stream(Streams.login(login)).map(\.type) == ["LoginIssued", "LoginActivated", "PasswordChanged"])
    }

    @Test func aStoreMadeBeforeKeepsItsHashesInTheTableOnceMoved() async throws {
        let f = try await F()
        defer { f.cleanup() }
        try await f.run(RecordConsent(personID: "P0001", documentRef: "С-1", on: d("2024-09-03")), as: F.coordinator)
        // An event as such a store holds it: the hash in the payload.
        let old = hasher.hash("старый пароль")
        var issued = LoginIssued()
        issued.login = "andreyeva.r"
        issued.personID = "P0001"
        issued.personKind = .guardian
        issued.role = .parent
        issued.issuedBy = "T0001"
        issued.channel = .slip
        issued.passwordHash = old
        issued.mustChangePassword = true
        try await f.log.append([issued.proposed(id: UUID.timeOrdered(), effectiveDate: d("2024-09-05"), actor: F.coordinator,
                                                recordedAt: F.at("2024-09-05"))])
        try f.recorder.catchUp()
        let table = try CredentialTable(log: f.log)
        #expect(try table.password(of: "andreyeva.r", in: f.log) == nil)
        #expect(try await table.moveLegacyHashes(of: f.recorder.state.logins.keys, in: f.log) == 1)
        #expect(try table.password(of: "andreyeva.r", in: f.log)?.hash == old)
        // Once per store.
        #expect(try await table.moveLegacyHashes(of: f.recorder.state.logins.keys, in: f.log) == 0)
    }

    @Test func passwordsFollowThePolicy() throws {
        #expect(throws: RuleViolation.self) { try PasswordPolicy.check("коротко", login: "x") }
        #expect(throws: RuleViolation.self) { try PasswordPolicy.check(String(repeating: "я", count: 65), login: "x") }
        #expect(throws: RuleViolation.self) { try PasswordPolicy.check("Password1", login: "x") }
        #expect(throws: RuleViolation.self) { try PasswordPolicy.check("qwertyuiop", login: "x") }
        #expect(throws: RuleViolation.self) { try PasswordPolicy.check("ivanova.ms", login: "ivanova.ms") }
        try PasswordPolicy.check("синий трактор едет", login: "x")
        try PasswordPolicy.check(String(repeating: "я", count: 64), login: "x")
        do {
            try PasswordPolicy.check("12345678", login: "x")
        } catch {
            #expect(error.rule == .passwordPolicy)
            #expect(error.detail.contains("распространён"))
        }
    }

    @Test func staffEnrolASecondFactorTheSchoolMayRequire() async throws {
        let f = try await F()
        defer { f.cleanup() }
        try await f.run(IssueLogin(personID: "T0003", channel: .slip, passwordHash: hasher.hash("x"), on: d("2024-09-02")),
                        as: F.coordinator)
        let login = f.recorder.state.loginByPerson["T0003"]!
        try await f.run(UseLogin(login: login, step: .activate, on: d("2024-09-02")), as: F.math)
        try await f.run(RequireSecondFactor(roles: [.teacher], on: d("2024-09-02")), as: F.director)
        _ = try await f.expectRefusal(.invalidInput, RequireSecondFactor(roles: [.parent], on: d("2024-09-02")), as: F.director)
        _ = try await f.expectRefusal(.roleRequired, RequireSecondFactor(roles: [], on: d("2024-09-02")), as: F.math)
        _ = try await f.expectRefusal(.secondFactorRequired, UseLogin(login: login, step: .signIn(.none), on: d("2024-09-02")),
                                      as: F.math)
        let codes = ["a", "b"].map { hasher.hash($0) }
        _ = try await f.expectRefusal(.roleRequired, EnrolSecondFactor(login: login, secret: String(repeating: "K", count: 32),
                                      recoveryCodeHashes: codes, on: d("2024-09-02")), as: F.coordinator)
        try await f.run(EnrolSecondFactor(login: login, secret: String(repeating: "K", count: 32), recoveryCodeHashes: codes,
                                          on: d("2024-09-02")), as: F.math)
        let table = try CredentialTable(log: f.log)
        #expect(try table.secondFactor(of: login, in: f.log)?.recoveryCodeHashes == codes)
        try await f.run(UseLogin(login: login, step: .signIn(.totp), on: d("2024-09-02")), as: F.math)
        // The coordinator removes it (a lost phone) only with a reason; the secret leaves the table.
        _ = try await f.expectRefusal(.reasonRequired, RemoveSecondFactor(login: login, reason: " ", on: d("2024-09-03")),
                                      as: F.coordinator)
        try await f.run(RemoveSecondFactor(login: login, reason: "утерян телефон, заявление", on: d("2024-09-03")), as: F.coordinator)
        #expect(try table.secondFactor(of: login, in: f.log) == nil)
        for event in try f.log.events(from: 1) {
            #expect(!String(decoding: event.payload, as: UTF8.self).contains("KKKKKKKK"))
        }
    }

    @Test func anAuditorReadsEverythingAndWritesNothing() async throws {
        let f = try await F()
        defer { f.cleanup() }
        try await f.run(HireStaff(name: F.name("Орлова", "Нина", "Павловна"), position: "аудитор", hiredOn: d("2024-09-01"),
                                  roles: [.auditor]), as: F.coordinator)
        let auditor = Actor(userID: "T0006", role: .auditor)
        let state = f.recorder.state
        let viewer = try #require(state.viewer("T0006", on: d("2024-09-02")))
        #expect(viewer.readsWholeSchool)
        #expect(state.mayRead(student: "S0004", by: viewer) && state.mayRead(journalOf: "2024-5Б", subject: "rus", by: viewer))
        _ = try await f.expectRefusal(.roleRequired, HoldLesson(unitID: "2024-5А", date: d("2024-09-02"), slot: 1, subjectID: "math",
                                      teacherID: "T0006", substitute: true, topic: "x"), as: auditor)
        _ = try await f.expectRefusal(.roleRequired, RecordConsent(personID: "P0002", documentRef: "С-9", on: d("2024-09-03")),
                                      as: auditor)
        _ = try await f.expectRefusal(.roleRequired, ChangePeriodState(periodID: "2024-T1", close: true, on: d("2024-10-26")),
                                      as: auditor)
    }

    @Test func eachPersonReadsOnlyWhatTheirRolesReach() async throws {
        let f = try await F()
        defer { f.cleanup() }
        _ = try await parentLogin(f)
        // T0004 substitutes T0003's math in 5А on 3 September, and nothing else of 5А math.
        try await f.run(HoldLesson(unitID: "2024-5А", date: d("2024-09-03"), slot: 1, subjectID: "math", teacherID: "T0004",
                                   substitute: true, topic: "Натуральные числа"), as: F.russian, at: F.at("2024-09-03"))
        let state = f.recorder.state
        let on = d("2024-09-03")
        let math = try #require(state.viewer("T0003", on: on))          // teacher, class teacher of 5А
        let russian = try #require(state.viewer("T0004", on: on))       // teacher, class teacher of 9А
        let english = try #require(state.viewer("T0005", on: on))       // teaches the English group only
        let parent = try #require(state.viewer("P0001", on: on))        // S0001, consents in force
        let otherParent = try #require(state.viewer("P0002", on: on))   // no consent
        let student = try #require(state.viewer("S0002", on: on))

        #expect(state.mayRead(journalOf: "2024-5А", subject: "math", by: math))
        #expect(state.mayRead(journalOf: "2024-5А", subject: "rus", by: math))          // class teacher of 5А
        #expect(!state.mayRead(journalOf: "2024-5Б", subject: "rus", by: math))
        #expect(state.mayRead(journalOf: "2024-9А", subject: "math", by: math))
        #expect(!state.mayRead(journalOf: "2024-5А", subject: "math", by: russian))     // a substitute: not the journal...
        let substituted = try #require(state.lessons["2024-5А/2024-09-03/1"])
        #expect(state.mayRead(lesson: substituted, by: russian))                        // ...only that lesson
        #expect(state.mayRead(journalOf: "2024-5А/англ-1", subject: "eng", by: english))
        #expect(!state.mayRead(journalOf: "2024-5А", subject: "eng", by: english))
        #expect(!state.mayRead(class: "2024-5А", by: english) && state.mayRead(class: "2024-5А", by: math))
        #expect(state.mayRead(student: "S0001", by: math) && !state.mayRead(student: "S0004", by: math))
        #expect(!state.mayRead(student: "S0001", by: english))

        #expect(state.mayRead(student: "S0001", by: parent) && !state.mayRead(student: "S0002", by: parent))
        #expect(state.children(of: parent) == ["S0001"])
        #expect(!state.mayRead(student: "S0002", by: otherParent) && state.children(of: otherParent).isEmpty)
        #expect(state.mayRead(student: "S0002", by: student) && !state.mayRead(student: "S0001", by: student))
        #expect(!state.mayReadSchool(by: math) && !state.mayReadSchool(by: parent))

        // A withdrawn consent takes the child away from the parent, and blocks the login.
        try await f.run(WithdrawConsent(personID: "P0001", documentRef: "О-1", on: d("2024-09-10"), reason: "заявление родителя"), as: F.coordinator)
        let after = f.recorder.state
        #expect(!after.mayRead(student: "S0001", by: parent))
        #expect(after.logins[after.loginByPerson["P0001"]!]?.blocked == true)

        // A teacher's day: the timetable's lessons, and the substitution.
        #expect(state.day(of: "T0003", on: on).map(\.lessonID) == ["2024-5А/2024-09-03/1", "2024-9А/2024-09-03/2"])
        #expect(state.day(of: "T0004", on: on).map(\.lessonID) == ["2024-5А/2024-09-03/1", "2024-5Б/2024-09-03/1",
                                                                     "2024-5А/2024-09-03/2"])
    }
}
