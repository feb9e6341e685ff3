import ArgumentParser
import Catalog
import EventLog
import Foundation
import Records

struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "The staff register: hire, grant or revoke a role, dismiss.",
        subcommands: [Hire.self, Grant.self, Revoke.self, Dismiss.self]
    )

    struct Hire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hire",
            abstract: "Enter a member of staff in the register.",
            discussion: """
                Example:
                  letopis staff hire --as T0001 --name "Кузнецов Игорь Васильевич" --position "учитель математики" \\
                    --hired 01.09.2015 --roles teacher --snils "112-233-402 71"
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Option(help: ArgumentHelp("\"Фамилия Имя Отчество\".", valueName: "name")) var name: String
        @Option(help: "The position, e.g. учитель математики.") var position: String
        @Option(help: ArgumentHelp("The date of hiring (default today).", valueName: "date")) var hired: EntryDate = .today
        @Option(help: ArgumentHelp("The roles: coordinator, teacher, administration, auditor, separated by commas.", valueName: "roles"))
        var roles: String = "teacher"
        @Option(help: "E-mail.") var email: String = ""
        @Option(help: "SNILS.") var snils: String = ""

        func run() async throws {
            let roles = try roles.split(separator: ",").map { text -> Role in
                guard let role = Role(rawValue: text.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("unknown role \(text)") }
                return role
            }
            let person = try personName(name)
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let id = session.state.nextID("T", width: 4)
                try await session.record(HireStaff(name: person, position: position, hiredOn: hired.date, email: email,
                                                   snils: snils, roles: roles, staffID: id))
                confirm("Сотрудник \(id) \(person.full) принят(а): \(position), с \(hired.date.russian).")
            }
        }
    }

    struct RoleOptions: ParsableArguments {
        @Argument(help: "The staff member's id (T0003) or full name.") var staff: String
        @Argument(help: ArgumentHelp("coordinator, teacher, class-teacher, administration or auditor (reads every record, writes none).", valueName: "role")) var role: String
        @Option(name: .customLong("class"), help: ArgumentHelp("The class, for class-teacher.", valueName: "class"))
        var schoolClass: String?
        @Option(help: ArgumentHelp("From when (default today).", valueName: "date")) var on: EntryDate = .today

        func parsedRole() throws -> Role {
            guard let role = Role(rawValue: role) else { throw ValidationError("unknown role \(role)") }
            return role
        }
    }

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grant",
            abstract: "Grant a role; class-teacher of a class replaces that class's class teacher.",
            discussion: """
                Examples:
                  letopis staff grant --as T0001 T0006 administration
                  letopis staff grant --as T0001 T0004 class-teacher --class 9А
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var options: RoleOptions

        func run() async throws {
            let role = try options.parsedRole()
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let state = session.state
                let staffID = try state.staffID(options.staff)
                if role == .classTeacher {
                    guard let text = options.schoolClass else { throw ValidationError("a class teacher's role needs --class") }
                    let classID = try state.classID(text, on: options.on.date)
                    try await session.record(AssignClassTeacher(classID: classID, staffID: staffID, on: options.on.date))
                    confirm("\(state.who(staffID)) — классный руководитель \(classID).")
                } else {
                    try await session.record(ChangeRole(staffID: staffID, role: role, grant: true, on: options.on.date))
                    confirm("\(state.who(staffID)): роль \(role.rawValue) предоставлена.")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Take a role away.",
            discussion: """
                Example:
                  letopis staff revoke --as T0001 T0003 class-teacher --class 5А
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var options: RoleOptions

        func run() async throws {
            let role = try options.parsedRole()
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let state = session.state
                let staffID = try state.staffID(options.staff)
                let classID = try options.schoolClass.map { try state.classID($0, on: options.on.date) } ?? ""
                try await session.record(ChangeRole(staffID: staffID, role: role, classID: classID, grant: false, on: options.on.date))
                confirm("\(state.who(staffID)): роль \(role.rawValue)\(classID.isEmpty ? "" : " (\(classID))") снята.")
            }
        }
    }

    struct Dismiss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dismiss",
            abstract: "Record that a member of staff left (their login is blocked).",
            discussion: """
                Example:
                  letopis staff dismiss --as T0001 T0005 --on 31.08.2025 --order "12-к" --reason "по собственному желанию"
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The staff member's id or full name.") var staff: String
        @Option(help: ArgumentHelp("The last day (default today).", valueName: "date")) var on: EntryDate = .today
        @Option(help: "The order's number.") var order: String
        @Option(help: "Why.") var reason: String = ""

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                let state = session.state
                let staffID = try state.staffID(staff)
                try await session.record(DismissStaff(staffID: staffID, on: on.date, orderNumber: order, reason: reason))
                confirm("\(state.who(staffID)) уволен(а) \(on.date.russian) по приказу \(order).")
            }
        }
    }
}
