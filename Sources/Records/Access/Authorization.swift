import Catalog
import EventLog
import Foundation

/// Who may do what: the checks every command makes of its actor.
extension CommandContext {
    var today: CivilDate { now.civilDate }
    /// The day it is at the school (Moscow time, UTC+3 all year), which can be a
    /// day later than `today` in the first hours after midnight.
    var schoolToday: CivilDate { now.adding(seconds: 3 * 3600).civilDate }

    /// The actor's role, once shown to be one of `allowed` and really held:
    /// a member of staff must have been granted it, a parent must be a
    /// registered guardian, a student a student. `system` acts only while the
    /// school has no coordinator yet (to set the school up).
    @discardableResult
    func authorize(_ allowed: Set<Role>, for record: String) throws(RuleViolation) -> Role {
        guard let role = actor.knownRole, allowed.contains(role) else {
            throw RuleViolation(
                .roleRequired, record: record,
                detail: "\(actor.userID) в роли \(actor.role) не может выполнить это действие",
                remedy: "Это действие доступно ролям: \(allowed.map(\.rawValue).sorted().joined(separator: ", ")).")
        }
        switch role {
        case .system:
            let hasCoordinator = state.staff.values.contains { $0.roles.contains { $0.role == .coordinator } }
            if hasCoordinator {
                throw RuleViolation(.roleRequired, record: record,
                                    detail: "в школе уже есть координатор, поэтому системная учётная запись больше не вносит записи",
                                    remedy: "Выполните действие от имени координатора.")
            }
        case .coordinator, .teacher, .classTeacher, .administration, .auditor:
            guard let member = state.staff[actor.userID] else {
                throw RuleViolation(.roleRequired, record: record, detail: "\(actor.userID) не числится среди сотрудников школы",
                                    remedy: "Это действие выполняет сотрудник школы, у которого есть нужная роль.")
            }
            if let left = member.leftOn, left <= today {
                throw RuleViolation(.roleRequired, record: record,
                                    detail: "\(actor.userID) уволен(а) \(left.russian)",
                                    remedy: "Это действие выполняет сотрудник, который работает в школе сейчас.")
            }
            guard member.roles.contains(where: { $0.role == role }) else {
                throw RuleViolation(.roleRequired, record: record,
                                    detail: "у \(actor.userID) \(member.name.short) нет роли \(role.rawValue)",
                                    remedy: "Попросите координатора назначить эту роль.")
            }
        case .parent:
            guard state.guardians[actor.userID] != nil else {
                throw RuleViolation(.roleRequired, record: record, detail: "\(actor.userID) нет в реестре родителей (законных представителей)",
                                    remedy: "Это действие выполняет родитель (законный представитель) из реестра.")
            }
        case .student:
            guard state.students[actor.userID] != nil else {
                throw RuleViolation(.roleRequired, record: record, detail: "\(actor.userID) нет среди учеников школы",
                                    remedy: "Это действие выполняет ученик из реестра.")
            }
        case .district:
            throw RuleViolation(.roleRequired, record: record, detail: "орган управления образованием не вносит записи в журнал школы",
                                remedy: "Записи вносят сотрудники школы.")
        }
        return role
    }

    /// The classes the acting class teacher is class teacher of.
    var ownClasses: Set<String> { state.classesTaught(asClassTeacher: actor.userID) }

    /// A class teacher acts only for people of the own class: students in it,
    /// and guardians of students in it. Other roles pass.
    func requireOwnClass(person personID: String, role: Role, record: String) throws(RuleViolation) {
        guard role == .classTeacher else { return }
        let own = ownClasses
        let classes = state.currentClasses(of: personID)
        guard !own.isDisjoint(with: classes) else {
            let theirs = classes.isEmpty ? "не относится ни к одному классу"
                : (classes.count == 1 ? "относится к классу " : "относится к классам ") + classes.sorted().joined(separator: ", ")
            throw RuleViolation(.ownClassOnly, record: record,
                                detail: "\(actor.userID) — классный руководитель \(own.sorted().joined(separator: ", ")), а \(personID) \(theirs)",
                                remedy: "Обратитесь к классному руководителю этого класса или к координатору.")
        }
    }

    /// Journal entries: the lesson's own teacher (who may be a substitute), or
    /// the administration.
    @discardableResult
    func requireLessonTeacher(_ lesson: Lesson, record: String) throws(RuleViolation) -> Role {
        let role = try authorize([.teacher, .classTeacher, .administration], for: record)
        if role != .administration && actor.userID != lesson.teacherID {
            throw RuleViolation(.notLessonTeacher, record: record,
                                detail: "урок \(lesson.id) вёл \(lesson.teacherID), а не \(actor.userID)",
                                remedy: "Эту запись вносит \(lesson.teacherID) или администрация.")
        }
        return role
    }

    /// Nothing in a closed reporting period (or a closed year) changes.
    func requireOpenPeriod(on date: CivilDate, grade: Int, record: String) throws(RuleViolation) {
        if let period = state.period(on: date, grade: grade), period.closed {
            throw RuleViolation(.periodClosed, record: record,
                                detail: "\(date.russian) относится к периоду «\(period.name)» (\(period.id)), а он закрыт",
                                remedy: "Сначала администрация должна открыть период заново, указав причину.")
        }
        if let year = state.year(containing: date), year.closed {
            throw RuleViolation(.periodClosed, record: record, detail: "учебный год \(year.year)/\(year.year + 1) закрыт",
                                remedy: "Записи закрытого учебного года окончательны.")
        }
    }

    /// After the school's edit window only the administration corrects.
    func requireWithinEditWindow(lessonDate: CivilDate, role: Role, record: String) throws(RuleViolation) {
        let days = lessonDate.days(until: today)
        if days > state.editWindowDays && role != .administration {
            throw RuleViolation(.editWindowPassed, record: record,
                                detail: "урок был \(lessonDate.russian), \(days) дн. назад, а учитель может исправлять записи в течение \(state.editWindowDays) дн.",
                                remedy: "Попросите администрацию внести исправление.")
        }
    }

    func requireReason(_ reason: String, record: String) throws(RuleViolation) {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw RuleViolation(.reasonRequired, record: record, detail: "не указана причина",
                                remedy: "Укажите причину, например «ошибка при вводе».")
        }
    }
}

func requireDate(_ text: String, field: String, record: String) throws(RuleViolation) -> CivilDate {
    guard let date = CivilDate(iso: text) else {
        throw RuleViolation(.invalidInput, record: record, detail: "\(field): «\(text)» — не дата",
                            remedy: "Укажите дату в виде ГГГГ-ММ-ДД, например 2024-09-02.")
    }
    return date
}

/// A field that must be filled: one line without control characters, or, as
/// `freeText` (a topic, homework), lines and tabs but no other control character.
func requireText(_ text: String, field: String, record: String, freeText: Bool = false) throws(RuleViolation) {
    if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
        throw RuleViolation(.invalidInput, record: record, detail: "не заполнено поле «\(field)»", remedy: "Заполните поле «\(field)».")
    }
    if freeText {
        try requirePrintable(text.filter { !["\n", "\r\n", "\r", "\t"].contains($0) }, field: field, record: record, allowFormat: true)
    } else {
        try requirePrintable(text, field: field, record: record)
    }
}
