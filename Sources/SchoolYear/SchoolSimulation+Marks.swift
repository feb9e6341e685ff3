import Catalog
import EventLog
import Records

/// Marks: who is asked at a lesson, what they get, and the corrections that
/// follow — by the teacher within the edit window, by the administration later.
extension SchoolSimulation {
    func markKey(student s: Int, subject: Int, period: Int) -> Int {
        (s * Curriculum.subjects.count + subject) * 4 + period
    }

    /// A mark from the student's ability, their liking for the subject, how
    /// hard the subject and the work are, and the luck of the day.
    func markValue(student s: Int, subject si: Int, grade: Int, work: String, rng: inout SeededGenerator) -> Int8 {
        let info = Curriculum.subjects[si]
        let workShift: Double = switch work {
        case "answer": 0.1
        case "homework": 0.2
        case "independent": -0.1
        default: -0.25
        }
        let z = 0.55 + 0.85 * plan.students[s].skill + 0.35 * affinity[s * Curriculum.subjects.count + si] + info.ease
            + workShift + 0.75 * rng.normal() - 0.04 * Double(grade - 5)
        return z > 1.3 ? 5 : z > 0 ? 4 : z > -1.25 ? 3 : 2
    }

    func giveMarks(lessonID: String, present: [Int], members: Int, assignment a: Int, half: Int, grade: Int, isTest: Bool,
                   period: SchoolCalendar.Period, teacher t: Int, day: CivilDate, entry: SimTime, tallyKey: String,
                   rng: inout SeededGenerator) {
        let assignment = staffing.assignments[a]
        let si = Curriculum.index[assignment.subject]!
        let info = Curriculum.subjects[si]
        let pi = calendar.periods(grade: grade).firstIndex { $0.id == period.id }!
        var work: String
        var chosen: [Int]
        if isTest {
            work = info.testWork
            chosen = present
        } else {
            // Enough answers for about six marks a term each besides the tests;
            // the teacher asks those with the fewest marks so far.
            let r = rng.unit()
            work = r < 0.72 ? "answer" : r < 0.9 ? "homework" : "independent"
            var count = Int((Double(members) * 5.5 / Double(assignment.hours * 8)).rounded()) + rng.int(-1...1)
            if work == "independent" { count = present.count / 2 }
            count = max(1, min(present.count, count))
            let ranked = present.map { s in (s, (marks[markKey(student: s, subject: si, period: pi)]?.count ?? 0) * 1000 + rng.int(0...999)) }
            chosen = ranked.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(count).map(\.0)
        }
        let actor = teacher(t)
        for (i, s) in chosen.enumerated() {
            let value = markValue(student: s, subject: si, grade: grade, work: work, rng: &rng)
            let index = grades.count
            grades.append(GradeEntry(student: Int32(s), subject: Int16(si), value: value, lessonDay: day, teacher: Int32(t),
                                     grade: Int8(grade), tally: tallyKey))
            marks[markKey(student: s, subject: si, period: pi), default: []].append(index)
            counts.journal[tallyKey]!.marks += 1
            counts.grades += 1
            let command = RecordGrade(lessonID: lessonID, studentID: plan.students[s].id, value: String(value), workTypeID: work)
            batches.add(entry.day, minute: entry.minute + 1, second: i * 3, .grade(index: index, command, actor))
        }
    }

