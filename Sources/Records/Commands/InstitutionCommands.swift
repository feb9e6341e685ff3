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
        let record = "школа \(details.schoolID)"
        try c.authorize(setUpRoles, for: record)
        if let existing = c.state.school, existing.schoolID != details.schoolID {
            throw RuleViolation(.duplicateRecord, record: record, detail: "эта база записей принадлежит школе \(existing.schoolID)",
                                remedy: "У каждой школы своя база записей.")
        }
        try requireText(details.shortName, field: "название школы", record: record)
        guard details.editWindowDays >= 0 && details.editWindowDays <= 60 else {
            throw RuleViolation(.invalidInput, record: record, detail: "срок исправления записей учителем — \(details.editWindowDays) дн.",
                                remedy: "Укажите от 0 до 60 дн.; 0 — срок по умолчанию, 7 дн.")
        }
        return Decision(on, [details])
    }
}

public struct DefineAcademicYear: Command {
    public var definition: AcademicYearDefined

    public init(_ definition: AcademicYearDefined) { self.definition = definition }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "учебный год \(definition.year)/\(definition.year + 1)"
        try c.authorize(setUpRoles, for: record)
        let start = try requireDate(definition.startsOn, field: "первый день", record: record)
        let end = try requireDate(definition.endsOn, field: "последний день", record: record)
        guard start < end, start.year == Int(definition.year) else {
            throw RuleViolation(.invalidInput, record: record, detail: "даты учебного года: \(start.russian)–\(end.russian)",
                                remedy: "Учебный год начинается в \(definition.year) году и заканчивается позже, чем начинается.")
        }
        if c.state.years[Int(definition.year)]?.closed == true {
            throw RuleViolation(.periodClosed, record: record, detail: "учебный год закрыт", remedy: "Закрытый учебный год изменить нельзя.")
        }
        for holiday in definition.holidays {
            let from = try requireDate(holiday.startsOn, field: "начало «\(holiday.name)»", record: record)
            let to = try requireDate(holiday.endsOn, field: "конец «\(holiday.name)»", record: record)
            guard from <= to, from >= start, to <= end else {
                throw RuleViolation(.invalidInput, record: record,
                                    detail: "«\(holiday.name)» \(from.russian)–\(to.russian): даты каникул не укладываются в учебный год",
                                    remedy: "Каникулы должны быть внутри учебного года, а их первый день — не позже последнего.")
            }
        }
        return Decision(start, [definition])
    }
}

public struct DefineReportingPeriods: Command {
    public var definition: ReportingPeriodsDefined

    public init(_ definition: ReportingPeriodsDefined) { self.definition = definition }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "отчётные периоды \(definition.scheme), учебный год \(definition.year)"
        try c.authorize(setUpRoles, for: record)
        guard let year = c.state.years[Int(definition.year)] else {
            throw RuleViolation(.unknownRecord, record: record, detail: "учебный год \(definition.year) не задан",
                                remedy: "Сначала задайте учебный год.")
        }
        guard !definition.periods.isEmpty, !definition.grades.isEmpty,
              definition.grades.allSatisfy({ (1...11).contains($0) }) else {
            throw RuleViolation(.invalidInput, record: record, detail: "не указаны периоды или параллели, либо параллели вне 1–11",
                                remedy: "Укажите периоды и параллели (1–11), к которым они относятся.")
        }
        var previousEnd: CivilDate?
        for period in definition.periods {
            let from = try requireDate(period.startsOn, field: "начало \(period.periodID)", record: record)
            let to = try requireDate(period.endsOn, field: "конец \(period.periodID)", record: record)
            guard from <= to, year.contains(from), year.contains(to), previousEnd.map({ $0 < from }) ?? true else {
                throw RuleViolation(.invalidInput, record: record,
                                    detail: "период \(period.periodID) \(from.russian)–\(to.russian) выходит за пределы учебного года или пересекается с предыдущим",
                                    remedy: "Периоды идут один за другим внутри учебного года.")
            }
            if let existing = c.state.periods[period.periodID], existing.closed {
                throw RuleViolation(.periodClosed, record: "отчётный период \(period.periodID)", detail: "период закрыт",
                                    remedy: "Чтобы изменить период, администрация должна сначала открыть его заново, указав причину.")
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
            record = "расписание звонков «\(e.name)»"
            guard !e.bells.isEmpty, e.bells.allSatisfy({ $0.slot >= 0 && $0.startsAt < $0.endsAt }) else {
                throw RuleViolation(.invalidInput, record: record, detail: "звонков нет или урок заканчивается раньше, чем начинается",
                                    remedy: "Укажите для каждого урока время начала и окончания в виде ЧЧ:ММ.")
            }
        case .subjectDefined(let e):
            record = "предмет \(e.subjectID)"
            try requireText(e.subjectID, field: "код предмета", record: record)
            try requireText(e.name, field: "название предмета", record: record)
        case .workTypeDefined(let e):
            record = "вид работы \(e.workTypeID)"
            guard (1...10).contains(e.weight) else {
                throw RuleViolation(.invalidInput, record: record, detail: "вес \(e.weight)", remedy: "Укажите вес от 1 до 10.")
            }
        case .attendanceCodeDefined(let e):
            record = "отметка посещаемости \(e.code)"
            try requireText(e.code, field: "код", record: record)
        case .referenceEntryDefined(let e):
            record = "справочник \(e.book), запись \(e.code)"
            try requireText(e.code, field: "код", record: record)
        default:
            record = "справочник"
        }
        try c.authorize(setUpRoles, for: record)
        return Decision(on, [entry])
    }
}
