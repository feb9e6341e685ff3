import EventLog
import Foundation

/// The kinds of anomaly the audit looks for (docs/auditors.md lists what each means).
public enum AnomalyKind: String, Codable, CaseIterable, Sendable {
    /// A lesson's topic or roll entered after the lesson's day.
    case lateLessonEntry = "late-lesson-entry"
    /// Homework entered more than the grace after the class's last lesson that day.
    case lateHomework = "late-homework"
    /// A grade corrected or voided after the school's edit window.
    case afterEditWindow = "after-edit-window"
    /// An entry about a reporting period while the period was closed.
    case closedPeriodChange = "closed-period-change"
    /// A closed period reopened: its reason and what was changed until it closed again.
    case periodReopened = "period-reopened"
    /// An entry whose effective date is long before the day it was recorded.
    case backdated = "backdated"
    /// One editor changing many grades within minutes.
    case editBurst = "edit-burst"
    /// An event recorded by a user all of whose logins were blocked.
    case blockedUserChange = "blocked-user-change"
    /// A calendar quarter without a recorded backup.
    case quarterWithoutBackup = "quarter-without-backup"
    /// A login issued to a student or parent with no consent on record.
    case loginWithoutConsent = "login-without-consent"
    /// A lesson, its roll, topic or a grade recorded before the lesson's day.
    case aheadOfItsDay = "ahead-of-its-day"

    /// The heading of the kind in Russian, for reports people read.
    public var title: String {
        switch self {
        case .lateLessonEntry: "тема или посещаемость внесены после дня урока"
        case .lateHomework: "домашнее задание внесено позже часа после последнего урока"
        case .afterEditWindow: "оценка изменена после окна исправлений"
        case .closedPeriodChange: "изменение в закрытом периоде"
        case .periodReopened: "период открыт повторно"
        case .backdated: "запись задним числом"
        case .editBurst: "массовое изменение оценок"
        case .blockedUserChange: "запись от заблокированного пользователя"
        case .quarterWithoutBackup: "квартал без резервной копии"
        case .loginWithoutConsent: "логин выдан без согласия на обработку ПДн"
        case .aheadOfItsDay: "урок или отметки записаны раньше дня урока"
        }
    }
}

/// One anomaly with the events behind it.
public struct Finding: Codable, Sendable, Equatable {
    public var kind: AnomalyKind
    /// The events that show it, in log order.
    public var sequences: [UInt64]
    /// Recorded-at of the (first) event, ISO UTC; for a quarter, its first day.
    public var at: String
    /// Who recorded it, when one person did.
    public var actor: String?
    /// The record concerned, e.g. a lesson id, a grade id, a person, a period.
    public var record: String
    /// One line in Russian saying what is wrong.
    public var explanation: String
}

/// Where the audit draws the lines. Defaults follow the regulations behind the
/// rules; each can be changed on the command line.
public struct AnomalyThresholds: Codable, Sendable, Equatable {
    /// An entry is backdated when recorded more than this many days after its effective date.
    public var backdatingDays = 14
    /// More than this many grade changes by one editor …
    public var burstCount = 20
    /// … within this many minutes is a burst.
    public var burstMinutes = 10
    /// Homework is late after this many minutes past the class's last lesson of the day.
    public var homeworkGraceMinutes = 60
    /// Overrides the school's edit window (SchoolRegistered.edit_window_days, 7 when unset).
    public var editWindowDays: Int?
    /// The school's zone, hours east of UTC: days and bell times are local.
    public var utcOffsetHours = 3

    public init() {}
}

/// The anomalies of one school's log within a range of it.
public struct AnomalyReport: Codable, Sendable {
    public var school: String
    /// Findings are about events from … through (sequences).
    public var from: UInt64
    public var through: UInt64
    public var thresholds: AnomalyThresholds
    /// Findings per kind, every kind listed (0 included: "looked, found none").
    public var counts: [String: Int]
    public var findings: [Finding]
}
