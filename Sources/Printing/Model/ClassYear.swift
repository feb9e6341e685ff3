import EventLog
import Foundation
import Projections

/// Everything a class's year-end book prints, read from the views by their
/// public queries: the same rows `letopis journal`, `summary`, `report academic`
/// and `changes` show.
public struct ClassYear: Sendable {
    /// One subject of the class, or of one of its groups, for the whole year.
    public struct Section: Sendable {
        public var title: String
        public var journal: ClassJournal
    }

    public struct Period: Sendable {
        public var id: String, name: String
        public var starts: String, ends: String
    }

    public var schoolID: String
    public var schoolName: String
    public var director: String
    public var classID: String, className: String, year: Int
    public var classTeacher: String
    /// The class's reporting periods, in order (the year not included).
    public var periods: [Period]
    public var sections: [Section]
    /// Subject id → short name, for the narrow columns of the summary sheet.
    public var subjectShortNames: [String: String]
    /// Work type id → name, for the corrections («5 (test)» is printed «5 (контрольная работа)»).
    public var workTypeNames: [String: String]
    public var summary: SummarySheet
    /// Per period, then the year: the attendance of each student.
    public var attendance: [(period: Period, rows: [AcademicReport.Attendance])]
    public var changes: ChangeLog

    /// The classes of `year` (the latest year when nil), 5А before 5Б before 10А.
    public static func classes(_ source: any ViewSource, year: Int?) throws -> [ClassRow] {
        let all = try Lookup(source).classes()
        guard let year = year ?? all.map({ Int($0.year) }).max() else { return [] }
        return all.filter { Int($0.year) == year }.sorted { ($0.grade, $0.name) < ($1.grade, $1.name) }
    }

    /// The class named `name` (or with that id) in `year` (the latest year that has it when nil).
    public static func resolveClass(_ source: any ViewSource, _ name: String, year: Int?) throws -> ClassRow {
        let all = try Lookup(source).classes()
        let named = all.filter { $0.id == name || $0.name.lowercased() == name.lowercased() }
        if let year {
            if let found = named.first(where: { Int($0.year) == year }) { return found }
        } else if let latest = named.max(by: { $0.year < $1.year }) {
            return latest
        }
        let inYear = try classes(source, year: year)
        throw ViewError.unknown(what: year.map { "class of \($0)" } ?? "class", given: name, known: inYear.map(\.name))
    }

    public static func gather(_ source: any ViewSource, class klass: ClassRow) throws -> ClassYear {
        let lookup = Lookup(source)
        let school = try lookup.school()
        let periodRows = try lookup.periods(for: klass)
        let yearRow = lookup.yearPeriod(klass, periodRows)
        let periods = periodRows.map { Period(id: $0.id, name: $0.name, starts: $0.starts.iso, ends: $0.ends.iso) }
        let yearPeriod = Period(id: yearRow.id, name: "год", starts: yearRow.starts.iso, ends: yearRow.ends.iso)

        // The units' subjects, from the lessons actually held.
        var units: [(id: String, name: String, group: String?)] = [(klass.id, klass.name, nil)]
        units += try lookup.groups(of: klass.id).sorted { $0.name < $1.name }.map { ($0.id, $0.name, $0.name) }
        var sections: [Section] = []
        for unit in units {
            var subjects = Set<String>()
            let prefix = RowKey(unit.id)
            try source.scan(ViewTables.subjectLessons, prefix: prefix) { key, _ in
                subjects.insert(key.text(at: prefix.bytes.count).0)
                return true
            }
            for subject in subjects {
                let journal = unit.group == nil
                    ? try ClassJournal.query(source, class: klass.id, subject: subject, period: yearRow.id)
                    : try ClassJournal.query(source, group: unit.id, subject: subject, period: yearRow.id)
                guard !journal.lessons.isEmpty else { continue }
                let title = unit.group.map { "\(journal.subject.name), группа \($0)" } ?? journal.subject.name
                sections.append(Section(title: title, journal: journal))
            }
        }
        sections.sort { ($0.journal.subject.name, $0.title) < ($1.journal.subject.name, $1.title) }

        let summary = try SummarySheet.query(source, class: klass.id)
        // `today` past the year: each period's attendance counts the students of its last day.
        let after = yearRow.ends + 1
        let attendance = try (periods + [yearPeriod]).map { period in
            (period, try AcademicReport.query(source, class: klass.id, period: period.id, today: after).attendance)
        }
        let changes = try ChangeLog.query(source, class: klass.id)
        return ClassYear(
            schoolID: school?.id ?? "", schoolName: school.map { $0.fullName.isEmpty ? $0.shortName : $0.fullName } ?? "",
            director: school?.director ?? "", classID: klass.id, className: klass.name, year: Int(klass.year),
            classTeacher: klass.teacher.isEmpty ? "" : try fullStaffName(source, klass.teacher),
            periods: periods, sections: sections,
            subjectShortNames: Dictionary(try lookup.subjects().map { ($0.id, $0.shortName.isEmpty ? $0.name : $0.shortName) },
                                          uniquingKeysWith: { a, _ in a }),
            workTypeNames: try lookup.workTypes().mapValues(\.name),
            summary: summary, attendance: attendance, changes: changes)
    }

    static func fullStaffName(_ source: any ViewSource, _ id: String) throws -> String {
        try source.get(ViewTables.staff, RowKey(id))?.name.full ?? id
    }
}
