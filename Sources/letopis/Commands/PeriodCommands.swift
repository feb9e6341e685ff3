import ArgumentParser
import Catalog
import EventLog
import Foundation
import Projections
import Records

/// Reporting periods (четверти, триместры, полугодия).
struct PeriodCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "period",
        abstract: "Define a year's reporting periods, or close and reopen one.",
        subcommands: [Define.self, Close.self, Reopen.self]
    )

    struct Define: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "define",
            abstract: "Define the reporting periods of a year for some grades.",
            discussion: """
                Each --period is ID:NAME:FIRST-DAY:LAST-DAY; periods follow one another inside the year.

                Example:
                  letopis period define --as T0001 --year 2024 --kind terms --grades 1-9 \\
                    --period "2024-T1:1 четверть:02.09.2024:25.10.2024" \\
                    --period "2024-T2:2 четверть:05.11.2024:28.12.2024" …
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions

        @Option(help: ArgumentHelp("The year the academic year starts in.", valueName: "year"))
        var year: Int32

        @Option(help: "terms, trimesters or half-years.")
        var kind: String = "terms"

        @Option(help: ArgumentHelp("The grades they apply to: 1-11, or a list like 10,11.", valueName: "grades"))
        var grades: String = "1-11"

        @Option(help: ArgumentHelp("A period: ID:NAME:FIRST:LAST.", valueName: "period"))
        var period: [String]

        func run() async throws {
            var definition = ReportingPeriodsDefined()
            definition.year = year
            switch kind {
            case "terms": (definition.kind, definition.scheme) = (.terms, "четверти")
            case "trimesters": (definition.kind, definition.scheme) = (.trimesters, "триместры")
            case "half-years": (definition.kind, definition.scheme) = (.halfYears, "полугодия")
            default: throw ValidationError("--kind is terms, trimesters or half-years")
            }
            definition.grades = try parseGrades(grades).map(Int32.init)
            for text in period {
                let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 4, let from = FieldParsing.date(parts[2]), let to = FieldParsing.date(parts[3]) else {
                    throw ValidationError("a period is ID:NAME:FIRST:LAST, e.g. \"2024-T1:1 четверть:02.09.2024:25.10.2024\"")
                }
                var p = ReportingPeriodsDefined.Period()
                (p.periodID, p.name, p.startsOn, p.endsOn) = (parts[0], parts[1], from.iso, to.iso)
                definition.periods.append(p)
            }
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                try await session.record(DefineReportingPeriods(definition))
                confirm("Отчётные периоды \(year)/\(year + 1) (\(definition.scheme), классы \(grades)) заданы: "
                    + definition.periods.map { "\($0.name) \(RussianNumber.date($0.startsOn))–\(RussianNumber.date($0.endsOn))" }.joined(separator: "; ") + ".")
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "close",
            abstract: "Close a reporting period: nothing in it changes until it is reopened.",
            discussion: """
                Example:
                  letopis period close --as T0002 2024-T1
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The period's id, e.g. 2024-T1.") var period: String

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.administration) { session in
                try await session.record(ChangePeriodState(periodID: period, close: true, on: Timestamp.now().civilDate))
                confirm("Отчётный период «\(session.state.periods[period]?.name ?? period)» закрыт.")
            }
        }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reopen",
            abstract: "Reopen a closed reporting period, with a reason (the administration only).",
            discussion: """
                Example:
                  letopis period reopen --as T0002 2024-T1 --reason "исправление оценки по приказу № 7"
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The period's id.") var period: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.administration) { session in
                try await session.record(ChangePeriodState(periodID: period, close: false, reason: reason, on: Timestamp.now().civilDate))
                confirm("Отчётный период «\(session.state.periods[period]?.name ?? period)» открыт снова: \(reason).")
            }
        }
    }
}

/// «1-11», «10,11», «1-4,9»: a list of grades.
func parseGrades(_ text: String) throws -> [Int] {
    var grades: [Int] = []
    for part in text.split(separator: ",") {
        let bounds = part.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(bounds.count), bounds.allSatisfy((1...11).contains), bounds.first! <= bounds.last! else {
            throw ValidationError("grades are 1–11, e.g. 1-11 or 10,11")
        }
        grades += Array(bounds.first!...bounds.last!)
    }
    return grades
}
