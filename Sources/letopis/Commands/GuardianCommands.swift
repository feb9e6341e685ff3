import ArgumentParser
import Catalog
import EventLog
import Foundation
import Records

struct GuardianCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guardian",
        abstract: "The register of parents and other legal representatives.",
        subcommands: [Register.self, Link.self]
    )

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register",
            abstract: "Enter a parent or legal representative, optionally linked to a student at once.",
            discussion: """
                Example:
                  letopis guardian register --as T0001 --name "Андреева Наталья Викторовна" --phone "+7 912 000-00-01" \\
                    --email andreeva@example.ru --student S0001 --relation мать
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Option(help: ArgumentHelp("\"Фамилия Имя Отчество\".", valueName: "name")) var name: String
        @Option(help: "Phone.") var phone: String = ""
        @Option(help: "E-mail.") var email: String = ""
        @Option(help: "SNILS.") var snils: String = ""
        @Option(help: ArgumentHelp("A student to link at once: id or SNILS.", valueName: "id")) var student: String?
        @Option(help: ArgumentHelp("мать, отец or законный представитель.", valueName: "relation")) var relation: String = "мать"

        func run() async throws {
            let person = try personName(name)
            guard let kin = FieldParsing.relation(relation) else { throw ValidationError("--relation is мать, отец or законный представитель") }
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let state = session.state
                let today = Timestamp.now().civilDate
                let id = state.nextID("P", width: 4)
                var commands: [any Command] = [RegisterGuardian(name: person, phone: phone, email: email, snils: snils,
                                                                guardianID: id, on: today)]
                let studentID = try student.map(state.studentID)
                if let studentID { commands.append(LinkGuardian(guardianID: id, studentID: studentID, relation: kin, on: today)) }
                try await session.record(commands)
                confirm("Родитель \(id) \(person.full) записан(а)" + (studentID.map { ", связан(а) с учеником \(state.who($0))" } ?? "") + ".")
            }
        }
    }

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "link",
            abstract: "Link a guardian to a student they represent.",
            discussion: """
                Example:
                  letopis guardian link --as T0001 P0001 --student S0007 --relation мать
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The guardian's id.") var guardian: String
        @Option(help: ArgumentHelp("The student: id or SNILS.", valueName: "id")) var student: String
        @Option(help: ArgumentHelp("мать, отец or законный представитель.", valueName: "relation")) var relation: String

        func run() async throws {
            guard let kin = FieldParsing.relation(relation) else { throw ValidationError("--relation is мать, отец or законный представитель") }
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let state = session.state
                let studentID = try state.studentID(student)
                try await session.record(LinkGuardian(guardianID: guardian, studentID: studentID, relation: kin,
                                                      on: Timestamp.now().civilDate))
                confirm("\(state.who(guardian)) связан(а) с учеником \(state.who(studentID)) (\(relation)).")
            }
        }
    }
}

/// The next free id with a prefix among `ids`, e.g. `TT0007` (people's ids come from `SchoolState.nextID`).
func nextID(_ prefix: String, among ids: some Collection<String>, width: Int = 4) -> String {
    let highest = ids.compactMap { $0.hasPrefix(prefix) ? Int($0.dropFirst(prefix.count)) : nil }.max() ?? 0
    let digits = String(highest + 1)
    return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
}
