import Catalog
import Foundation
import EventLog
import Records

/// Consents, parents' applications and logins (plans/002, 003, 004): when each
/// person's paper is signed, their login issued and activated — planned ahead
/// for the whole year along the activation ramp of plans/002 — and then who
/// signs in each day and which parents sign the diary each week.
final class AccessBook {
    struct Person {
        var id: String
        var consent: CivilDate?
        var withdrawn: CivilDate?
        var application: CivilDate?
        var issued: CivilDate?
        var activated: CivilDate?
        var blocked: CivilDate?
        /// How often they sign in, relative to the average.
        var propensity = 1.0
        /// Signs the diary nearly every week.
        var diligent = false

        func hasLogin(on day: CivilDate) -> Bool {
            issued.map { $0 <= day } == true && blocked.map { $0 > day } != false
        }

        func isActive(on day: CivilDate) -> Bool { hasLogin(on: day) && activated.map { $0 <= day } == true }

        func consentInForce(on day: CivilDate) -> Bool {
            consent.map { $0 <= day } == true && withdrawn.map { $0 > day } != false
        }
    }

    unowned let sim: SchoolSimulation
    var staff: [Person]
    var students: [Person]
    var guardians: [Person]
    var rng: SeededGenerator
    private var documents = 0
    var acknowledged = Set<Int>()

    init(sim: SchoolSimulation) {
        self.sim = sim
        staff = sim.staffing.staff.map { Person(id: $0.id) }
        students = sim.plan.students.map { Person(id: $0.id) }
        guardians = sim.plan.guardians.map { Person(id: $0.id) }
        rng = SeededGenerator(seed: sim.options.seed, stream: "access \(sim.plan.id)")
        for i in students.indices { students[i].propensity = exp(0.6 * rng.normal()) }
        for i in guardians.indices {
            guardians[i].propensity = exp(0.5 * rng.normal())
            guardians[i].diligent = rng.chance(0.22)
        }
    }

    var batches: DayBatches { sim.batches }
    var calendar: SchoolCalendar { sim.calendar }
    var plan: SchoolPlan { sim.plan }

    func nextDocument(_ prefix: String) -> String {
        documents += 1
        return "\(prefix)-\(sim.options.year)/\(documents)"
    }

    func newPasswordHash() -> String {
        let password = TemporaryPassword.generate(using: &rng)
        return sim.hasher.hash(password, using: &rng)
    }

    /// Staff sign consents on 26 August and get their logins by e-mail the day
    /// after; they activate them before the first lesson.
    func setUpStaff() {
        let y = sim.options.year
        let c = sim.coordinator
        for (i, member) in sim.staffing.staff.enumerated() {
            let consentDay = CivilDate(year: y, month: 8, day: 26)!, issueDay = consentDay.adding(days: 1)
            batches.add(consentDay, minute: 14 * 60, second: i * 30, RecordConsent(
                personID: member.id, documentRef: nextDocument("СОГЛ"), on: consentDay), as: c)
            batches.add(issueDay, minute: 11 * 60, second: i * 30, IssueLogin(
                personID: member.id, channel: .email, email: member.email, passwordHash: newPasswordHash(), on: issueDay), as: c)
            batches.noteIssued(member.id, on: issueDay)
            let activation = issueDay.adding(days: rng.int(1...5))
            let role: Role = member.roles.contains(.administration) ? .administration : member.roles.contains(.coordinator) ? .coordinator : .teacher
            let actor = Actor(userID: member.id, role: role)
            let minute = 9 * 60 + rng.int(0...600)
            batches.add(activation, minute: minute, .login(person: member.id, step: .activate, actor))
            batches.add(activation, minute: minute + 1, .login(person: member.id, step: .changePassword(hash: newPasswordHash()), actor))
            staff[i].consent = consentDay
            staff[i].issued = issueDay
            staff[i].activated = activation
            sim.counts.consentsGiven += 1
            sim.counts.loginsIssued += 1
            sim.counts.activations += 1
            sim.counts.passwordChanges += 1
        }
    }

    // MARK: Reports