    /// Teachers correct a few marks of the past week (a typo, a retaken test, a
    /// mark given by mistake); the administration, now and then, an older one.
    func corrections(on day: CivilDate) {
        guard day.weekday <= 6 else { return }
        var rng = SeededGenerator(seed: options.seed, stream: "corrections \(plan.id) \(day.iso)")
        let upper = gradesFromDay[day.daysSinceEpoch] ?? grades.count
        let lower = (1...7).reversed().compactMap { gradesFromDay[day.adding(days: -$0).daysSinceEpoch] }.first ?? upper
        for i in lower..<upper where rng.chance(0.0055) {
            let g = grades[i]
            guard g.number != 0, !g.voided, (1...7).contains(g.lessonDay.days(until: day)) else { continue }
            let at = SimTime(day: day, minute: 13 * 60 + rng.int(0...300))
            guard at < deadline(of: g) else { continue }
            let r = rng.unit()
            let command: CorrectGrade
            if r < 0.1 {
                command = CorrectGrade(gradeID: g.id, value: nil, reason: "отметка выставлена ошибочно")
                void(i)
            } else if g.value == 2 && r < 0.5 {
                let value: Int8 = rng.chance(0.7) ? 3 : 4
                command = CorrectGrade(gradeID: g.id, value: String(value), reason: "работа переписана")
                grades[i].value = value
            } else {
                let value: Int8 = g.value == 5 ? 4 : g.value == 2 ? 3 : (rng.chance(0.5) ? g.value + 1 : g.value - 1)
                command = CorrectGrade(gradeID: g.id, value: String(value), reason: "ошибка при вводе отметки")
                grades[i].value = value
            }
            batches.add(at.day, minute: at.minute, command, as: teacher(Int(g.teacher)))
            if command.value == nil { counts.gradesVoided += 1 } else { counts.gradeCorrections += 1 }
        }
        // The administration: after the edit window, by a teacher's memo.
        guard calendar.isOfficeDay(day), rng.chance(0.12) else { return }
        let oldest = gradesFromDay[day.adding(days: -40).daysSinceEpoch] ?? 0
        let newest = (8...14).compactMap { gradesFromDay[day.adding(days: -$0).daysSinceEpoch] }.first ?? 0
        guard newest > oldest else { return }
        let i = rng.int(oldest...(newest - 1))
        let g = grades[i]
        let at = SimTime(day: day, minute: 11 * 60 + rng.int(0...240))
        guard g.number != 0, !g.voided, at < deadline(of: g), g.lessonDay.days(until: day) > 7 else { return }
        let value: Int8 = g.value == 5 ? 4 : g.value + 1
        grades[i].value = value
        batches.add(at.day, minute: at.minute, CorrectGrade(
            gradeID: g.id, value: String(value), reason: "исправлено по служебной записке учителя (вх. № \(rng.int(10...240)))"), as: deputy)
        counts.gradeCorrections += 1
        counts.administrationCorrections += 1
    }

    func void(_ i: Int) {
        grades[i].voided = true
        counts.journal[grades[i].tally]!.marks -= 1
    }

    func deadline(of g: GradeEntry) -> SimTime {
        entryDeadline(calendar.period(of: g.lessonDay, grade: Int(g.grade))!)
    }

    /// A doctor's note turns the first day of an illness from «Н» into «Б»,
    /// entered by each lesson's teacher when the student is back.
    func attendanceNotes(on day: CivilDate) {
        guard !pendingNotes.isEmpty else { return }
        var rng = SeededGenerator(seed: options.seed, stream: "notes \(plan.id) \(day.iso)")
        for s in pendingNotes.keys.sorted() {
            guard classOf[s] >= 0, presence[s] != .ill, presence[s] != .illFirstDay, illUntil[s].map({ $0 < day }) ?? true,
                  calendar.isSchoolDay(day, grade: plan.classes[classOf[s]].grade) else { continue }
            let bring = rng.chance(0.75)
            for missed in pendingNotes[s]! where bring && missed.day.days(until: day) <= 7 {
                let at = SimTime(day: day, minute: 12 * 60 + rng.int(0...240))
                let period = calendar.period(of: missed.day, grade: plan.classes[classOf[s]].grade)
                guard at.timestamp > missed.enteredAt, let period, at < entryDeadline(period) else { continue }
                batches.add(at.day, minute: at.minute, CorrectAttendance(
                    lessonID: missed.lessonID, studentID: plan.students[s].id, code: "Б",
                    reason: "предоставлена справка из поликлиники"), as: teacher(missed.teacher))
                counts.attendanceCorrections += 1
            }
            pendingNotes[s] = nil
        }
    }
}
