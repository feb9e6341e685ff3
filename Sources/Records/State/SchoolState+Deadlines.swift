import Catalog
import EventLog

/// When a lesson's entries are due (plans/004, the rules behind it): the topic
/// and the roll on the lesson's day; homework within an hour after the class's
/// last lesson that day. Later entries are allowed, and reported as late.
extension SchoolState {
    /// Minutes of grace after the class's last lesson for homework.
    public static let homeworkGraceMinutes = 60

    public struct EntryDeadlines: Sendable, Hashable {
        /// The topic and the roll: by the end of this day.
        public var topicAndRoll: CivilDate
        /// Homework: by this time (Moscow time), when the bells say when lessons end.
        public var homework: Timestamp?
        /// The class's last lesson that day, and when it ends (`HH:MM`).
        public var lastSlot: Int?
        public var lastEnds: String?
    }

    public func deadlines(unit unitID: String, on date: CivilDate) -> EntryDeadlines {
        var result = EntryDeadlines(topicAndRoll: date)
        guard let schoolClass = classOf(unit: unitID) else { return result }
        let units = [schoolClass.id] + groups.values.filter { $0.classID == schoolClass.id }.map(\.id)
        let slots = units.flatMap { timetable(unit: $0, on: date).map(\.slot) }
            + (lessonsByClassDay[ClassDay(classID: schoolClass.id, date: date)] ?? []).compactMap { lessons[$0] }
                .filter { $0.classID == schoolClass.id && $0.date == date && !$0.voided }.map(\.slot)
        guard let last = slots.max() else { return result }
        result.lastSlot = last
        guard let name = currentBellSchedule, let bell = bellSchedules[name]?[last] else { return result }
        let parts = bell.endsAt.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2 else { return result }
        result.lastEnds = bell.endsAt
        // Moscow time is UTC+3 all year.
        result.homework = Timestamp(date, hour: parts[0], minute: parts[1] + Self.homeworkGraceMinutes).adding(seconds: -3 * 3600)
        return result
    }

    /// Why a lesson's entries cannot be changed by `role` today, if they cannot:
    /// a closed period (or year), or — for corrections — a passed edit window.
    public func readOnlyReason(lesson date: CivilDate, unit unitID: String, correcting: Bool, role: Role, today: CivilDate) -> RuleViolation? {
        let context = CommandContext(state: self, actor: Actor(userID: "", role: role), now: Timestamp(today, hour: 12))
        do {
            try context.requireOpenPeriod(on: date, grade: classOf(unit: unitID)?.grade ?? 0, record: "урок \(unitID)/\(date.iso)")
            if correcting {
                try context.requireWithinEditWindow(lessonDate: date, role: role, record: "урок \(unitID)/\(date.iso)")
            }
            return nil
        } catch {
            return error
        }
    }
}

extension SchoolState {
    /// Why `actor` may not make new entries at a held lesson today (or, when
    /// `correcting`, change ones made), by the rules the commands apply: not
    /// the lesson's teacher nor the administration, a closed period or year,
    /// a passed edit window. Pages use it to show what is read-only and why.
    public func entryRefusal(lesson: Lesson, by actor: Actor, correcting: Bool, today: CivilDate) -> RuleViolation? {
        let context = CommandContext(state: self, actor: actor, now: Timestamp(today, hour: 12))
        let record = "урок \(lesson.unitID)/\(lesson.date.iso)"
        do {
            let role = try context.requireLessonTeacher(lesson, record: record)
            try context.requireOpenPeriod(on: lesson.date, grade: classOf(unit: lesson.unitID)?.grade ?? 0, record: record)
            if correcting { try context.requireWithinEditWindow(lessonDate: lesson.date, role: role, record: record) }
            return nil
        } catch {
            return error
        }
    }
}
