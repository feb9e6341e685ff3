import ArgumentParser
import Catalog
import EventLog
import Foundation
import Records

struct YearCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "year",
        abstract: "Define an academic year, or close one with the year transition.",
        subcommands: [Define.self, Transition.self]
    )

    struct Define: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "define",
            abstract: "Define an academic year: its first and last day and its holidays.",
            discussion: """
                Each --holiday is NAME:FIRST:LAST, or NAME:FIRST:LAST:GRADES for holidays of some
                grades only (the first grades' extra February week).

                Example:
                  letopis year define --as T0001 --year 2024 --from 02.09.2024 --to 26.05.2025 \\
                    --holiday "осенние каникулы:26.10.2024:03.11.2024" \\
                    --holiday "дополнительные каникулы:15.02.2025:23.02.2025:1"
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions

        @Option(help: ArgumentHelp("The year it starts in: 2024 for 2024/25.", valueName: "year"))
        var year: Int32

        @Option(help: ArgumentHelp("The first day.", valueName: "date"))
        var from: EntryDate

        @Option(help: ArgumentHelp("The last day.", valueName: "date"))
        var to: EntryDate

        @Option(help: ArgumentHelp("A holiday: NAME:FIRST:LAST[:GRADES].", valueName: "holiday"))
        var holiday: [String] = []

        func run() async throws {
            var definition = AcademicYearDefined()
            definition.year = year
            definition.startsOn = from.date.iso
            definition.endsOn = to.date.iso
            for text in holiday {
                let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard (3...4).contains(parts.count), let first = FieldParsing.date(parts[1]), let last = FieldParsing.date(parts[2]) else {
                    throw ValidationError("a holiday is NAME:FIRST:LAST[:GRADES], e.g. \"осенние каникулы:26.10.2024:03.11.2024\"")
                }
                var h = AcademicYearDefined.Holiday()
                (h.name, h.startsOn, h.endsOn) = (parts[0], first.iso, last.iso)
                if parts.count == 4 { h.grades = try parseGrades(parts[3]).map(Int32.init) }
                definition.holidays.append(h)
            }
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                try await session.record(DefineAcademicYear(definition))
                confirm("Учебный год \(year)/\(year + 1) задан: \(from.date.russian)–\(to.date.russian), каникул: \(holiday.count).")
            }
        }
    }

    struct Transition: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "transition",
            abstract: "End a school year: promote every class, graduate the 9th and 11th grades, form the first grades.",
            discussion: """
                Every class moves into next year's class of the next grade; ninth-graders listed in
                --continuing go on to the tenth grade and the other ninth-graders and all
                eleventh-graders graduate; --repeating students stay in their grade; the new first
                grades are formed; the old year is closed. The next year must be defined first.

                Example:
                  letopis year transition --as T0001 --from-year 2024 --on 31.08.2025 --order "101-у" \\
                    --continuing S0005 --first-grade А:T0007 --first-grade Б:T0008
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions

        @Option(help: ArgumentHelp("The year that ends, e.g. 2024 for 2024/25.", valueName: "year"))
        var fromYear: Int

        @Option(help: ArgumentHelp("The date of the order.", valueName: "date"))
        var on: EntryDate

        @Option(help: ArgumentHelp("The director's order.", valueName: "number"))
        var order: String

        @Option(help: ArgumentHelp("A ninth-grader who goes on to the tenth grade.", valueName: "student"))
        var continuing: [String] = []

        @Option(help: ArgumentHelp("A student who repeats the grade.", valueName: "student"))
        var repeating: [String] = []

        @Option(help: ArgumentHelp("The letter of the tenth grade the continuing ninth-graders form.", valueName: "letter"))
        var tenthLetter: String = "А"

        @Option(help: ArgumentHelp("A new first grade: LETTER:CLASS-TEACHER.", valueName: "letter:teacher"))
        var firstGrade: [String] = []

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let state = session.state
                var firsts: [String: String] = [:]
                for text in firstGrade {
                    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
                    firsts[parts[0].uppercased()] = parts.count > 1 ? try state.staffID(parts[1]) : ""
                }
                let command = TransitionYear(fromYear: fromYear, on: on.date, orderNumber: order,
                                             continuingAfterNinth: Set(try continuing.map(state.studentID)),
                                             repeating: Set(try repeating.map(state.studentID)),
                                             tenthGradeLetter: tenthLetter, firstGrades: firsts)
                let result = try await session.record(command)
                let after = session.state
                let classes = after.classes.values.filter { $0.year == fromYear + 1 }.map(\.name).sorted()
                confirm("Переход \(fromYear)/\(fromYear + 1) → \(fromYear + 1)/\(fromYear + 2) выполнен по приказу \(order): "
                    + "событий \(result.sequences.count); классы нового года: \(classes.joined(separator: ", ")).")
            }
        }
    }
}
