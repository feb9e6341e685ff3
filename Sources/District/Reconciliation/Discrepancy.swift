import EventLog
import Foundation

/// What the district's reconciliation reports.
public enum DiscrepancyKind: String, CaseIterable, Codable, Sendable {
    /// The same student (by SNILS) on the rolls of two schools on the same day.
    case doubleEnrolment = "double-enrolment"
    /// Left for a school of the district, and not arrived there within the window.
    case departureWithoutArrival = "departure-without-arrival"
    /// Arrived from a school of the district that records no departure to here.
    case arrivalWithoutDeparture = "arrival-without-departure"
    /// A figure of a school's submitted report differs from its log as it stood then.
    case reportFigures = "report-figures"
    /// A reporting period ended (or was closed) and a class of it has no final grade.
    case periodWithoutFinals = "period-without-finals"
    /// The school's last bundle is older than the threshold.
    case staleBundle = "stale-bundle"
    /// A whole calendar quarter without a recorded backup.
    case quarterWithoutBackup = "quarter-without-backup"

    public var title: String {
        switch self {
        case .doubleEnrolment: "ученик числится в двух школах одновременно"
        case .departureWithoutArrival: "выбыл в школу района, но не прибыл в неё"
        case .arrivalWithoutDeparture: "прибыл из школы района, но там не выбывал"
        case .reportFigures: "цифры отчёта школы расходятся с её журналом"
        case .periodWithoutFinals: "период окончен без итоговых отметок"
        case .staleBundle: "давно не было пакета от школы"
        case .quarterWithoutBackup: "квартал без резервной копии"
        }
    }
}

/// One event behind a discrepancy, as the district holds it.
public struct EventRef: Codable, Sendable, Hashable, Comparable {
    public var school: String
    public var sequence: UInt64
    /// The event's id (UUID, lowercase).
    public var id: String

    public init(school: String, sequence: UInt64, id: UUID) {
        self.school = school
        self.sequence = sequence
        self.id = id.uuidString.lowercased()
    }

    public static func < (a: EventRef, b: EventRef) -> Bool { (a.school, a.sequence) < (b.school, b.sequence) }

    /// «s01 #1234 (0193…)».
    public var text: String { "\(school) #\(sequence) (\(id))" }
}

/// One thing that does not add up, with the events behind it.
public struct Discrepancy: Codable, Sendable {
    public var kind: DiscrepancyKind
    /// The schools concerned, the first being the one whose record is in question.
    public var schools: [String]
    /// What it is about: a SNILS, a report, a period and class, a quarter.
    public var record: String
    /// In Russian, for the district's staff.
    public var explanation: String
    public var events: [EventRef]
}

/// The thresholds and date of a reconciliation.
public struct ReconcileOptions: Codable, Sendable {
    /// The day the district looks from (end of day).
    public var asOf: CivilDate
    /// A departure to a school of the district must be matched by an arrival there within this many days.
    public var arrivalDays = 10
    /// A school's last bundle must be no older than this.
    public var staleDays = 30
    /// A period is checked for final grades once closed, or this many days after its end.
    public var finalsDays = 7

    public init(asOf: CivilDate) {
        self.asOf = asOf
    }
}

/// Everything a reconciliation found.
public struct ReconciliationReport: Codable, Sendable {
    public var options: ReconcileOptions
    public var schools: [String]
    /// Per kind, how many; every kind is listed.
    public var counts: [String: Int]
    public var discrepancies: [Discrepancy]

    public var isClean: Bool { discrepancies.isEmpty }
}
