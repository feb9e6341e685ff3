import EventLog
import Foundation

/// A selector that names nothing the school has, or a request that cannot be
/// answered; the message lists what does exist, so the user can pick.
public enum ViewError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknown(what: String, given: String, known: [String])
    case invalid(String)

    public var description: String {
        switch self {
        case let .unknown(what, given, known):
            let list = known.isEmpty ? "there are none yet" : "known: " + known.joined(separator: ", ")
            return "unknown \(what) \"\(given)\"; \(list)"
        case let .invalid(message):
            return message
        }
    }
}

/// Reads and resolves the registry's reference data for view queries: names to
/// ids, periods of a class, the academic year of a date.
public struct Lookup {
    public let source: any ViewSource

    public init(_ source: any ViewSource) { self.source = source }

    public func school() throws -> SchoolRow? { try source.get(ViewTables.school, RowKey("school")) }

    public func classes() throws -> [ClassRow] { try source.rows(ViewTables.classes).map(\.row) }

    public func groups(of classID: String? = nil) throws -> [GroupRow] {
        try source.rows(ViewTables.groups).map(\.row).filter { classID == nil || $0.classID == classID }
    }

    /// A class by id (`2024-5А`) or by name (`5А`) in the latest year that has it.
    public func resolveClass(_ given: String) throws -> ClassRow {
        let all = try classes()
        if let exact = all.first(where: { $0.id == given }) { return exact }
        let named = all.filter { $0.name.lowercased() == given.lowercased() }
        if let latest = named.max(by: { $0.year < $1.year }) { return latest }
        let latestYear = all.map(\.year).max()
        let known = all.filter { $0.year == latestYear }.sorted(by: Self.classOrder).map(\.name)
        throw ViewError.unknown(what: "class", given: given, known: known)
    }

    /// A group by id (`2024-5А/англ-1`), or `<class name>/<group name>` (`5А/англ-1`).
    public func resolveGroup(_ given: String) throws -> GroupRow {
        let all = try groups()
        if let exact = all.first(where: { $0.id == given }) { return exact }
        if let slash = given.lastIndex(of: "/") {
            let className = String(given[..<slash]), groupName = String(given[given.index(after: slash)...])
            if let owner = try? resolveClass(className),
               let group = all.first(where: { $0.classID == owner.id && $0.name.lowercased() == groupName.lowercased() }) {
                return group
            }
        }
        throw ViewError.unknown(what: "group", given: given, known: all.map(\.id).sorted())
    }

    public func subjects() throws -> [SubjectRow] { try source.rows(ViewTables.subjects).map(\.row) }

    /// A subject by id, name or short name (any case).
    public func resolveSubject(_ given: String) throws -> SubjectRow {
        let all = try subjects()
        let lower = given.lowercased()
        if let found = all.first(where: { $0.id == given })
            ?? all.first(where: { $0.name.lowercased() == lower || $0.shortName.lowercased() == lower }) {
            return found
        }
        throw ViewError.unknown(what: "subject", given: given, known: all.map { "\($0.id) (\($0.name))" }.sorted())
    }

    public func subjectName(_ id: String) throws -> String {
        try source.get(ViewTables.subjects, RowKey(id))?.name ?? id
    }

    /// The reporting periods that apply to a class: its year and its grade.
    public func periods(for klass: ClassRow) throws -> [PeriodRow] {
        try source.rows(ViewTables.periods).map(\.row)
            .filter { $0.year == klass.year && ($0.grades.isEmpty || $0.grades.contains(klass.grade)) }
            .sorted { ($0.starts, $0.id) < ($1.starts, $1.id) }
    }

    /// A period of the class by id or name; nil `given` picks the one that
    /// contains `today`, or else the latest that has begun, or else the first.
    public func resolvePeriod(_ given: String?, for klass: ClassRow, today: Day) throws -> PeriodRow {
        let all = try periods(for: klass)
        if let given {
            let lower = given.lowercased()
            if let found = all.first(where: { $0.id == given || $0.name.lowercased() == lower }) { return found }
            if given == "\(klass.year)-Y" || lower == "год" || lower == "year" { return yearPeriod(klass, all) }
            throw ViewError.unknown(what: "period", given: given,
                                    known: all.map { "\($0.id) (\($0.name))" } + ["\(klass.year)-Y (год)"])
        }
        if let current = all.first(where: { $0.starts <= today && today <= $0.ends }) { return current }
        if let begun = all.last(where: { $0.starts <= today }) ?? all.first { return begun }
        throw ViewError.unknown(what: "period", given: "(current)", known: [])
    }

