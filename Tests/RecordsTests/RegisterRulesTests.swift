import Catalog
import EventLog
import Foundation
@testable import Records
import Testing

/// Rules added for the command line and the register import: password resets,
/// people registered twice, class teachers revoked, and dry runs.
@Suite struct RegisterRulesTests {
    typealias F = SchoolFixture
    func d(_ iso: String) -> CivilDate { F.date(iso) }
    let hash = PasswordHasher(rounds: 10).hash("x")

    @Test func passwordResetFollowsTheLoginRules() async throws {
        let f = try await F()
        defer { f.cleanup() }
        try await f.run(RecordConsent(personID: "P0001", documentRef: "С-1", on: d("2024-09-03")), as: F.coordinator)
        try await f.run(IssueLogin(personID: "P0001", channel: .slip, passwordHash: hash, on: d("2024-09-05")), as: F.coordinator)
        let login = await f.recorder.state.loginByPerson["P0001"]!
        try await f.run(ResetPassword(login: login, channel: .email, email: "p1@example.ru", passwordHash: hash,
                                      on: d("2024-09-10")), as: Actor(userID: "T0003", role: .classTeacher))
        let reset = try f.log.stream("login/\(login)").last.map { try $0.decoded() }
        guard case .passwordReset(let e)? = reset else { throw FixtureFailure("expected PasswordReset, got \(String(describing: reset))") }
        #expect(e.resetBy == "T0003" && e.mustChangePassword && e.channel == .email)
        // Class teachers only within the own class (T0005 teaches 5Б), never a plain teacher.
        _ = try await f.expectRefusal(.ownClassOnly, ResetPassword(login: login, channel: .slip, passwordHash: hash, on: d("2024-09-10")),
                                      as: Actor(userID: "T0005", role: .classTeacher))
        _ = try await f.expectRefusal(.roleRequired, ResetPassword(login: login, channel: .slip, passwordHash: hash, on: d("2024-09-10")),
                                      as: F.math)
        _ = try await f.expectRefusal(.invalidInput, ResetPassword(login: login, channel: .slip, passwordHash: "x", on: d("2024-09-10")),
                                      as: F.coordinator)
        _ = try await f.expectRefusal(.unknownRecord, ResetPassword(login: "nobody", channel: .slip, passwordHash: hash,
                                                                   on: d("2024-09-10")), as: F.coordinator)
        // A withdrawn consent blocks the login, and a blocked login gets no new password.
        try await f.run(WithdrawConsent(personID: "P0001", documentRef: "С-1о", on: d("2024-10-01"), reason: "заявление"),
                        as: F.coordinator)
        _ = try await f.expectRefusal(.loginState, ResetPassword(login: login, channel: .slip, passwordHash: hash, on: d("2024-10-02")),
                                      as: F.coordinator)
    }

    @Test func samePersonIsNotRegisteredTwice() async throws {
        let f = try await F()
        defer { f.cleanup() }
        let snils = F.snils(9001)
        try await f.run(HireStaff(name: F.name("Орлова", "Мария"), position: "учитель", hiredOn: d("2024-08-26"), snils: snils),
                        as: F.coordinator)
        let v = try await f.expectRefusal(.duplicateRecord, HireStaff(name: F.name("Орлова", "Мария"), position: "учитель",
                                          hiredOn: d("2024-08-27"), snils: snils.filter(\.isNumber)), as: F.coordinator)
        #expect(v.detail.contains("T0006"))
        // Once she has left, she may be hired again.
        try await f.run(DismissStaff(staffID: "T0006", on: d("2024-08-28"), orderNumber: "3-к", reason: "по собственному желанию"),
                        as: F.coordinator)
        try await f.run(HireStaff(name: F.name("Орлова", "Мария"), position: "учитель", hiredOn: d("2024-09-01"), snils: snils),
                        as: F.coordinator)

        try await f.run(RegisterGuardian(name: F.name("Новикова", "Ирина"), snils: F.snils(9002), on: d("2024-09-01")),
                        as: F.coordinator)
        _ = try await f.expectRefusal(.duplicateRecord, RegisterGuardian(name: F.name("Новикова", "Ирина"), snils: F.snils(9002),
                                                                        on: d("2024-09-01")), as: F.coordinator)
        _ = try await f.expectRefusal(.invalidInput, RegisterGuardian(name: F.name("Новиков", "Олег"), snils: "123",
                                                                     on: d("2024-09-01")), as: F.coordinator)
    }

    @Test func revokedClassTeacherLeavesTheClassWithout() async throws {
        let f = try await F()
        defer { f.cleanup() }
        try await f.run(ChangeRole(staffID: "T0003", role: .classTeacher, classID: "2024-5А", grant: false, on: d("2024-09-01")),
                        as: F.coordinator)
        #expect(await f.recorder.state.classes["2024-5А"]?.classTeacherID == "")
        try await f.run(AssignClassTeacher(classID: "2024-5А", staffID: "T0004", on: d("2024-09-02")), as: F.coordinator)
        #expect(await f.recorder.state.classes["2024-5А"]?.classTeacherID == "T0004")
    }

    @Test func checkingABatchRecordsNothing() async throws {
        let f = try await F()
        defer { f.cleanup() }
        let before = try f.snapshot()
        let batch = [
            Submission(RegisterGuardian(name: F.name("Новикова", "Ирина"), on: d("2024-09-01")), as: F.coordinator),
            Submission(LinkGuardian(guardianID: "P0007", studentID: "S0009", relation: .mother, on: d("2024-09-01")), as: F.coordinator),
            Submission(LinkGuardian(guardianID: "P0007", studentID: "S0001", relation: .mother, on: d("2024-09-01")), as: F.coordinator),
        ]
        let failures = try f.recorder.check(batch)
        #expect(failures.map(\.index) == [1] && failures.map(\.violation.rule) == [.unknownRecord])
        #expect(try f.recorder.check(Array(batch[0...0] + batch[2...2])).isEmpty)
        #expect(try f.snapshot() == before)
        #expect(await f.recorder.state.guardians["P0007"] == nil)
    }
}
