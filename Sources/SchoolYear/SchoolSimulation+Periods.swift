import Catalog
import EventLog
import Records

/// The end of each reporting period: final grades the morning after it ends,
/// the administration's close two days later, a backup with it; the year's
/// final grades after the last period; exactly one reopening, with a reason
/// and a correction made while it is open.
extension SchoolSimulation {
    /// The day after a period ends (not a Sunday): its final grades are set.
    func finalsDay(after period: SchoolCalendar.Period) -> CivilDate {
        var day = period.through.adding(days: 1)
        if day.weekday == 7 { day = day.adding(days: 1) }
        return day
    }

    /// Two days after the finals (not a Sunday): the administration closes it.
    func closeDay(after period: SchoolCalendar.Period) -> CivilDate {
        var day = finalsDay(after: period).adding(days: 2)
        if day.weekday == 7 { day = day.adding(days: 1) }
        return day
    }

    /// The periods the school's grades use.
    var usedPeriods: [SchoolCalendar.Period] {
        (options.grades.contains { $0 <= 9 } ? calendar.terms : []) + (options.grades.contains { $0 >= 10 } ? calendar.halfYears : [])
    }

    /// The period that is reopened: the second term (or the first half-year).
    var reopenedPeriod: SchoolCalendar.Period? {
        usedPeriods.first { $0.id.hasSuffix("T2") } ?? usedPeriods.first { $0.id.hasSuffix("H1") }
    }

    func reopenDay(_ period: SchoolCalendar.Period) -> CivilDate {
        var day = closeDay(after: period).adding(days: 14)
        while !calendar.isOfficeDay(day) { day = day.adding(days: 1) }
        return day
    }

    func periodWork(on day: CivilDate) {
        var rng = SeededGenerator(seed: options.seed, stream: "periods \(plan.id) \(day.iso)")
        var backupToday = false
        for period in usedPeriods {
            if finalsDay(after: period) == day { setFinals(period, day: day, rng: &rng) }
            if closeDay(after: period) == day {
                batches.add(day, minute: 10 * 60 + rng.int(0...30), ChangePeriodState(periodID: period.id, close: true, on: day), as: deputy)
                counts.periodCloses += 1
                backupToday = true
            }
        }
        if backupToday { backup(on: day) }
        if let period = reopenedPeriod, reopenDay(period) == day { reopen(period, day: day, rng: &rng) }
        access.reports(on: day)
    }

    /// Each subject teacher sets the period's final grades of their students:
    /// the rounded mean of the marks, or «н/а» for fewer than three.
    private func setFinals(_ period: SchoolCalendar.Period, day: CivilDate, rng: inout SeededGenerator) {
        let isLast = period.through == calendar.endsOn
        for (a, assignment) in staffing.assignments.enumerated() {
            let grade = plan.classes[assignment.classIndex].grade
            guard period.halfYear == (grade >= 10), grade >= 2 else { continue }
            let info = Curriculum.byID[assignment.subject]!
            let si = Curriculum.index[assignment.subject]!
            let pi = calendar.periods(grade: grade).firstIndex { $0.id == period.id }!
            for (half, part) in assignment.parts.enumerated() {
                let members = partGroup[a * 2 + half] >= 0 ? groupMembers[partGroup[a * 2 + half]] : rosters[assignment.classIndex]
                var minute = 10 * 60 + rng.int(0...300)
                for s in members {
                    minute += 1
                    if info.graded {
                        let values = (marks[markKey(student: s, subject: si, period: pi)] ?? [])
                            .filter { !grades[$0].voided }.map { Int(grades[$0].value) }
                        let value = values.count < 3 ? "н/а" : rounded(values)
                        setFinal(s, subject: assignment.subject, period: period.id, value: value, teacher: part.teacher, day: day, minute: minute)
                    }
                    if isLast {
                        // The year's grade from the period grades: «зач» where there are no marks.
                        let periodGrades = calendar.periods(grade: grade).compactMap {
                            finals["\(plan.students[s].id)/\(assignment.subject)/\($0.id)"].flatMap(Int.init)
                        }
                        let value = !info.graded ? "зач" : periodGrades.isEmpty ? "н/а" : rounded(periodGrades)
                        setFinal(s, subject: assignment.subject, period: calendar.yearPeriodID, value: value, teacher: part.teacher,
                                 day: day, minute: minute + 300)
                    }
                }
            }
        }
    }