    /// The whole year as a pseudo-period `<year>-Y`, spanning its periods.
    public func yearPeriod(_ klass: ClassRow, _ periods: [PeriodRow]? = nil) -> PeriodRow {
        let all = periods ?? ((try? self.periods(for: klass)) ?? [])
        let year = try? source.get(ViewTables.years, RowKey(String(klass.year)))
        let starts = year?.starts ?? all.map(\.starts).min() ?? CivilDate(year: Int(klass.year), month: 9, day: 1)!.daysSinceEpoch
        let ends = year?.ends ?? all.map(\.ends).max() ?? CivilDate(year: Int(klass.year) + 1, month: 5, day: 31)!.daysSinceEpoch
        return PeriodRow(id: "\(klass.year)-Y", year: klass.year, scheme: "", kind: 0, name: "год",
                         starts: starts, ends: ends, grades: [klass.grade])
    }

    public func student(_ id: String) throws -> StudentRow {
        if let row = try source.get(ViewTables.students, RowKey(id)) { return row }
        let known = try source.rows(ViewTables.students).map(\.key.textParts.first!).prefix(30)
        throw ViewError.unknown(what: "student", given: id, known: Array(known) + (known.count == 30 ? ["…"] : []))
    }

    public func staffName(_ id: String) throws -> String {
        guard !id.isEmpty else { return "" }
        return try source.get(ViewTables.staff, RowKey(id))?.name.short ?? id
    }

    public func codes() throws -> [String: AttendanceCodeRow] {
        Dictionary(try source.rows(ViewTables.codes).map { ($0.row.code, $0.row) }, uniquingKeysWith: { a, _ in a })
    }

    public func workTypes() throws -> [String: WorkTypeRow] {
        Dictionary(try source.rows(ViewTables.workTypes).map { ($0.row.id, $0.row) }, uniquingKeysWith: { a, _ in a })
    }

    /// Students of a class or group with when they were in it, among those who
    /// were in it at some time between `start` and `end`, alphabetically.
    public func roster(_ unit: String, from start: Day, to end: Day) throws -> [(student: StudentRow, spans: [DaySpan])] {
        var out: [(StudentRow, [DaySpan])] = []
        try source.scan(ViewTables.roster, prefix: RowKey(unit)) { key, row in
            let spans = row.spans.filter { $0.overlaps(start, end) }
            guard !spans.isEmpty else { return true }
            let id = key.text(at: RowKey(unit).bytes.count).0
            if let student = try source.get(ViewTables.students, RowKey(id)) { out.append((student, spans)) }
            return true
        }
        return out.sorted { ($0.0.name.sortKey, $0.0.id) < ($1.0.name.sortKey, $1.0.id) }
    }

    /// The academic year that `day` falls in (its first calendar year).
    public func academicYear(of day: Day) throws -> Int32 {
        let years = try source.rows(ViewTables.years).map(\.row)
        if let inside = years.first(where: { $0.starts <= day && day <= $0.ends }) { return inside.year }
        if let before = years.filter({ $0.starts <= day }).max(by: { $0.year < $1.year }) { return before.year }
        let date = day.civil
        return Int32(date.month >= 8 ? date.year : date.year - 1)
    }

    /// `5А` before `5Б` before `10А`: by grade, then by name.
    static func classOrder(_ a: ClassRow, _ b: ClassRow) -> Bool { (a.grade, a.name) < (b.grade, b.name) }
}

/// The Russian names of the days of the week, Monday first.
enum RussianCalendar {
    static let weekdays = ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"]
    static let weekdaysShort = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"]
}

extension Double {
    /// Rounded to `places` decimals, for percentages and averages in views.
    func rounded(places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
