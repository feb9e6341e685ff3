import EventLog
import Foundation

/// The contingent: headcount by class on a date (as the ОО-1 form counts it on
/// 20 September), and the arrivals, departures and moves in a period with
/// where from, where to and the director's order numbers.
public struct ContingentReport: Codable, Sendable, Equatable {
    public struct ClassCount: Codable, Sendable, Equatable {
        public var classID: String, name: String, grade: Int
        public var boys: Int, girls: Int, total: Int
    }

    public struct Movement: Codable, Sendable, Equatable {
        public var date: String
        /// enrolled, arrived, moved, left, graduated (promotions are only counted).
        public var kind: String
        public var student: String, name: String
        public var fromClass: String, toClass: String
        /// The school the student came from or went to.
        public var counterpart: String
        public var orderNumber: String
        public var reason: String
    }

    public var school: String
    public var date: String
    public var classes: [ClassCount]
    public var total: Int
    public var from: String?
    public var to: String?
    public var movements: [Movement]
    public var arrivals: Int
    public var departures: Int
    public var promotions: Int
}

extension ContingentReport {
    public static func query(_ source: any ViewSource, date: Day, from: Day? = nil, to: Day? = nil) throws -> ContingentReport {
        let lookup = Lookup(source)
        let year = try lookup.academicYear(of: date)
        var counts: [ClassCount] = []
        for klass in try lookup.classes().sorted(by: Lookup.classOrder) {
            let students = try lookup.roster(klass.id, from: date, to: date).map(\.student)
            guard klass.year == year || !students.isEmpty else { continue }
            let boys = students.filter { $0.sex == 1 }.count, girls = students.filter { $0.sex == 2 }.count
            counts.append(ClassCount(classID: klass.id, name: klass.name, grade: Int(klass.grade), boys: boys, girls: girls,
                                     total: students.count))
        }
        var movements: [Movement] = []
        var arrivals = 0, departures = 0, promotions = 0
        if let from, let to {
            var names: [String: String] = [:]
            var start = RowKey()
            start.day(from)
            try source.scan(ViewTables.movements, prefix: RowKey(), from: start) { key, row in
                guard key.day(at: 0) <= to else { return false }
                switch row.kind {
                case "enrolled", "arrived": arrivals += 1
                case "left", "graduated": departures += 1
                case "promoted":
                    promotions += 1
                    return true
                default: break
                }
                if names[row.student] == nil {
                    names[row.student] = try source.get(ViewTables.students, RowKey(row.student))?.name.full ?? row.student
                }
                movements.append(Movement(
                    date: row.on.iso, kind: row.kind, student: row.student, name: names[row.student]!,
                    fromClass: row.fromClass, toClass: row.toClass, counterpart: row.counterpart,
                    orderNumber: row.orderNumber, reason: row.reason))
                return true
            }
        }
        return ContingentReport(
            school: try lookup.school()?.id ?? "", date: date.iso, classes: counts, total: counts.map(\.total).reduce(0, +),
            from: from?.iso, to: to?.iso, movements: movements, arrivals: arrivals, departures: departures,
            promotions: promotions)
    }
}

/// Unique users signed in per day, by category, from the sign-in events.
public struct ActivityReport: Codable, Sendable, Equatable {
    public struct DayLine: Codable, Sendable, Equatable {
        public var date: String
        public var staff: Int, students: Int, parents: Int
        public var total: Int
    }

    public var schools: [String]
    public var from: String, to: String
    public var days: [DayLine]
    /// Distinct users over the whole range (a school's logins are its own, so
    /// schools add up).
    public var uniqueStaff: Int, uniqueStudents: Int, uniqueParents: Int

    public static func query(_ source: any ViewSource, from: Day, to: Day) throws -> ActivityReport {
        var perDay: [Day: [Int]] = [:]
        var unique: [Set<String>] = Array(repeating: [], count: 4)
        var start = RowKey()
        start.day(from)
        try source.scan(ViewTables.signIns, prefix: RowKey(), from: start) { key, _ in
            let day = key.day(at: 0)
            guard day <= to else { return false }
            let category = Int(key.bytes[4])
            let login = key.text(at: 5).0
            perDay[day, default: [0, 0, 0, 0]][category] += 1
            unique[category].insert(login)
            return true
        }
        let days = stride(from: from, through: to, by: 1).map { day -> DayLine in
            let c = perDay[day] ?? [0, 0, 0, 0]
            return DayLine(date: day.iso, staff: c[1], students: c[2], parents: c[3], total: c.reduce(0, +))
        }
        let school = try Lookup(source).school()?.id ?? ""
        return ActivityReport(schools: [school], from: from.iso, to: to.iso, days: days, uniqueStaff: unique[1].count,
                              uniqueStudents: unique[2].count, uniqueParents: unique[3].count)
    }

    /// Several schools' reports day by day added up.
    public static func combine(_ reports: [ActivityReport]) -> ActivityReport? {
        guard var total = reports.first else { return nil }
        for report in reports.dropFirst() {
            total.schools += report.schools
            for (i, line) in report.days.enumerated() where i < total.days.count {
                total.days[i].staff += line.staff
                total.days[i].students += line.students
                total.days[i].parents += line.parents
                total.days[i].total += line.total
            }
            total.uniqueStaff += report.uniqueStaff
            total.uniqueStudents += report.uniqueStudents
            total.uniqueParents += report.uniqueParents
        }
        return total
    }
}
