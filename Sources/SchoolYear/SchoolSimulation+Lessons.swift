import Catalog
import Foundation
import EventLog
import Records

/// The school day: who is ill, and every lesson of the timetable held and
/// entered by its teacher (or a substitute) with its topic, roll, marks and
/// homework — mostly right after the lesson, now and then a day or days late.
extension SchoolSimulation {
    /// Autumn colds from October, the flu in late January and February.
    func wave(_ day: CivilDate) -> Double {
        let (_, m, d) = day.components
        switch (m, d) {
        case (10, _), (11, 1...20): return 2.0
        case (1, 20...31): return 2.5
        case (2, 1...20): return 4.0
        case (2, _), (3, 1...10): return 2.2
        default: return 1.0
        }
    }

    func health(on day: CivilDate) {
        var rng = SeededGenerator(seed: options.seed, stream: "health \(plan.id) \(day.iso)")
        let hazard = 0.0065 * wave(day)
        for s in plan.students.indices where classOf[s] >= 0 {
            if let until = illUntil[s], until >= day {
                presence[s] = .ill
                continue
            }
            if rng.chance(hazard * plan.students[s].frailty) {
                illFrom[s] = day
                illUntil[s] = day.adding(days: rng.int(3...10) - 1)
                presence[s] = rng.chance(0.6) ? .illFirstDay : .ill
                continue
            }
            let r = rng.unit()
            presence[s] = r < 0.005 ? .excused : r < 0.017 ? .late : r < 0.024 ? .skipsOne : .present
            if presence[s] == .skipsOne { skipSlot[s] = rng.int(3...6) }
        }
        for t in staffing.staff.indices where staffing.staff[t].specialty != nil {
            if let until = teacherIllUntil[t], until >= day { continue }
            if rng.chance(0.0022 * wave(day)) { teacherIllUntil[t] = day.adding(days: rng.int(3...9) - 1) }
        }
    }

    func isIll(teacher t: Int, on day: CivilDate) -> Bool { teacherIllUntil[t].map { $0 >= day } ?? false }

    func lessons(on day: CivilDate) {
        var rng = SeededGenerator(seed: options.seed, stream: "lessons \(plan.id) \(day.iso)")
        var substituting = Set<Int>()
        for (c, klass) in plan.classes.enumerated() where calendar.isSchoolDay(day, grade: klass.grade) {
            let today = timetable.days[c][day.weekday]
            guard let lastSlot = today.last?.slot else { continue }
            let classEnd = Curriculum.bells[lastSlot - 1].end
            for lesson in today {
                let assignment = staffing.assignments[lesson.assignment]
                for half in assignment.parts.indices {
                    substituting.formUnion(hold(lesson, half: half, classIndex: c, day: day,
                                                classEnd: classEnd.0 * 60 + classEnd.1, busy: substituting, rng: &rng))
                }
            }
        }
    }

    /// A substitute for an ill teacher: one of the same specialty free in that
    /// slot if there is one, else anyone free; nil cancels the lesson.
    func substitute(for t: Int, day: CivilDate, slot: Int, busy: Set<Int>, rng: inout SeededGenerator) -> Int? {
        var same: [Int] = [], other: [Int] = []
        for candidate in staffing.staff.indices where candidate != t && staffing.staff[candidate].specialty != nil {
            guard !timetable.isBusy(candidate, weekday: day.weekday, slot: slot), !busy.contains(candidate * 16 + slot),
                  !isIll(teacher: candidate, on: day) else { continue }
            if staffing.staff[candidate].specialty == staffing.staff[t].specialty { same.append(candidate) } else { other.append(candidate) }
        }
        if !same.isEmpty { return rng.pick(same) }
        return other.isEmpty ? nil : rng.pick(other)
    }

