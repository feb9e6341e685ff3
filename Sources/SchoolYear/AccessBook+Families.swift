import Catalog
import EventLog
import Records

/// Each family's way through the rollout, planned at the start: consents at
/// the September parents' meetings (a few refuse), applications, logins on
/// slips from the class teacher or by e-mail from the coordinator, and the
/// parents' activations along the ramp of plans/002 — 30–40 % of those who can
/// by October, 41–60 % by November, 61–100 % by December, all by January.
extension AccessBook {
    /// The ramp: the share of parents who activate in each window, and the window.
    var ramp: [(share: Double, from: CivilDate, through: CivilDate)] {
        let y = sim.options.year
        return [(0.36, CivilDate(year: y, month: 9, day: 9)!, CivilDate(year: y, month: 9, day: 29)!),
                (0.16, CivilDate(year: y, month: 10, day: 1)!, CivilDate(year: y, month: 10, day: 30)!),
                (0.25, CivilDate(year: y, month: 11, day: 1)!, CivilDate(year: y, month: 11, day: 29)!),
                (0.23, CivilDate(year: y, month: 12, day: 1)!, CivilDate(year: y, month: 12, day: 27)!)]
    }

    func officeDay(from: CivilDate, through: CivilDate) -> CivilDate? {
        guard from <= through else { return nil }
        for _ in 0..<30 {
            let day = from.adding(days: rng.int(0...from.days(until: through)))
            if calendar.isOfficeDay(day) { return day }
        }
        var day = from
        while day <= through { if calendar.isOfficeDay(day) { return day }; day = day.adding(days: 1) }
        return nil
    }

    func planFamilies() {
        // The ramp is drawn over all parents of the first day, so its shares
        // hold for the school as a whole.
        var parents: [Int] = []
        for family in plan.families where !family.refuses && family.children.contains(where: { plan.students[$0].arrival == nil }) {
            parents += family.guardians
        }
        rng.shuffle(&parents)
        var window: [Int: Int] = [:]
        var edge = 0.0
        for (w, step) in ramp.enumerated() {
            let from = Int(edge * Double(parents.count))
            edge += step.share
            let to = w == ramp.count - 1 ? parents.count : Int(edge * Double(parents.count))
            for g in parents[from..<to] { window[g] = w }
        }
        for (f, family) in plan.families.enumerated() {
            let first = family.children.first!
            if let arrival = plan.students[first].arrival {
                guard arrival.on <= sim.lastDay else { continue }
                planFamily(f, start: arrival.on.adding(days: 1), through: arrival.on.adding(days: 12), window: nil)
            } else {
                planFamily(f, start: calendar.startsOn, through: CivilDate(year: sim.options.year, month: 9, day: 27)!, window: window)
            }
        }
        planWithdrawal()
    }

    /// The class teacher who acts for a family on a day: the teacher of a child
    /// who is in the school then; nil when none is.
    func classTeacher(of family: FamilyPlan, on day: CivilDate) -> (actor: Actor, child: Int)? {
        for s in family.children {
            if let c = sim.plannedClass(of: s, on: day) { return (sim.classTeacher(c), s) }
        }
        return nil
    }

    private func planFamily(_ f: Int, start: CivilDate, through: CivilDate, window: [Int: Int]?) {
        let family = plan.families[f]
        let guardian0 = plan.guardians[family.guardians[0]]
        // The parents' logins first, so the consent can come before the earliest.
        var issue: [Int: (issue: CivilDate, activation: CivilDate?)] = [:]
        for g in family.guardians where !family.refuses {
            if let w = window?[g] {
                let step = ramp[w]
                let activation = step.from.adding(days: rng.int(0...step.from.days(until: step.through)))
                let issued = officeDay(from: max(start.adding(days: 1), activation.adding(days: -8)), through: activation.adding(days: -1))
                    ?? officeDay(from: start, through: activation.adding(days: -1))
                if let issued { issue[g] = (issued, activation) }
            } else if let issued = officeDay(from: start.adding(days: 1), through: through.adding(days: 5)) {
                issue[g] = (issued, issued.adding(days: rng.int(1...14)))
            }
        }
        let latest = issue.values.map(\.issue).min().map { min($0, through) } ?? through
        guard let consentDay = officeDay(from: start, through: latest), consentDay <= sim.lastDay,
              let (actor, _) = classTeacher(of: family, on: consentDay) else { return }
        let at = 12 * 60 + rng.int(0...300)
        let given = !family.refuses
        // Each child's paper goes through the child's own class teacher.
        for (k, s) in family.children.enumerated() {
            guard let c = sim.plannedClass(of: s, on: consentDay) else { continue }
            batches.add(consentDay, minute: at, second: k * 20, RecordConsent(
                personID: plan.students[s].id, given: given, byGuardianID: guardian0.id, documentRef: nextDocument("СОГЛ"),
                on: consentDay), as: sim.classTeacher(c))
            if given {
                students[s].consent = consentDay
                sim.counts.consentsGiven += 1
                planStudentLogin(s, family: family, after: consentDay)
            } else {
                sim.counts.consentsRefused += 1
            }
        }
        for (k, g) in family.guardians.enumerated() {
            batches.add(consentDay, minute: at + 1, second: k * 20, RecordConsent(
                personID: plan.guardians[g].id, given: given, documentRef: nextDocument("СОГЛ"), on: consentDay), as: actor)
            guard given else { sim.counts.consentsRefused += 1; continue }
            guardians[g].consent = consentDay
            sim.counts.consentsGiven += 1
            guard let steps = issue[g] else { continue }
            planParentLogin(g, family: family, consentDay: consentDay, issueDay: max(steps.issue, consentDay), activation: steps.activation)
        }
    }

