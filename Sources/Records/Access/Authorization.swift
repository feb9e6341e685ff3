import Catalog
import EventLog
import Foundation

/// Who may do what: the checks every command makes of its actor.
extension CommandContext {
    var today: CivilDate { now.civilDate }

    /// The actor's role, once shown to be one of `allowed` and really held:
    /// a member of staff must have been granted it, a parent must be a
    /// registered guardian, a student a student. `system` acts only while the
    /// school has no coordinator yet (to set the school up).
    @discardableResult
    func authorize(_ allowed: Set<Role>, for record: String) throws(RuleViolation) -> Role {
        guard let role = actor.knownRole, allowed.contains(role) else {
            throw RuleViolation(
                .roleRequired, record: record,
                detail: "\(actor.userID) acting as \(actor.role) may not do this",
                remedy: "Act as one of: \(allowed.map(\.rawValue).sorted().joined(separator: ", ")).")
        }
        switch role {
        case .system:
            let hasCoordinator = state.staff.values.contains { $0.roles.contains { $0.role == .coordinator } }
            if hasCoordinator {
                throw RuleViolation(.roleRequired, record: record,
                                    detail: "the school has a coordinator, so the system account no longer records",
                                    remedy: "Act as the coordinator.")
            }
        case .coordinator, .teacher, .classTeacher, .administration, .auditor:
            guard let member = state.staff[actor.userID] else {
                throw RuleViolation(.roleRequired, record: record, detail: "\(actor.userID) is not a member of staff",
                                    remedy: "Act as a member of staff who holds the role.")
            }
            if let left = member.leftOn, left <= today {
                throw RuleViolation(.roleRequired, record: record,
                                    detail: "\(actor.userID) left the school on \(left.russian)",
                                    remedy: "Act as a current member of staff.")
            }
            guard member.roles.contains(where: { $0.role == role }) else {
                throw RuleViolation(.roleRequired, record: record,
                                    detail: "\(actor.userID) \(member.name.short) does not hold the role \(role.rawValue)",
                                    remedy: "Have the coordinator grant the role (letopis staff grant).")
            }
        case .parent:
            guard state.guardians[actor.userID] != nil else {
                throw RuleViolation(.roleRequired, record: record, detail: "\(actor.userID) is not a registered guardian",
                                    remedy: "Act as a guardian from the register.")
            }
        case .student:
            guard state.students[actor.userID] != nil else {
                throw RuleViolation(.roleRequired, record: record, detail: "\(actor.userID) is not a student",
                                    remedy: "Act as a student from the register.")
            }
        case .district:
            throw RuleViolation(.roleRequired, record: record, detail: "the district does not record in a school's log",
                                remedy: "Act as a member of the school's staff.")
        }
        return role
    }

    /// The classes the acting class teacher is class teacher of.
    var ownClasses: Set<String> {
        Set(state.staff[actor.userID]?.roles.filter { $0.role == .classTeacher }.map(\.classID) ?? [])
    }

    /// A class teacher acts only for people of the own class: students in it,
    /// and guardians of students in it. Other roles pass.
    func requireOwnClass(person personID: String, role: Role, record: String) throws(RuleViolation) {
        guard role == .classTeacher else { return }
        let own = ownClasses
        let classes: Set<String>
        if let student = state.students[personID] {
            classes = Set(student.currentClassID.map { [$0] } ?? [])
        } else if let guardian = state.guardians[personID] {
            classes = Set(guardian.children.keys.compactMap { state.students[$0]?.currentClassID })
        } else {
            classes = []
        }
        guard !own.isDisjoint(with: classes) else {
            let theirs = classes.isEmpty ? "no class" : classes.sorted().joined(separator: ", ")
            throw RuleViolation(.ownClassOnly, record: record,
                                detail: "\(actor.userID) is class teacher of \(own.sorted().joined(separator: ", ")), but this person belongs to \(theirs)",
                                remedy: "Ask that class's class teacher or the coordinator.")
        }
    }

    /// Journal entries: the lesson's own teacher (who may be a substitute), or
    /// the administration.
    @discardableResult
    func requireLessonTeacher(_ lesson: Lesson, record: String) throws(RuleViolation) -> Role {
        let role = try authorize([.teacher, .classTeacher, .administration], for: record)
        if role != .administration && actor.userID != lesson.teacherID {
            throw RuleViolation(.notLessonTeacher, record: record,
                                detail: "the lesson \(lesson.id) was taught by \(lesson.teacherID), not \(actor.userID)",
                                remedy: "Let \(lesson.teacherID) enter it, or enter it as the administration.")
        }
        return role
    }

    /// Nothing in a closed reporting period (or a closed year) changes.
    func requireOpenPeriod(on date: CivilDate, grade: Int, record: String) throws(RuleViolation) {
        if let period = state.period(on: date, grade: grade), period.closed {
            throw RuleViolation(.periodClosed, record: record,
                                detail: "\(date.russian) is in «\(period.name)» (\(period.id)), which is closed",
                                remedy: "The administration must reopen the period first, with a reason (letopis period reopen).")
        }
        if let year = state.year(containing: date), year.closed {
            throw RuleViolation(.periodClosed, record: record, detail: "the year \(year.year)/\(year.year + 1) is closed",
                                remedy: "A closed year's records are final.")
        }
    }

    /// After the school's edit window only the administration corrects.
    func requireWithinEditWindow(lessonDate: CivilDate, role: Role, record: String) throws(RuleViolation) {
        let days = lessonDate.days(until: today)
        if days > state.editWindowDays && role != .administration {
            throw RuleViolation(.editWindowPassed, record: record,
                                detail: "the lesson was on \(lessonDate.russian), \(days) days ago; the edit window is \(state.editWindowDays) days",
                                remedy: "Ask the administration to make the correction.")
        }
    }

    func requireReason(_ reason: String, record: String) throws(RuleViolation) {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw RuleViolation(.reasonRequired, record: record, detail: "no reason was given",
                                remedy: "Say why, e.g. --reason \"ошибка при вводе\".")
        }
    }
}

func requireDate(_ text: String, field: String, record: String) throws(RuleViolation) -> CivilDate {
    guard let date = CivilDate(iso: text) else {
        throw RuleViolation(.invalidInput, record: record, detail: "\(field) \"\(text)\" is not a date",
                            remedy: "Write dates as YYYY-MM-DD, e.g. 2024-09-02.")
    }
    return date
}

func requireText(_ text: String, field: String, record: String) throws(RuleViolation) {
    if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        throw RuleViolation(.invalidInput, record: record, detail: "\(field) is empty", remedy: "Fill in \(field).")
    }
}
