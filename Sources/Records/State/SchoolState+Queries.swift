import Catalog
import EventLog

/// Look-ups the rules share. Each `require…` names the record it looked for when
/// it is not there, so every command's refusal reads the same way.
extension SchoolState {
    public func requireClass(_ id: String) throws(RuleViolation) -> SchoolClass {
        guard let found = classes[id] else {
            throw RuleViolation(.unknownRecord, record: "class \(id)", detail: "there is no such class",
                                remedy: "Use one of: \(sample(classes.keys))")
        }
        return found
    }

    public func requireStudent(_ id: String) throws(RuleViolation) -> Student {
        guard let found = students[id] else {
            throw RuleViolation(.unknownRecord, record: "student \(id)", detail: "there is no such student",
                                remedy: "Check the student id in the register (letopis import students).")
        }
        return found
    }

    public func requireStaff(_ id: String) throws(RuleViolation) -> StaffMember {
        guard let found = staff[id] else {
            throw RuleViolation(.unknownRecord, record: "staff member \(id)", detail: "there is no such member of staff",
                                remedy: "Check the staff id in the register (letopis import staff).")
        }
        return found
    }

    public func requireGuardian(_ id: String) throws(RuleViolation) -> Guardian {
        guard let found = guardians[id] else {
            throw RuleViolation(.unknownRecord, record: "guardian \(id)", detail: "there is no such guardian",
                                remedy: "Check the guardian id in the register (letopis import guardians).")
        }
        return found
    }

    public func requireLesson(_ id: String) throws(RuleViolation) -> Lesson {
        guard let found = lessons[id] else {
            throw RuleViolation(.unknownRecord, record: "lesson \(id)", detail: "no such lesson was entered",
                                remedy: "Enter the lesson first (letopis lesson), or check its class, date and slot.")
        }
        guard !found.voided else {
            throw RuleViolation(.alreadyVoided, record: "lesson \(id)", detail: "the lesson was voided",
                                remedy: "Enter the lesson again if it did take place.")
        }
        return found
    }

    public func requireGrade(_ id: String) throws(RuleViolation) -> Grade {
        guard let found = grades[id] else {
            throw RuleViolation(.unknownRecord, record: "grade \(id)", detail: "there is no such grade",
                                remedy: "Use the grade's id as the journal or the change log shows it.")
        }
        guard !found.voided else {
            throw RuleViolation(.alreadyVoided, record: "grade \(id)", detail: "the grade was voided",
                                remedy: "Record a new grade instead.")
        }
        return found
    }

    public func requireLogin(_ login: String) throws(RuleViolation) -> LoginAccount {
        guard let found = logins[login] else {
            throw RuleViolation(.unknownRecord, record: "login \(login)", detail: "no such login was issued",
                                remedy: "Issue a login first (letopis login issue).")
        }
        return found
    }

    public func requirePeriod(_ id: String) throws(RuleViolation) -> ReportingPeriod {
        guard let found = periods[id] else {
            throw RuleViolation(.unknownRecord, record: "period \(id)", detail: "there is no such reporting period",
                                remedy: "Use one of: \(sample(periods.keys))")
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
            throw RuleViolation(.unknownRecord, record: "class or group \(unit)", detail: "there is no such class or group",
                                remedy: "Use one of: \(sample(Array(classes.keys) + Array(groups.keys)))")
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

    /// A few of many ids, sorted, for "use one of" hints.
    func sample(_ ids: some Collection<String>) -> String {
        let sorted = ids.sorted()
        if sorted.isEmpty { return "(none yet)" }
        let shown = sorted.prefix(12).joined(separator: ", ")
        return sorted.count > 12 ? shown + ", … (\(sorted.count) in all)" : shown
    }

    /// The next free id with a prefix and width, e.g. `T0007`.
    func nextID(_ prefix: String, width: Int, among ids: some Collection<String>) -> String {
        let highest = ids.compactMap { $0.hasPrefix(prefix) ? Int($0.dropFirst(prefix.count)) : nil }.max() ?? 0
        let digits = String(highest + 1)
        return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