    /// The application for each child, then the login, then the activation —
    /// as long as a child of the family is still at the school.
    private func planParentLogin(_ g: Int, family: FamilyPlan, consentDay: CivilDate, issueDay: CivilDate, activation: CivilDate?) {
        let guardian = plan.guardians[g]
        guard let applied = officeDay(from: consentDay, through: issueDay) else { return }
        var registered = false
        for (k, s) in family.children.enumerated() {
            guard let c = sim.plannedClass(of: s, on: applied) else { continue }
            registered = true
            batches.add(applied, minute: 12 * 60 + rng.int(0...300), second: k * 10, RegisterParentApplication(
                guardianID: guardian.id, studentID: plan.students[s].id, documentRef: nextDocument("ЗАЯВ"), on: applied),
                as: sim.classTeacher(c))
            sim.counts.applications += 1
        }
        guard registered else { return }
        guardians[g].application = applied
        guard let (issuer, _) = classTeacher(of: family, on: issueDay), issueDay <= sim.lastDay else { return }
        let byMail = !guardian.email.isEmpty && rng.chance(0.45)
        let minute = max(applied == issueDay ? 17 * 60 + 30 : 0, 12 * 60 + rng.int(0...330))
        batches.add(issueDay, minute: minute, IssueLogin(
            personID: guardian.id, channel: byMail ? .email : .slip, email: byMail ? guardian.email : "",
            passwordHash: newPasswordHash(), on: issueDay), as: byMail ? sim.coordinator : issuer)
        batches.noteIssued(guardian.id, on: issueDay)
        guardians[g].issued = issueDay
        sim.counts.loginsIssued += 1
        sim.counts.loginsIssuedToParents += 1
        guard let activation, activation > issueDay, activation <= sim.lastDay,
              family.children.contains(where: { sim.plannedClass(of: $0, on: activation) != nil }) else { return }
        planActivation(person: guardian.id, on: activation, as: Actor(userID: guardian.id, role: .parent), evening: true)
        guardians[g].activated = activation
        sim.counts.parentActivations += 1
    }

    private func planStudentLogin(_ s: Int, family: FamilyPlan, after consentDay: CivilDate) {
        let student = plan.students[s]
        let end = student.departure.map { $0.on.adding(days: -1) } ?? sim.lastDay
        guard let issued = officeDay(from: consentDay.adding(days: 1), through: min(consentDay.adding(days: 18), end)),
              let c = sim.plannedClass(of: s, on: issued) else { return }
        batches.add(issued, minute: 12 * 60 + rng.int(0...240), IssueLogin(
            personID: student.id, channel: .slip, passwordHash: newPasswordHash(), on: issued), as: sim.classTeacher(c))
        batches.noteIssued(student.id, on: issued)
        students[s].issued = issued
        students[s].blocked = student.departure?.on
        sim.counts.loginsIssued += 1
        let r = rng.unit()
        guard r < 0.92 else { return }  // some never do
        let activation = issued.adding(days: r < 0.5 ? rng.int(1...7) : r < 0.8 ? rng.int(8...30) : rng.int(31...90))
        guard activation < end, activation <= sim.lastDay else { return }
        planActivation(person: student.id, on: activation, as: Actor(userID: student.id, role: .student), evening: false)
        students[s].activated = activation
    }

    private func planActivation(person: String, on day: CivilDate, as actor: Actor, evening: Bool) {
        let minute = evening ? 18 * 60 + rng.int(0...270) : 15 * 60 + rng.int(0...360)
        batches.add(day, minute: minute, .login(person: person, step: .activate, actor))
        batches.add(day, minute: minute + 2, .login(person: person, step: .changePassword(hash: newPasswordHash()), actor))
        sim.counts.activations += 1
        sim.counts.passwordChanges += 1
    }

    /// One family withdraws its consents (the mother's and the child's) in the
    /// winter: both logins are blocked by it.
    private func planWithdrawal() {
        for family in plan.families where !family.refuses && family.children.count == 1 {
            let s = family.children[0], g = family.guardians[0]
            guard plan.students[s].arrival == nil, plan.students[s].departure == nil,
                  let activated = guardians[g].activated, let studentConsent = students[s].consent else { continue }
            let from = max(activated, studentConsent, students[s].activated ?? activated).adding(days: 10)
            let preferred = CivilDate(year: sim.options.year, month: 11, day: 11)!
            guard let day = officeDay(from: max(from, preferred), through: min(preferred.adding(days: 90), sim.lastDay.adding(days: -2)))
                    ?? officeDay(from: from, through: sim.lastDay.adding(days: -2)),
                  let (actor, _) = classTeacher(of: family, on: day) else { continue }
            let reason = "заявление родителя об отзыве согласия на обработку персональных данных"
            batches.add(day, minute: 13 * 60, WithdrawConsent(personID: plan.guardians[g].id, documentRef: nextDocument("ОТЗ"),
                                                              on: day, reason: reason), as: actor)
            batches.add(day, minute: 13 * 60 + 1, WithdrawConsent(personID: plan.students[s].id, documentRef: nextDocument("ОТЗ"),
                                                                  on: day, reason: reason), as: actor)
            guardians[g].withdrawn = day
            if guardians[g].issued != nil { guardians[g].blocked = day }
            students[s].withdrawn = day
            if students[s].issued != nil { students[s].blocked = day }
            sim.counts.consentsWithdrawn += 2
            return
        }
    }
}
