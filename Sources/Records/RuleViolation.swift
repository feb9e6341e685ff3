import EventLog

/// A rule the records of a school must obey. Each command that breaks one is
/// refused whole, and the log is left exactly as it was.
public enum Rule: String, Hashable, Sendable, CaseIterable {
    case consentRequired = "consent-required"
    case consentWithdrawn = "consent-withdrawn"
    case ownClassOnly = "own-class-only"
    case notInClassOnDate = "not-in-class-on-date"
    case notLessonTeacher = "not-lesson-teacher"
    case invalidGradeValue = "invalid-grade-value"
    case unknownWorkType = "unknown-work-type"
    case unknownAttendanceCode = "unknown-attendance-code"
    case outsideTimetable = "outside-timetable"
    case periodClosed = "period-closed"
    case editWindowPassed = "edit-window-passed"
    case reasonRequired = "reason-required"
    case unknownRecord = "unknown-record"
    case alreadyEnrolled = "already-enrolled"
    case notGraduatingGrade = "not-graduating-grade"
    case holiday = "holiday"
    case outsideYear = "outside-year"
    case roleRequired = "role-required"
    case duplicateRecord = "duplicate-record"
    case invalidInput = "invalid-input"
    case alreadyVoided = "already-voided"
    case loginState = "login-state"
    case passwordPolicy = "password-policy"
    case secondFactorRequired = "second-factor-required"
    case inTheFuture = "in-the-future"

    /// What the rule says, in one line.
    public var summary: String {
        switch self {
        case .consentRequired: "a login for a parent or student needs a recorded consent to process personal data"
        case .consentWithdrawn: "a withdrawn or refused consent blocks logins"
        case .ownClassOnly: "a class teacher acts only within the own class"
        case .notInClassOnDate: "a mark belongs to a student who was in that class or group on the lesson date"
        case .notLessonTeacher: "entries are made by the lesson's teacher or substitute, or by the administration"
        case .invalidGradeValue: "a grade is 1–5 or a special mark (н/а, осв, зач)"
        case .unknownWorkType: "a grade's work type must be in the reference book"
        case .unknownAttendanceCode: "an attendance code must be in the reference book"
        case .outsideTimetable: "a lesson outside the timetable's class and subject needs the substitute flag"
        case .periodClosed: "a closed reporting period cannot be changed until it is reopened"
        case .editWindowPassed: "after the edit window only the administration may correct"
        case .reasonRequired: "a correction, voiding or reopening needs a reason"
        case .unknownRecord: "a command must point at a record that exists"
        case .alreadyEnrolled: "a student is enrolled in one class of the school at a time"
        case .notGraduatingGrade: "only students of grade 9 or 11 graduate"
        case .holiday: "no lessons on holidays"
        case .outsideYear: "lessons and marks fall within the academic year"
        case .roleRequired: "the actor must hold the role the command needs"
        case .duplicateRecord: "a record is entered once; changes are corrections"
        case .invalidInput: "the command's fields must be well formed"
        case .alreadyVoided: "a voided record cannot be changed"
        case .loginState: "a login moves issued → activated, and blocked ↔ unblocked, in order"
        case .passwordPolicy: "a password has 8 to 64 characters and is not among the most common ones"
        case .secondFactorRequired: "the school requires a second factor of staff in some roles"
        case .inTheFuture: "a lesson, and so what is taken at it, is on or before the school's today"
        }
    }

    /// What the rule says, in Russian, for the messages and reports school
    /// staff, parents and students read.
    public var russianSummary: String {
        switch self {
        case .consentRequired: "логин родителю или ученику выдаётся только после согласия на обработку персональных данных"
        case .consentWithdrawn: "согласие на обработку персональных данных отозвано или не дано"
        case .ownClassOnly: "классный руководитель действует только в своём классе"
        case .notInClassOnDate: "ученик не числился в этом классе или группе в этот день"
        case .notLessonTeacher: "записи делает учитель урока (или замещающий) либо администрация"
        case .invalidGradeValue: "оценка — 1–5 или особая отметка (н/а, осв, зач, незач)"
        case .unknownWorkType: "вида работы нет в справочнике"
        case .unknownAttendanceCode: "такой отметки посещаемости нет в справочнике"
        case .outsideTimetable: "урок не по расписанию отмечается как замена"
        case .periodClosed: "отчётный период закрыт"
        case .editWindowPassed: "срок исправления учителем истёк; исправляет администрация"
        case .reasonRequired: "исправление, аннулирование и открытие периода заново требуют причины"
        case .unknownRecord: "такой записи нет"
        case .alreadyEnrolled: "ученик уже зачислен в школу"
        case .notGraduatingGrade: "выпускаются только ученики 9-х и 11-х классов"
        case .holiday: "в каникулы и воскресенье уроков нет"
        case .outsideYear: "дата вне учебного года"
        case .roleRequired: "нет нужной роли"
        case .duplicateRecord: "такая запись уже есть"
        case .invalidInput: "значение заполнено неверно"
        case .alreadyVoided: "запись аннулирована"
        case .loginState: "действие не подходит к состоянию логина"
        case .passwordPolicy: "пароль — от 8 до 64 символов и не из самых распространённых"
        case .secondFactorRequired: "школа требует от сотрудников в этой роли второй фактор при входе"
        case .inTheFuture: "урок записывают в его день или позже, не заранее"
        }
    }
}

/// A refused command: which record, which rule, what exactly, and what to do.
public struct RuleViolation: Error, Hashable, Sendable, CustomStringConvertible {
    public var rule: Rule
    /// The record the rule is about, in Russian, e.g. "оценка M000123" or
    /// "ученик S0012 (Иванов Пётр)".
    public var record: String
    /// What exactly is wrong, in Russian.
    public var detail: String
    /// What to do, in Russian, in words that fit every door (the web pages and
    /// the command line alike): no command names or options.
    public var remedy: String

    public init(_ rule: Rule, record: String, detail: String, remedy: String) {
        self.rule = rule
        self.record = record
        self.detail = detail
        self.remedy = remedy
    }

    public var description: String {
        "\(record): \(detail) [правило \(rule.rawValue): \(rule.russianSummary)]. \(remedy)"
    }
}

/// A batch of commands refused whole: every command that broke a rule, by its
/// place in the batch. Nothing of the batch was recorded.
public struct BatchRejected: Error, Sendable, CustomStringConvertible {
    public var failures: [(index: Int, violation: RuleViolation)]

    /// «2 команды из пакета нарушают правила; ничего не записано:» and one line per command.
    public var description: String {
        "\(Self.commands(failures.count)) из пакета \(failures.count % 10 == 1 && failures.count % 100 != 11 ? "нарушает" : "нарушают") "
            + "правила; ничего не записано:\n"
            + failures.map { "  #\($0.index + 1): \($0.violation)" }.joined(separator: "\n")
    }

    /// «1 команда», «2 команды», «5 команд».
    static func commands(_ count: Int) -> String {
        let (tens, ones) = (count % 100 / 10, count % 10)
        if tens == 1 || ones == 0 || ones >= 5 { return "\(count) команд" }
        return ones == 1 ? "\(count) команда" : "\(count) команды"
    }
}
