import EventLog
import Foundation
import Projections

/// The district's views, from every imported school's log: the same reports a
/// school makes of itself (`Projections`), each school replayed in memory, put
/// side by side with the district's totals.
public struct DistrictReports: Sendable {
    public let district: DistrictStore

    public init(district: DistrictStore) {
        self.district = district
    }

    /// The rollout report of every school as of the end of `date`, with the district's totals.
    public func rollout(asOf date: Day) throws -> RolloutReport {
        let parts = try district.perSchool { school -> (RolloutReport.School, String) in
            let views = try district.views(of: school)
            return (try RolloutReport.school(views, asOf: date), try Lookup(views).school()?.district ?? "")
        }
        return RolloutReport.combine(parts.map(\.0), asOf: date, scope: "district", district: parts.first { !$0.1.isEmpty }?.1 ?? "")
    }

    /// The academic report of every class of every school for `period` (a
    /// name such as «1 четверть»; nil: each class's period current on `today`).
    /// Classes the period does not apply to are left out.
    public func academic(period: String?, subject: String?, today: Day) throws -> DistrictAcademicReport {
        let schools = try district.perSchool { school -> DistrictAcademicReport.School in
            let views = try district.views(of: school)
            let lookup = Lookup(views)
            let year = try lookup.academicYear(of: today)
            var reports: [AcademicReport] = []
            let classes = try lookup.classes().filter { $0.year == year }.sorted { ($0.grade, $0.name) < ($1.grade, $1.name) }
            for klass in classes {
                do {
                    reports.append(try AcademicReport.query(views, class: klass.id, period: period, subject: subject, today: today))
                } catch is ViewError {
                    continue
                }
            }
            return DistrictAcademicReport.School(school: school, name: try lookup.school()?.shortName ?? school, classes: reports)
        }
        return DistrictAcademicReport(period: period, date: CivilDate(daysSinceEpoch: today).iso, schools: schools)
    }

    /// Headcount by school and class on `date` (ОО-1 counts on 20 September).
    public func contingent(date: Day) throws -> DistrictContingentReport {
        let schools = try district.perSchool { school -> DistrictContingentReport.School in
            let views = try district.views(of: school)
            return DistrictContingentReport.School(name: try Lookup(views).school()?.shortName ?? school,
                                                   report: try ContingentReport.query(views, date: date))
        }
        return DistrictContingentReport(date: CivilDate(daysSinceEpoch: date).iso, schools: schools,
                                        total: schools.map(\.report.total).reduce(0, +))
    }
}

/// The academic report of every class of the district's schools.
public struct DistrictAcademicReport: Codable, Sendable {
    public struct School: Codable, Sendable {
        public var school: String
        public var name: String
        public var classes: [AcademicReport]
    }

    /// The period asked for; nil: each class's current one.
    public var period: String?
    public var date: String
    public var schools: [School]

    public struct Totals: Codable, Sendable {
        public var assessed: Int
        public var withoutFinal: Int
        public var success: Share
        public var quality: Share
        public var averageMark: Double?
    }

    /// Success and quality summed over classes: the shares of all assessed students.
    public var total: Totals {
        let all = schools.flatMap(\.classes).map(\.results)
        let assessed = all.map(\.assessed).reduce(0, +)
        let marks = all.compactMap { r in r.averageMark.map { ($0 * Double(r.assessed), r.assessed) } }
        let weight = marks.map(\.1).reduce(0, +)
        return Totals(
            assessed: assessed, withoutFinal: all.map(\.withoutFinal).reduce(0, +),
            success: Share(all.map(\.success.count).reduce(0, +), of: all.map(\.success.total).reduce(0, +)),
            quality: Share(all.map(\.quality.count).reduce(0, +), of: all.map(\.quality.total).reduce(0, +)),
            averageMark: weight > 0 ? (marks.map(\.0).reduce(0, +) / Double(weight) * 100).rounded() / 100 : nil)
    }
}

/// Headcount of every school by class.
public struct DistrictContingentReport: Codable, Sendable {
    public struct School: Codable, Sendable {
        public var name: String
        public var report: ContingentReport
    }

    public var date: String
    public var schools: [School]
    public var total: Int
}