    /// The rollout report the school sends the district after each deadline of
    /// plans/002 (1 October, 1 November, 1 December, 1 January), with its
    /// figures as of the day before, submitted on the next working day.
    func reports(on day: CivilDate) {
        let y = sim.options.year
        let asOfDays = [CivilDate(year: y, month: 9, day: 30)!, CivilDate(year: y, month: 10, day: 31)!,
                        CivilDate(year: y, month: 11, day: 30)!, CivilDate(year: y, month: 12, day: 31)!]
        for asOf in asOfDays {
            var submit = asOf.adding(days: 1)
            while !calendar.isOfficeDay(submit) || calendar.breakOn(submit, grade: 5)?.name == "зимние каникулы" {
                submit = submit.adding(days: 1)
            }
            guard submit == day, day <= sim.lastDay else { continue }
            let f = figures(asOf: asOf)
            var report = ReportSubmitted()
            report.report = "rollout"
            report.asOf = asOf.iso
            let rows: [(String, Double, String)] = [
                ("students", Double(f.students), "Обучающиеся, всего"),
                ("students_with_login", Double(f.studentsWithLogin), "Обучающиеся, получившие логин и пароль"),
                ("students_with_consent", Double(f.studentsWithConsent), "Обучающиеся с согласием на обработку персональных данных"),
                ("parents", Double(f.parents), "Родители (законные представители), всего"),
                ("parents_with_consent", Double(f.parentsWithConsent), "Родители, имеющие возможность воспользоваться услугой (согласие на обработку ПДн)"),
                ("parents_with_application", Double(f.parentsWithApplication), "Родители, подавшие заявление"),
                ("parents_with_login", Double(f.parentsWithLogin), "Родители, получившие логин и пароль"),
                ("parents_activated", Double(f.parentsActivated), "Родители, активировавшие учётную запись"),
                ("parents_activated_percent", f.activatedPercent, "Активация родителей, % от имеющих возможность воспользоваться услугой"),
                ("parents_with_login_percent", f.parentLoginPercent, "Выдача логинов родителям, % от всех родителей"),
                ("teachers", Double(f.teachers), "Педагогические работники"),
                ("teachers_with_login", Double(f.teachersWithLogin), "Педагогические работники, получившие логин и пароль"),
            ]
            report.figures = rows.map { key, value, label in
                var figure = ReportSubmitted.Figure()
                figure.key = key
                figure.value = value
                figure.label = label
                return figure
            }
            batches.add(day, minute: 10 * 60 + 30, RecordOperation(report, on: day), as: sim.director)
            sim.counts.reports += 1
            sim.counts.rolloutReports.append(f)
        }
    }

    /// The figures as defined next to `RolloutFigures`, from what was planned
    /// (and so recorded) up to the end of `asOf`.
    func figures(asOf day: CivilDate) -> RolloutFigures {
        var f = RolloutFigures(asOf: day)
        var parents = Set<Int>()
        for (s, student) in plan.students.enumerated() where enrolled(s, atEndOf: day) {
            f.students += 1
            if students[s].hasLogin(on: day) { f.studentsWithLogin += 1 }
            if students[s].consentInForce(on: day) { f.studentsWithConsent += 1 }
            parents.formUnion(plan.families[student.family].guardians)
        }
        for g in parents.sorted() {
            let p = guardians[g]
            f.parents += 1
            if p.consentInForce(on: day) { f.parentsWithConsent += 1 }
            if p.application.map({ $0 <= day }) == true { f.parentsWithApplication += 1 }
            if p.hasLogin(on: day) {
                f.parentsWithLogin += 1
                if p.isActive(on: day) { f.parentsActivated += 1 }
            }
        }
        for (i, member) in sim.staffing.staff.enumerated() where member.roles.contains(.teacher) {
            f.teachers += 1
            if staff[i].hasLogin(on: day) { f.teachersWithLogin += 1 }
        }
        return f
    }

    func enrolled(_ s: Int, atEndOf day: CivilDate) -> Bool {
        let student = plan.students[s]
        return (student.arrival.map { $0.on <= day } ?? true) && (student.departure.map { $0.on > day } ?? true)
    }
}
