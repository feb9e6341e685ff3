import Catalog
import EventLog

/// Look-ups the rules share. Each `require…` names the record it looked for when
/// it is not there, so every command's refusal reads the same way.
extension SchoolState {
    public func requireClass(_ id: String) throws(RuleViolation) -> SchoolClass {
        guard let found = classes[id] else {
            throw RuleViolation(.unknownRecord, record: "класс \(id)", detail: "такого класса нет",
                                remedy: "Укажите один из классов: \(sample(classes.keys))")
        }
        return found
    }

    public func requireStudent(_ id: String) throws(RuleViolation) -> Student {
        guard let found = students[id] else {
            throw RuleViolation(.unknownRecord, record: "ученик \(id)", detail: "такого ученика нет",
                                remedy: "Проверьте код ученика по реестру учеников.")
        }
        return found
    }

    public func requireStaff(_ id: String) throws(RuleViolation) -> StaffMember {
        guard let found = staff[id] else {
            throw RuleViolation(.unknownRecord, record: "сотрудник \(id)", detail: "такого сотрудника нет",
                                remedy: "Проверьте код сотрудника по реестру сотрудников.")
        }
        return found
    }

    public func requireGuardian(_ id: String) throws(RuleViolation) -> Guardian {
        guard let found = guardians[id] else {
            throw RuleViolation(.unknownRecord, record: "родитель \(id)", detail: "такого родителя (законного представителя) нет",
                                remedy: "Проверьте код по реестру родителей (законных представителей).")
        }
        return found
    }

    public func requireLesson(_ id: String) throws(RuleViolation) -> Lesson {
        guard let found = lessons[id] else {
            throw RuleViolation(.unknownRecord, record: "урок \(id)", detail: "такой урок не записан",
                                remedy: "Сначала запишите урок или проверьте класс, дату и номер урока.")
        }
        guard !found.voided else {
            throw RuleViolation(.alreadyVoided, record: "урок \(id)", detail: "урок аннулирован",
                                remedy: "Если урок всё же состоялся, запишите его заново.")
        }
        return found
    }

    public func requireGrade(_ id: String) throws(RuleViolation) -> Grade {
        guard let found = grades[id] else {
            throw RuleViolation(.unknownRecord, record: "оценка \(id)", detail: "такой оценки нет",
                                remedy: "Укажите код оценки так, как он показан в журнале или в истории изменений.")
        }
        guard !found.voided else {
            throw RuleViolation(.alreadyVoided, record: "оценка \(id)", detail: "оценка аннулирована",
                                remedy: "Выставьте новую оценку.")
        }
        return found
    }

    public func requireLogin(_ login: String) throws(RuleViolation) -> LoginAccount {
        guard let found = logins[login] else {
            throw RuleViolation(.unknownRecord, record: "логин \(login)", detail: "такой логин не выдавался",
                                remedy: "Сначала выдайте логин.")
        }
        return found
    }

    public func requirePeriod(_ id: String) throws(RuleViolation) -> ReportingPeriod {
        guard let found = periods[id] else {
            throw RuleViolation(.unknownRecord, record: "отчётный период \(id)", detail: "такого отчётного периода нет",
                                remedy: "Укажите один из периодов: \(sample(periods.keys))")
        }
        return found
    }

    /// The class of a unit: the class itself, or a group's class.
    public func classOf(unit: String) -> SchoolClass? {
        if let found = classes[unit] { return found }
        return groups[unit].flatMap { classes[$0.classID] }
    }

    public func requireUnit(_ unit: String) throws(RuleViolation) -> SchoolClass {
        guard let found = classOf(unit: unit) else {
            throw RuleViolation(.unknownRecord, record: "класс или группа \(unit)", detail: "такого класса или группы нет",
                                remedy: "Укажите один из классов или одну из групп: \(sample(Array(classes.keys) + Array(groups.keys)))")
        }
        return found
    }

    /// Whether a student was in a class or group on a date.
    public func isMember(_ studentID: String, of unit: String, on date: CivilDate) -> Bool {
        if let group = groups[unit] {
            return group.members[studentID]?.contains { $0.contains(date) } ?? false
        }
        return students[studentID]?.classID(on: date) == unit
    }

    /// The members of a class or group on a date.
    public func members(of unit: String, on date: CivilDate) -> [String] {
        if let group = groups[unit] {
            return group.members.filter { $0.value.contains { $0.contains(date) } }.keys.sorted()
        }
        return students.values.filter { $0.classID(on: date) == unit }.map(\.id).sorted()
    }

    /// The reporting period a date falls in for a grade.
    public func period(on date: CivilDate, grade: Int) -> ReportingPeriod? {
        periods.values.first { $0.grades.contains(grade) && $0.startsOn <= date && date <= $0.endsOn }
    }

    /// The academic year a date falls in.
    public func year(containing date: CivilDate) -> AcademicYear? {
        years.values.first { $0.contains(date) }
    }

    /// The timetable entry of a unit's lesson on a date and slot.
    public func timetableEntry(unit: String, on date: CivilDate, slot: Int) -> TimetableEntry? {
        timetableByUnitDay[UnitDay(unitID: unit, weekday: date.weekday)]?
            .lazy.compactMap { timetable[$0] }
            .first { $0.slot == slot && $0.applies(on: date) }
    }

    /// The entries of a unit's timetable on a date, in slot order.
    public func timetable(unit: String, on date: CivilDate) -> [TimetableEntry] {
        (timetableByUnitDay[UnitDay(unitID: unit, weekday: date.weekday)] ?? [])
            .compactMap { timetable[$0] }.filter { $0.applies(on: date) }.sorted { $0.slot < $1.slot }
    }

    /// A student's lessons by the timetable on a date — their class's and their
    /// groups' — in slot order; none on a holiday or outside the year (what the
    /// diary shows as planned before the lessons are held).
    public func timetable(student studentID: String, on date: CivilDate) -> [TimetableEntry] {
        guard let student = students[studentID], let classID = student.classID(on: date), let schoolClass = classes[classID],
              let year = year(containing: date), year.holiday(on: date, grade: schoolClass.grade) == nil else { return [] }
        let groupIDs = groups.values.filter { $0.members[studentID]?.contains { $0.contains(date) } == true }.map(\.id)
        return ([classID] + groupIDs.sorted()).flatMap { timetable(unit: $0, on: date) }
            .sorted { ($0.slot, $0.subjectID) < ($1.slot, $1.subjectID) }
    }

    /// A few of many ids, sorted, for «укажите один из…» hints.
    func sample(_ ids: some Collection<String>) -> String {
        let sorted = ids.sorted()
        if sorted.isEmpty { return "(пока нет ни одного)" }
        let shown = sorted.prefix(12).joined(separator: ", ")
        return sorted.count > 12 ? shown + ", … (всего \(sorted.count))" : shown
    }

    /// The next free id of a person with a prefix (`T`, `S`, `P`) and width, e.g. `T0007`.
    public func nextID(_ prefix: String, width: Int) -> String {
        let digits = String((highestIDs[prefix] ?? 0) + 1)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
