import ArgumentParser
import Catalog
import EventLog
import Foundation
import Records

struct TimetableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timetable",
        abstract: "The timetable: add a weekly lesson, or end one.",
        subcommands: [Add.self, End.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a weekly lesson of a class or group to the timetable.",
            discussion: """
                Prints the entry's id, which `timetable end` names.

                Example:
                  letopis timetable add --as T0001 --class 5А --weekday пн --slot 1 --subject math --teacher T0003 \\
                    --from 02.09.2024
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Option(name: .customLong("class"), help: ArgumentHelp("The class.", valueName: "class")) var schoolClass: String
        @Option(help: ArgumentHelp("A group of the class.", valueName: "name")) var group: String?
        @Option(help: ArgumentHelp("1–6 or пн, вт, ср, чт, пт, сб.", valueName: "day")) var weekday: String
        @Option(help: ArgumentHelp("The lesson's number in the day.", valueName: "n")) var slot: Int32
        @Option(help: ArgumentHelp("The subject's id.", valueName: "id")) var subject: String
        @Option(help: ArgumentHelp("The teacher: staff id or full name.", valueName: "id")) var teacher: String
        @Option(help: ArgumentHelp("The first day it applies (default today).", valueName: "date")) var from: EntryDate = .today
        @Option(help: ArgumentHelp("The last day it applies.", valueName: "date")) var to: EntryDate?

        func run() async throws {
            let days = ["пн": 1, "вт": 2, "ср": 3, "чт": 4, "пт": 5, "сб": 6, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6]
            guard let day = Int(weekday) ?? days[weekday.lowercased()] else { throw ValidationError("--weekday is 1–6 or пн…сб") }
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let state = session.state
                let unit = try state.unitID(class: schoolClass, group: group, on: from.date)
                var entry = TimetableEntryAdded()
                entry.entryID = nextID("TT", among: state.timetable.keys)
                entry.year = Int32(state.classOf(unit: unit)?.year ?? from.date.year)
                entry.weekday = Int32(day)
                entry.slot = slot
                entry.unitID = unit
                entry.subjectID = subject
                entry.teacherID = try state.staffID(teacher)
                entry.validFrom = from.date.iso
                entry.validTo = to?.date.iso ?? ""
                try await session.record(AddTimetableEntry(entry))
                let names = ["", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота"]
                confirm("Расписание \(entry.entryID): \(unit), \(names[day]), \(slot)-й урок — \(state.subjects[subject]?.name ?? subject), "
                    + "\(state.who(entry.teacherID)), с \(from.date.russian)" + (to.map { " по \($0.date.russian)" } ?? "") + ".")
            }
        }
    }

    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "end",
            abstract: "End a timetable entry on its last day.",
            discussion: """
                Example:
                  letopis timetable end --as T0001 TT0007 --on 31.10.2024
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The entry's id.") var entry: String
        @Option(help: ArgumentHelp("Its last day.", valueName: "date")) var on: EntryDate

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                try await session.record(EndTimetableEntry(entryID: entry, validTo: on.date))
                confirm("Запись расписания \(entry) действует по \(on.date.russian).")
            }
        }
    }
}
