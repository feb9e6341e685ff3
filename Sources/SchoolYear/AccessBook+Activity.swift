import Catalog
import EventLog
import Records

/// Who signs in on a day: teachers before their lessons, the administration on
/// working days, students after school, parents mostly in the evening — and on
/// Sundays some parents sign the week of their child's diary.
extension AccessBook {
    func activity(on day: CivilDate) {
        var rng = SeededGenerator(seed: sim.options.seed, stream: "sign-ins \(plan.id) \(day.iso)")
        let weekday = day.weekday
        let holidays = calendar.breakOn(day, grade: 5) != nil || day > calendar.endsOn
        let office = calendar.isOfficeDay(day) && !holidays

        for (i, member) in sim.staffing.staff.enumerated() where staff[i].isActive(on: day.adding(days: -1)) {
            guard !sim.isIll(teacher: i, on: day) else { continue }
            let teaches = member.specialty != nil && sim.teachesToday(i, on: day)
            let p = teaches ? 0.97 : office ? (member.specialty == nil ? 0.95 : 0.3) : 0.05
            guard rng.chance(p) else { continue }
            signIn(member.id, role: member.roles.contains(.teacher) ? .teacher : member.roles[0], on: day,
                   minute: 7 * 60 + 30 + rng.int(0...55))
            if rng.chance(0.25) { signIn(member.id, role: .teacher, on: day, minute: 19 * 60 + rng.int(0...180)) }
        }

        for s in plan.students.indices where sim.classOf[s] >= 0 && students[s].isActive(on: day.adding(days: -1)) {
            guard students[s].isActive(on: day) else { continue }
            let schoolDay = calendar.isSchoolDay(day, grade: plan.classes[sim.classOf[s]].grade)
            guard rng.chance((schoolDay ? 0.4 : 0.12) * students[s].propensity) else { continue }
            signIn(plan.students[s].id, role: .student, on: day, minute: (schoolDay ? 14 * 60 : 10 * 60) + rng.int(0...450))
        }

        for (g, guardian) in plan.guardians.enumerated() where guardians[g].isActive(on: day.adding(days: -1)) {
            guard guardians[g].isActive(on: day) else { continue }
            let children = plan.families[guardian.family].children.filter { sim.classOf[$0] >= 0 }
            guard !children.isEmpty else { continue }
            let evening = 18 * 60 + rng.int(0...270)
            // Sundays: the diary's week signed, for each child who had lessons.
            if weekday == 7 && rng.chance(guardians[g].diligent ? 0.8 : 0.04) {
                signIn(guardian.id, role: .parent, on: day, minute: evening)
                for (k, s) in children.enumerated() {
                    let monday = day.weekStart
                    let key = s * 100_000 + Int(monday.daysSinceEpoch)
                    let grade = plan.classes[sim.classOf[s]].grade
                    guard !acknowledged.contains(key), (0..<6).contains(where: { calendar.isSchoolDay(monday.adding(days: $0), grade: grade) })
                    else { continue }
                    acknowledged.insert(key)
                    batches.add(day, minute: evening + 1 + k, AcknowledgeWeek(studentID: plan.students[s].id, weekStart: monday),
                                as: Actor(userID: guardian.id, role: .parent))
                    sim.counts.acknowledgements += 1
                }
                continue
            }
            let p = (holidays ? 0.12 : weekday <= 5 ? 0.45 : 0.25) * guardians[g].propensity
            guard rng.chance(p) else { continue }
            signIn(guardian.id, role: .parent, on: day, minute: rng.chance(0.7) ? evening : 12 * 60 + rng.int(0...360))
        }
    }

    private func signIn(_ person: String, role: Role, on day: CivilDate, minute: Int) {
        batches.add(day, minute: minute, .login(person: person, step: .signIn(.none), Actor(userID: person, role: role)))
        sim.counts.signIns += 1
    }
}

extension SchoolSimulation {
    func teachesToday(_ t: Int, on day: CivilDate) -> Bool {
        (1...8).contains { slot in timetable.isBusy(t, weekday: day.weekday, slot: slot) }
            && plan.classes.contains { calendar.isSchoolDay(day, grade: $0.grade) }
    }
}
