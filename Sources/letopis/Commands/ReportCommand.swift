import ArgumentParser
import Foundation
import Projections
import SchoolService

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports for the school's administration and the district.",
        discussion: """
            Examples:
              letopis report rollout --date 2024-10-01
              letopis report rollout --date 2024-12-28 --district --format csv --out rollout.csv
              letopis report academic --class 5А --period "1 четверть"
              letopis report contingent --date 2024-09-20 --from 2024-09-01 --to 2024-12-31
              letopis report activity --from 2024-09-01 --to 2024-09-30
              letopis report rollout --date 2024-10-01 --as-of 2024-10-02T08:00   (as the log stood then)
            """,
        subcommands: [RolloutReportCommand.self, AcademicReportCommand.self, ContingentReportCommand.self,
                      ActivityReportCommand.self]
    )
}

struct RolloutReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "The rollout report the school sends to the district (Appendix 2 of the regional order).",
        discussion: """
            As of the date, by class: the shares of students and parents with logins issued (and
            not blocked that day), of parents who activated their login (of those who have one),
            of parents with a registered application, of consents in force; the teachers with
            logins and those who made journal entries in the 7 days up to the date; and how full
            the journal is: timetabled lessons up to the date with a topic and the roll entered.
            Each percentage comes with its counts. --district reports every school of the store
            and the district's totals.

            Example:
              letopis report rollout --date 2024-10-01 --district
            """
    )

    @OptionGroup var options: ViewOptions
    @OptionGroup var asOf: AsOfOption

    @Option(help: "The date the report is as of (default: today).")
    var date: String?

    @Flag(help: "Every school of the store, and the district's totals.")
    var district = false

    func run() throws {
        if let point = try asOf.point() {
            let parts = try options.asOfEach(point, district: district) { views in
                let source = try views.everything()
                let day = try date.map { try parseDate($0, option: "--date") } ?? views.today
                return (try RolloutReport.school(source, asOf: day), try Lookup(source).school()?.district ?? "", day)
            }
            try options.write(RolloutReport.combine(parts.map(\.0), asOf: parts.first?.2 ?? Today.day,
                                                    scope: district ? "district" : "school", district: parts.first?.1 ?? ""))
            return
        }
        let day = try date.map { try parseDate($0, option: "--date") } ?? Today.day
        if !district {
            let views = try options.openViews()
            defer { views.close() }
            try options.write(try views.read { try SchoolReports.rollout($0, on: day) })
            return
        }
        let schools = try options.openAll()
        defer { schools.forEach { $0.close() } }
        let parts = try schools.map { views in try views.read { try RolloutReport.school($0, asOf: day) } }
        let districtName = try schools.first?.read { try Lookup($0).school()?.district } ?? nil
        try options.write(RolloutReport.combine(parts, asOf: day, scope: "district", district: districtName ?? ""))
    }
}

struct AcademicReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "academic",
        abstract: "Успеваемость, качество, средний балл and attendance of a class for a period.",
        discussion: """
            From the period's final grades of the students in the class on the period's last day
            (or today, if the period is not over): успеваемость is the share with no 2 and no н/а,
            качество the share with only 4 and 5. Attendance per student: lessons missed (and of
            them for illness), whole school days missed, lateness — by the attendance codes' flags.

            Example:
              letopis report academic --class 5А --period "1 четверть" --subject Математика
            """
    )

    @OptionGroup var options: ViewOptions
    @OptionGroup var asOf: AsOfOption

    @Option(name: .customLong("class"), help: ArgumentHelp("The class: 5А or 2024-5А.", valueName: "class"))
    var className: String

    @Option(help: "The reporting period: id or name; default: the current one.")
    var period: String?

    @Option(help: "Only this subject (default: every subject).")
    var subject: String?

    func run() throws {
        if let point = try asOf.point() {
            try options.write(try options.asOf(point) { views in
                try AcademicReport.query(try views.everything(), class: className, period: period, subject: subject, today: views.today)
            })
            return
        }
        let views = try options.openViews()
        defer { views.close() }
        try options.write(try views.read {
            try AcademicReport.query($0, class: className, period: period, subject: subject)
        })
    }
}

struct ContingentReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contingent",
        abstract: "Headcount by class on a date, and arrivals and departures in a period.",
        discussion: """
            The headcount is by class, boys and girls, as the ОО-1 form counts it (on 20 September).
            With --from and --to, every arrival, departure and move in that period, with where from,
            where to and the order number.

            Example:
              letopis report contingent --date 2024-09-20 --from 2024-09-01 --to 2024-12-31
            """
    )

    @OptionGroup var options: ViewOptions
    @OptionGroup var asOf: AsOfOption

    @Option(help: "The date of the headcount (default: today).")
    var date: String?

    @Option(help: "The first day of the movement period.")
    var from: String?

    @Option(help: "The last day of the movement period.")
    var to: String?

    func validate() throws {
        if (from == nil) != (to == nil) { throw ValidationError("give both --from and --to, or neither") }
    }

    func run() throws {
        let fromDay = try from.map { try parseDate($0, option: "--from") }
        let toDay = try to.map { try parseDate($0, option: "--to") }
        if let point = try asOf.point() {
            try options.write(try options.asOf(point) { views in
                let day = try date.map { try parseDate($0, option: "--date") } ?? views.today
                return try ContingentReport.query(try views.everything(), date: day, from: fromDay, to: toDay)
            })
            return
        }
        let views = try options.openViews()
        defer { views.close() }
        let day = try date.map { try parseDate($0, option: "--date") } ?? Today.day
        try options.write(try views.read { try ContingentReport.query($0, date: day, from: fromDay, to: toDay) })
    }
}

struct ActivityReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activity",
        abstract: "Unique users signed in per day: staff, students, parents.",
        discussion: """
            From the sign-in events; a user's category is that of the person their login was issued
            to. --district adds up every school of the store.

            Example:
              letopis report activity --from 2024-09-01 --to 2024-09-30
            """
    )

    @OptionGroup var options: ViewOptions
    @OptionGroup var asOf: AsOfOption

    @Option(help: "The first day.")
    var from: String

    @Option(help: "The last day.")
    var to: String

    @Flag(help: "Every school of the store, added up.")
    var district = false

    func run() throws {
        let fromDay = try parseDate(from, option: "--from"), toDay = try parseDate(to, option: "--to")
        guard fromDay <= toDay else { throw ValidationError("--from is after --to") }
        if let point = try asOf.point() {
            let reports = try options.asOfEach(point, district: district) { try ActivityReport.query(try $0.everything(), from: fromDay, to: toDay) }
            guard let total = ActivityReport.combine(reports) else { throw CommandFailure("no school to report on") }
            try options.write(total)
            return
        }
        let schools = district ? try options.openAll() : [try options.openViews()]
        defer { schools.forEach { $0.close() } }
        let reports = try schools.map { views in try views.read { try ActivityReport.query($0, from: fromDay, to: toDay) } }
        guard let total = ActivityReport.combine(reports) else { throw CommandFailure("no school to report on") }
        try options.write(total)
    }
}
