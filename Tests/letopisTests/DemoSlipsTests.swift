import EventLog
import Foundation
import ProgramRunner
import Records
import Testing

/// The demo's slips: one for each kind of user, each for the person its line
/// says (the parent with exactly two children), each temporary password good.
@Suite struct DemoSlipsTests {
    @Test func eachSlipIsForThePersonItDescribesAndItsPasswordWorks() throws {
        let school = try SmallDemo("slips")
        defer { school.cleanup() }
        let store = school.store, demo = school.made
        let again = try school.letopis(["demo-slips", "--store", store])
        #expect(again.status == 0, "\(again.err)")

        // "  роль  логин  пароль  код ФИО — что видит"
        struct Slip { var role, login, password, person: String }
        func slips(_ out: String) -> [Slip] {
            guard let start = out.range(of: "Войти в журнал", options: .backwards) else { return [] }
            return out[start.lowerBound...].split(separator: "\n").dropFirst().compactMap { line in
                let fields = line.split(separator: "  ", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
                guard fields.count == 4, let person = fields[3].split(separator: " ").first else { return nil }
                return Slip(role: fields[0], login: fields[1], password: fields[2], person: String(person))
            }
        }
        let first = slips(demo.out), second = slips(again.out)
        let roles = ["учитель", "классный руководитель 5А", "родитель (двое детей)", "ученик 5А", "координатор", "администрация", "аудитор"]
        #expect(first.map(\.role) == roles, "\(demo.out.suffix(1500))")
        #expect(second.map(\.role) == roles)
        #expect(second.map(\.login) == first.map(\.login), "the same people each time")

        let log = try Store.open(at: store).openLog(school: "s01", options: .init(readOnly: true))
        defer { log.close() }
        let recorder = try Recorder(log: log)
        let credentials = try CredentialTable(log: log)
        for slip in second {
            let (owner, kids) = recorder.withState { state in
                (state.logins[slip.login]?.personID, state.guardians[slip.person]?.children.count)
            }
            #expect(owner == slip.person, "\(slip.role): the login \(slip.login) is not \(slip.person)'s")
            if slip.role.hasPrefix("родитель") { #expect(kids == 2, "the parent has \(kids ?? 0) children") }
            let decoy = PasswordHasher(rounds: 10).hash("decoy")
            let fresh = try credentials.check(login: slip.login, password: slip.password, in: log, at: Timestamp.now(), decoy: decoy)
            guard case .matches(let stored) = fresh else { Issue.record("\(slip.role): the slip's password does not work"); continue }
            #expect(stored.temporary)
            let old = try #require(first.first { $0.login == slip.login })
            let stale = try credentials.check(login: slip.login, password: old.password, in: log, at: Timestamp.now(), decoy: decoy)
            guard case .wrong = stale else { Issue.record("\(slip.role): an earlier slip still works"); continue }
        }
    }
}
