import Catalog
import EventLog

/// Commands that set up the school and its reference books: the coordinator's
/// work before the year starts (plans/003, items 9–12).
private let setUpRoles: Set<Role> = [.system, .coordinator, .administration]

public struct RegisterSchool: Command {
    public var details: SchoolRegistered
    public var on: CivilDate

    public init(_ details: SchoolRegistered, on: CivilDate) {
        self.details = details
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "school \(details.schoolID)"
        try c.authorize(setUpRoles, for: record)
        if let existing = c.state.school, existing.schoolID != details.schoolID {
            throw RuleViolation(.duplicateRecord, record: record, detail: "this log belongs to \(existing.schoolID)",
                                remedy: "Each school has its own log.")
        }
        try requireText(details.shortName, field: "the school's name", record: record)
        guard details.editWindowDays >= 0 && details.editWindowDays <= 60 else {
            throw RuleViolation(.invalidInput, record: record, detail: "an edit window of \(details.editWindowDays) days",
                                remedy: "Use 0 (the default, 7) to 60 days.")
        }
        return Decision(on, [details])
    }
}

public struct DefineAcademicYear: Command {
    public var definition: AcademicYearDefined

    public init(_ definition: AcademicYearDefined) { self.definition = definition }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "year \(definition.year)/\(definition.year + 1)"
        try c.authorize(setUpRoles, for: record)
        let start = try requireDate(definition.startsOn, field: "the first day", record: record)
        let end = try requireDate(definition.endsOn, field: "the last day", record: record)
        guard start < end, start.year == Int(definition.year) else {
            throw RuleViolation(.invalidInput, record: record, detail: "the year runs \(start.russian)–\(end.russian)",
                                remedy: "The year starts in \(definition.year) and ends after it starts.")
        }
        if c.state.years[Int(definition.year)]?.closed == true {
            throw RuleViolation(.periodClosed, record: record, detail: "the year is closed", remedy: "A closed year is final.")
        }
        for holiday in definition.holidays {
            let from = try requireDate(holiday.startsOn, field: "the start of «\(holiday.name)»", record: record)
            let to = try requireDate(holiday.endsOn, field: "the end of «\(holiday.name)»", record: record)
            guard from <= to, from >= start, to <= end else {
                throw RuleViolation(.invalidInput, record: record,
                                    detail: "the holiday «\(holiday.name)» \(from.russian)–\(to.russian) is not inside the year",
                                    remedy: "Give holidays inside the year, first day before last.")
            }
        }
        return Decision(start, [definition])
    }
}

public struct DefineReportingPeriods: Command {
    public var definition: ReportingPeriodsDefined

    public init(_ definition: ReportingPeriodsDefined) { self.definition = definition }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "reporting periods \(definition.scheme) of \(definition.year)"
        try c.authorize(setUpRoles, for: record)
        guard let year = c.state.years[Int(definition.year)] else {
            throw RuleViolation(.unknownRecord, record: record, detail: "the year \(definition.year) is not defined",
                                remedy: "Define the academic year first.")
        }
        guard !definition.periods.isEmpty, !definition.grades.isEmpty,
              definition.grades.allSatisfy({ (1...11).contains($0) }) else {
            throw RuleViolation(.invalidInput, record: record, detail: "no periods, or grades outside 1–11",
                                remedy: "Give the periods and the grades (1–11) they apply to.")
        }
        var previousEnd: CivilDate?
        for period in definition.periods {
            let from = try requireDate(period.startsOn, field: "the start of \(period.periodID)", record: record)
            let to = try requireDate(period.endsOn, field: "the end of \(period.periodID)", record: record)
            guard from <= to, year.contains(from), year.contains(to), previousEnd.map({ $0 < from }) ?? true else {
                throw RuleViolation(.invalidInput, record: record,
                                    detail: "\(period.periodID) \(from.russian)–\(to.russian) is outside the year or overlaps the previous period",
                                    remedy: "Periods follow one another inside the year.")
            }
            if let existing = c.state.periods[period.periodID], existing.closed {
                throw RuleViolation(.periodClosed, record: "period \(period.periodID)", detail: "it is closed",
                                    remedy: "Reopen it before redefining it.")
            }
            previousEnd = to
        }
        return Decision(year.startsOn, [definition])
    }
}

/// One command for each plain reference book entry: bells, subjects, work
/// types, attendance codes and other books.
public struct DefineReference: Command {
    public var entry: any CatalogEvent
    public var on: CivilDate

    public init(_ entry: BellScheduleDefined, on: CivilDate) { self.entry = entry; self.on = on }
    public init(_ entry: SubjectDefined, on: CivilDate) { self.entry = entry; self.on = on }
    public init(_ entry: WorkTypeDefined, on: CivilDate) { self.entry = entry; self.on = on }
    public init(_ entry: AttendanceCodeDefined, on: CivilDate) { self.entry = entry; self.on = on }
    public init(_ entry: ReferenceEntryDefined, on: CivilDate) { self.entry = entry; self.on = on }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record: String
        switch entry.domainEvent {
        case .bellScheduleDefined(let e):
            record = "bell schedule «\(e.name)»"
            guard !e.bells.isEmpty, e.bells.allSatisfy({ $0.slot >= 0 && $0.startsAt < $0.endsAt }) else {
                throw RuleViolation(.invalidInput, record: record, detail: "a bell ends before it starts, or there are none",
                                    remedy: "Give each slot its start and end, HH:MM.")
            }
        case .subjectDefined(let e):
            record = "subject \(e.subjectID)"
            try requireText(e.subjectID, field: "the subject's id", record: record)
            try requireText(e.name, field: "the subject's name", record: record)
        case .workTypeDefined(let e):
            record = "work type \(e.workTypeID)"
            guard (1...10).contains(e.weight) else {
                throw RuleViolation(.invalidInput, record: record, detail: "weight \(e.weight)", remedy: "Use a weight of 1 to 10.")
            }
        case .attendanceCodeDefined(let e):
            record = "attendance code \(e.code)"
            try requireText(e.code, field: "the code", record: record)
        case .referenceEntryDefined(let e):
            record = "reference book \(e.book), entry \(e.code)"
            try requireText(e.code, field: "the code", record: record)
        default:
            record = "reference book"
        }
        try c.authorize(setUpRoles, for: record)
        return Decision(on, [entry])
    }
}
