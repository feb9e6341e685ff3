import ArgumentParser
import Catalog
import EventLog
import Foundation
import Records

/// The students' movements, each by the director's order.
struct StudentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "student",
        abstract: "The students register: enrol, arrive, move, leave, graduate (each by an order).",
        subcommands: [Enrol.self, Arrive.self, Move.self, Leave.self, Graduate.self]
    )

    struct Newcomer: ParsableArguments {
        @Option(help: ArgumentHelp("\"Фамилия Имя Отчество\".", valueName: "name")) var name: String
        @Option(help: ArgumentHelp("м or ж.", valueName: "sex")) var sex: String
        @Option(help: ArgumentHelp("Date of birth.", valueName: "date")) var born: EntryDate
        @Option(help: "SNILS.") var snils: String
        @Option(name: .customLong("class"), help: ArgumentHelp("The class: 5А or 2024-5А.", valueName: "class")) var schoolClass: String
        @Option(help: ArgumentHelp("The date of the order (default today).", valueName: "date")) var on: EntryDate = .today
        @Option(help: "The order's number.") var order: String

        func command(in state: SchoolState, origin: (String, String)?) throws -> EnrollStudent {
            guard let sex = FieldParsing.sex(sex) else { throw ValidationError("--sex is м or ж") }
            return EnrollStudent(name: try personName(name), sex: sex, bornOn: born.date, snils: snils,
                                 classID: try state.classID(schoolClass, on: on.date), on: on.date, orderNumber: order,
                                 origin: origin, studentID: state.nextID("S", width: 4))
        }
    }

    struct Enrol: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enrol",
            abstract: "Enrol a student (a first-grader, or anyone new to the school).",
            discussion: """
                Example:
                  letopis student enrol --as T0001 --name "Лебедев Марк Антонович" --sex м --born 23.08.2019 \\
                    --snils "200-300-408 56" --class 1А --on 01.09.2026 --order "44-у"
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var newcomer: Newcomer

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let command = try newcomer.command(in: session.state, origin: nil)
                try await session.record(command)
                confirm("Ученик \(command.studentID!) \(command.name.full) зачислен(а) в \(command.classID) с \(command.on.russian), приказ \(command.orderNumber).")
            }
        }
    }

    struct Arrive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "arrive",
            abstract: "Admit a student arriving from another school.",
            discussion: """
                Example:
                  letopis student arrive --as T0001 --name "Зайцева Ирина Львовна" --sex ж --born 19.12.2011 \\
                    --snils "200-300-406 54" --class 9А --on 07.09.2026 --order "52-у" --from "МБОУ «Гимназия № 2»"
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var newcomer: Newcomer
        @Option(name: .customLong("from"), help: "The school they come from.") var origin: String
        @Option(help: ArgumentHelp("That school's id, if it uses Letopis.", valueName: "id")) var fromSchool: String = ""

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let command = try newcomer.command(in: session.state, origin: (origin, fromSchool))
                try await session.record(command)
                confirm("Ученик \(command.studentID!) \(command.name.full) прибыл(а) из «\(origin)» в \(command.classID) с \(command.on.russian), приказ \(command.orderNumber).")
            }
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "move",
            abstract: "Move a student to another class of the same year.",
            discussion: """
                Example:
                  letopis student move --as T0001 S0003 --to 5Б --on 16.09.2026 --order "60-у" --reason "заявление родителей"
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The student: id or SNILS.") var student: String
        @Option(help: ArgumentHelp("The class moved to.", valueName: "class")) var to: String
        @Option(help: ArgumentHelp("From when (default today).", valueName: "date")) var on: EntryDate = .today
        @Option(help: "The order's number.") var order: String
        @Option(help: "Why.") var reason: String = ""

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let state = session.state
                let studentID = try state.studentID(student)
                let classID = try state.classID(to, on: on.date)
                try await session.record(MoveStudent(studentID: studentID, toClassID: classID, on: on.date, orderNumber: order, reason: reason))
                confirm("\(state.who(studentID)) переведён(а) в \(classID) с \(on.date.russian), приказ \(order).")
            }
        }
    }

    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "leave",
            abstract: "Record that a student left the school (their login is blocked).",
            discussion: """
                Example:
                  letopis student leave --as T0001 S0004 --on 30.12.2026 --to-school "МБОУ СОШ № 5" --order "90-у" --reason "переезд"
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The student: id or SNILS.") var student: String
        @Option(help: ArgumentHelp("The last day (default today).", valueName: "date")) var on: EntryDate = .today
        @Option(help: ArgumentHelp("The school they go to.", valueName: "name")) var toSchool: String = ""
        @Option(help: ArgumentHelp("That school's id, if it uses Letopis.", valueName: "id")) var toSchoolID: String = ""
        @Option(help: "The order's number.") var order: String
        @Option(help: "Why.") var reason: String = ""

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let state = session.state
                let studentID = try state.studentID(student)
                try await session.record(RecordDeparture(studentID: studentID, on: on.date, destination: toSchool,
                                                         destinationSchoolID: toSchoolID, orderNumber: order, reason: reason))
                confirm("\(state.who(studentID)) выбыл(а) \(on.date.russian)" + (toSchool.isEmpty ? "" : " в «\(toSchool)»") + ", приказ \(order).")
            }
        }
    }

    struct Graduate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "graduate",
            abstract: "Graduate a student of the 9th or 11th grade (the year transition graduates whole classes).",
            discussion: """
                Example:
                  letopis student graduate --as T0001 S0005 --on 25.06.2027 --order "120-у"
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The student: id or SNILS.") var student: String
        @Option(help: ArgumentHelp("The date of the order (default today).", valueName: "date")) var on: EntryDate = .today
        @Option(help: "The order's number.") var order: String

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let state = session.state
                let studentID = try state.studentID(student)
                try await session.record(GraduateStudent(studentID: studentID, on: on.date, orderNumber: order))
                confirm("\(state.who(studentID)) окончил(а) школу, приказ \(order) от \(on.date.russian).")
            }
        }
    }
}
