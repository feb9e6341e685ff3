import ArgumentParser
import Catalog
import EventLog
import Foundation
import Records

struct ClassCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "class",
        abstract: "Create a class of a year.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a class, with its class teacher.",
            discussion: """
                Example:
                  letopis class create --as T0001 5А --year 2024 --teacher T0003
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The class: a grade and a letter, e.g. 5А.") var name: String
        @Option(help: ArgumentHelp("The year it starts in (default: the current academic year).", valueName: "year")) var year: Int32?
        @Option(help: ArgumentHelp("The class teacher: staff id or full name.", valueName: "id")) var teacher: String?

        func run() async throws {
            guard let (grade, letter) = FieldParsing.className(name) else { throw ValidationError("a class is a grade 1–11 and a letter, e.g. 5А") }
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let state = session.state
                let today = Timestamp.now().civilDate
                let command = CreateClass(year: try year.map(Int.init) ?? state.yearOf(today), grade: grade, letter: letter,
                                          classTeacherID: try teacher.map(state.staffID) ?? "", on: today)
                try await session.record(command)
                confirm("Класс \(command.classID) создан" + (command.classTeacherID.isEmpty ? "" : ", классный руководитель \(state.who(command.classTeacherID))") + ".")
            }
        }
    }
}

struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Groups of a class for a subject (e.g. English in two groups): create, add and remove students.",
        subcommands: [Create.self, Add.self, Remove.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a group of a class for a subject.",
            discussion: """
                Example:
                  letopis group create --as T0001 --class 5А --name англ-1 --subject eng
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Option(name: .customLong("class"), help: ArgumentHelp("The class.", valueName: "class")) var schoolClass: String
        @Option(help: "The group's name, e.g. англ-1.") var name: String
        @Option(help: ArgumentHelp("The subject's id.", valueName: "id")) var subject: String

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let today = Timestamp.now().civilDate
                let command = CreateGroup(classID: try session.state.classID(schoolClass, on: today), name: name,
                                          subjectID: subject, on: today)
                try await session.record(command)
                confirm("Группа \(command.groupID) создана.")
            }
        }
    }

    struct Membership: ParsableArguments {
        @Option(help: ArgumentHelp("The group's id, e.g. 2024-5А/англ-1.", valueName: "id")) var group: String
        @Option(help: ArgumentHelp("A student: id or SNILS (repeatable).", valueName: "id")) var student: [String]
        @Option(help: ArgumentHelp("From when (default today).", valueName: "date")) var on: EntryDate = .today

        func run(_ school: SchoolOptions, _ actor: ActorOptions, joins: Bool) async throws {
            try await withSchool(school, actor, preferring: Prefer.register + [.classTeacher]) { session in
                let state = session.state
                let ids = try student.map(state.studentID)
                try await session.record(ids.map { ChangeGroupMembership(groupID: group, studentID: $0, joins: joins, on: on.date) })
                confirm("Группа \(group): \(joins ? "добавлены" : "исключены") с \(on.date.russian) — \(ids.map(state.who).joined(separator: ", ")).")
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add students of the class to a group.",
            discussion: """
                Example:
                  letopis group add --as T0001 --group 2024-5А/англ-1 --student S0001 --student S0002 --on 02.09.2024
                """)
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var membership: Membership
        func run() async throws { try await membership.run(school, actor, joins: true) }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove", abstract: "Take students out of a group.",
            discussion: """
                Example:
                  letopis group remove --as T0001 --group 2024-5А/англ-1 --student S0002 --on 01.11.2024
                """)
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var membership: Membership
        func run() async throws { try await membership.run(school, actor, joins: false) }
    }
}