    /// Holds one lesson of a class or group and plans its entries. Returns the
    /// substitute's `teacher * 16 + slot`, so a substitute takes one lesson a slot.
    private func hold(_ lesson: Timetable.Lesson, half: Int, classIndex c: Int, day: CivilDate, classEnd: Int,
                      busy: Set<Int>, rng: inout SeededGenerator) -> Set<Int> {
        let assignment = staffing.assignments[lesson.assignment]
        let part = assignment.parts[half]
        let grade = plan.classes[c].grade
        let info = Curriculum.byID[assignment.subject]!
        var teacherIndex = part.teacher
        var taken = Set<Int>()
        if isIll(teacher: part.teacher, on: day) {
            guard let stand = substitute(for: part.teacher, day: day, slot: lesson.slot, busy: busy, rng: &rng) else {
                counts.cancelledLessons += 1
                return []
            }
            teacherIndex = stand
            taken.insert(stand * 16 + lesson.slot)
            counts.substituteLessons += 1
        }
        let actor = teacher(teacherIndex)
        let unit = part.unit
        let lessonID = "\(unit)/\(day.iso)/\(lesson.slot)"
        let counter = lesson.assignment * 2 + half
        let k = lessonCounter[counter]
        lessonCounter[counter] += 1
        let yearLessons = assignment.hours * 33
        let graded = info.graded && grade >= 2
        // Tests of different subjects fall on different days (SanPiN: one a day).
        let testShift = info.testEvery > 0 ? (Curriculum.index[assignment.subject]! * 3 + c) % info.testEvery : 0
        let isTest = graded && info.testEvery > 0 && (k + testShift) % info.testEvery == info.testEvery - 1
        let topic = Topics.topic(subject: assignment.subject, grade: grade, lesson: k, yearLessons: yearLessons, test: isTest)
        let period = calendar.period(of: day, grade: grade)!
        let deadline = entryDeadline(period)
        let end = Curriculum.bells[lesson.slot - 1].end
        var entry = entryTime(day: day, lessonEnd: end.0 * 60 + end.1, classEnd: classEnd, teacher: teacherIndex, rng: &rng)
        if entry > deadline { entry = deadline - rng.int(10...90) }
        if entry.day > day { counts.lateLessons += 1 }

        // The topic: now and then entered later, or first mistyped and corrected.
        let laterTopic = rng.chance(0.01)
        let wrongTopic = !laterTopic && rng.chance(0.003)
        let entered = wrongTopic ? Topics.topic(subject: assignment.subject, grade: grade, lesson: k + 1, yearLessons: yearLessons, test: false)
            : laterTopic ? "" : topic
        batches.add(entry.day, minute: entry.minute, HoldLesson(
            unitID: unit, date: day, slot: lesson.slot, subjectID: assignment.subject, teacherID: staffing.staff[teacherIndex].id,
            substitute: teacherIndex != part.teacher, replacedTeacherID: teacherIndex != part.teacher ? staffing.staff[part.teacher].id : "",
            topic: entered), as: actor)
        counts.lessons += 1
        let tallyKey = "\(unit)|\(assignment.subject)|\(period.id)"
        counts.journal[tallyKey, default: JournalTally()].lessons += 1
        if laterTopic || wrongTopic {
            let fix = min(entry + rng.int(60...(wrongTopic ? 2 * 1440 : 600)), deadline - 5)
            if fix > entry {
                batches.add(fix.day, minute: fix.minute, RecordTopic(lessonID: lessonID, topic: topic,
                                                                     reason: wrongTopic ? "тема указана не по КТП" : ""), as: actor)
                if wrongTopic { counts.topicCorrections += 1 } else { counts.topicsEnteredLater += 1 }
            }
        }

        // The roll: only the absent and the late are listed.
        let members = partGroup[counter] >= 0 ? groupMembers[partGroup[counter]] : rosters[c]
        let firstSlot = timetable.days[c][day.weekday].first!.slot
        var roll: [String: String] = [:]
        var present: [Int] = []
        for s in members {
            let code: String?
            switch presence[s] {
            case .present: code = nil
            case .illFirstDay: code = "Н"
            case .ill: code = "Б"
            case .excused: code = "УП"
            case .late: code = lesson.slot == firstSlot ? "ОП" : nil
            case .skipsOne: code = lesson.slot == skipSlot[s] ? "Н" : nil
            }
            if let code {
                roll[plan.students[s].id] = code
                counts.attendanceMarks[code, default: 0] += 1
                if presence[s] == .illFirstDay {
                    pendingNotes[s, default: []].append((lessonID, teacherIndex, day, moscow(entry.day, entry.minute / 60, entry.minute % 60)))
                }
            }
            if code == nil || code == "ОП" { present.append(s) }
        }
        batches.add(entry.day, minute: entry.minute, second: 20, TakeAttendance(lessonID: lessonID, marks: roll), as: actor)
        counts.rolls += 1

        if graded && !present.isEmpty {
            giveMarks(lessonID: lessonID, present: present, members: members.count, assignment: lesson.assignment, half: half,
                      grade: grade, isTest: isTest, period: period, teacher: teacherIndex, day: day, entry: entry,
                      tallyKey: tallyKey, rng: &rng)
        }

        // Homework, mostly within the hour after the class's last lesson.
        if rng.chance(HomeworkTexts.likelihood(subject: assignment.subject, grade: grade)) {
            let text = HomeworkTexts.text(subject: assignment.subject, grade: grade, lesson: k, yearLessons: yearLessons, using: &rng)
            let r = rng.unit()
            var set = SimTime(day: day, minute: r < 0.93 ? classEnd + rng.int(3...55)
                                                : r < 0.985 ? 19 * 60 + rng.int(0...180) : 1440 + 7 * 60 + rng.int(0...60))
            if set < entry + 2 { set = entry + 2 }
            if set > deadline { set = deadline - 1 }
            if set > SimTime(day: day, minute: classEnd + 60) { counts.lateHomework += 1 }
            batches.add(set.day, minute: set.minute, second: 40, AssignHomework(lessonID: lessonID, text: text), as: actor)
            counts.homework += 1
        }
        return taken
    }