    private func setFinal(_ s: Int, subject: String, period: String, value: String, teacher t: Int, day: CivilDate, minute: Int) {
        let id = plan.students[s].id
        finals["\(id)/\(subject)/\(period)"] = value
        batches.add(day, minute: minute, SetFinalGrade(studentID: id, subjectID: subject, periodID: period, value: value), as: teacher(t))
        counts.finals += 1
    }

    /// The mean rounded half up, as a final grade: 3.5 → «4».
    func rounded(_ values: [Int]) -> String {
        String(Int((Double(values.reduce(0, +)) / Double(values.count) + 0.5).rounded(.down)))
    }

    /// The backup to external media with the close of a period: at least once a
    /// quarter (plans/001 item 16), holding the log as it is at that moment.
    private func backup(on day: CivilDate) {
        counts.backups += 1
        var backup = BackupMade()
        backup.backupID = "\(options.year)-B\(counts.backups)"
        backup.medium = "USB-накопитель № \(counts.backups % 2 + 1), сейф директора"
        backup.madeBy = staffing.staff[Staffing.coordinator].id
        backup.madeOn = day.iso
        batches.add(day, minute: 16 * 60, .backup(backup))
    }

    /// The administration reopens the period at a parent's request, corrects a
    /// mark that was given to the wrong student and the final grade it changes,
    /// and closes the period again.
    private func reopen(_ period: SchoolCalendar.Period, day: CivilDate, rng: inout SeededGenerator) {
        // A numeric, unvoided mark whose correction changes a final grade.
        for key in marks.keys.sorted() where key % 4 == (calendar.periods(grade: 5).firstIndex { $0.id == period.id } ?? -1)
            || key % 4 == (calendar.periods(grade: 10).firstIndex { $0.id == period.id } ?? -1) {
            let indices = marks[key]!.filter { !grades[$0].voided && grades[$0].number != 0 }
            guard let first = indices.first, calendar.period(of: grades[first].lessonDay, grade: Int(grades[first].grade))?.id == period.id,
                  indices.count >= 3 else { continue }
            let g = grades[first]
            let subject = Curriculum.subjects[Int(g.subject)].id
            let student = plan.students[Int(g.student)].id
            guard let old = finals["\(student)/\(subject)/\(period.id)"], old != "н/а" else { continue }
            let newValue: Int8 = g.value <= 3 ? 5 : 2
            var values = indices.map { Int(grades[$0].value) }
            values[0] = Int(newValue)
            let newFinal = rounded(values)
            guard newFinal != old else { continue }
            let reason = "заявление родителя (вх. № \(rng.int(20...60)) от \(day.adding(days: -1).russian)): отметка за \(g.lessonDay.russian) выставлена ошибочно"
            batches.add(day, minute: 10 * 60, ChangePeriodState(periodID: period.id, close: false, reason: reason, on: day), as: director)
            batches.add(day, minute: 10 * 60 + 20, CorrectGrade(gradeID: g.id, value: String(newValue), reason: reason), as: deputy)
            batches.add(day, minute: 10 * 60 + 25, SetFinalGrade(studentID: student, subjectID: subject, periodID: period.id,
                                                                 value: newFinal, reason: reason), as: deputy)
            batches.add(day, minute: 11 * 60, ChangePeriodState(periodID: period.id, close: true, on: day), as: director)
            grades[first].value = newValue
            finals["\(student)/\(subject)/\(period.id)"] = newFinal
            counts.periodReopens += 1
            counts.periodCloses += 1
            counts.gradeCorrections += 1
            counts.administrationCorrections += 1
            counts.finalCorrections += 1
            return
        }
    }
}
