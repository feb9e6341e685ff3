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
        }
    }
}

/// A refused command: which record, which rule, what exactly, and what to do.
public struct RuleViolation: Error, Hashable, Sendable, CustomStringConvertible {
    public var rule: Rule
    /// The record the rule is about, e.g. "grade M000123" or "student S0012 (Иванов Пётр)".
    public var record: String
    public var detail: String
    public var remedy: String

    public init(_ rule: Rule, record: String, detail: String, remedy: String) {
        self.rule = rule
        self.record = record
        self.detail = detail
        self.remedy = remedy
    }

    public var description: String {
        "\(record): \(detail) [rule \(rule.rawValue): \(rule.summary)]. \(remedy)"
    }
}

/// A batch of commands refused whole: every command that broke a rule, by its
/// place in the batch. Nothing of the batch was recorded.
public struct BatchRejected: Error, Sendable, CustomStringConvertible {
    public var failures: [(index: Int, violation: RuleViolation)]

    public var description: String {
        "\(failures.count) of the batch's commands broke the rules; nothing was recorded:\n"
            + failures.map { "  #\($0.index + 1): \($0.violation)" }.joined(separator: "\n")
    }
}