    /// When the teacher enters a lesson: right after it mostly; after classes or
    /// in the evening sometimes; the next day, or days later, for a few — more
    /// often for some teachers than for others.
    func entryTime(day: CivilDate, lessonEnd: Int, classEnd: Int, teacher t: Int, rng: inout SeededGenerator) -> SimTime {
        let care = teacherCare[t]
        let nextDay = 0.018 * care, later = 0.004 * care
        let r = rng.unit()
        if r < later { return SimTime(day: day.adding(days: rng.int(2...5)), minute: 9 * 60 + rng.int(0...480)) }
        if r < later + nextDay { return SimTime(day: day.adding(days: 1), minute: 8 * 60 + rng.int(0...540)) }
        if r < 0.88 { return SimTime(day: day, minute: lessonEnd + rng.int(2...25)) }
        if r < 0.96 { return SimTime(day: day, minute: max(lessonEnd, classEnd) + rng.int(5...50)) }
        return SimTime(day: day, minute: 19 * 60 + rng.int(0...200))
    }

    /// Entries of a period must be in before its final grades are set, on the
    /// morning after it ends: a late entry after that would find it closed.
    func entryDeadline(_ period: SchoolCalendar.Period) -> SimTime {
        SimTime(day: finalsDay(after: period), minute: 9 * 60)
    }
}

/// A moment of the simulation: a Moscow date and the minute of that day.
struct SimTime: Comparable {
    var day: CivilDate
    var minute: Int

    init(day: CivilDate, minute: Int) {
        self.day = day.adding(days: minute / 1440)
        self.minute = minute % 1440
    }

    static func < (a: SimTime, b: SimTime) -> Bool { (a.day, a.minute) < (b.day, b.minute) }
    static func + (a: SimTime, minutes: Int) -> SimTime { SimTime(day: a.day, minute: a.minute + minutes) }
    static func - (a: SimTime, minutes: Int) -> SimTime {
        var day = a.day, minute = a.minute - minutes
        while minute < 0 { minute += 1440; day = day.adding(days: -1) }
        return SimTime(day: day, minute: minute)
    }

    var timestamp: Timestamp { moscow(day, minute / 60, minute % 60) }
}
