import ArgumentParser
import Catalog
import EventLog
import Foundation
import Records

/// Consents to process personal data (152-ФЗ), recorded from the signed paper.
struct ConsentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent",
        abstract: "Record a consent to process personal data: given, refused or withdrawn.",
        discussion: """
            Logins for parents and students are issued only after a consent is on record; a
            withdrawn or refused consent blocks the person's login. A class teacher records
            consents only within the own class.
            """,
        subcommands: [Give.self, Refuse.self, Withdraw.self]
    )

    struct Paper: ParsableArguments {
        @Option(help: ArgumentHelp("Whose consent: a staff (T…), student (S… or SNILS) or guardian (P…) id.", valueName: "id"))
        var person: String

        @Option(help: ArgumentHelp("The paper's number in the school's records.", valueName: "ref"))
        var document: String

        @Option(help: ArgumentHelp("The date on the paper (default today).", valueName: "date"))
        var on: EntryDate = .today

        func personID(in state: SchoolState) throws -> String {
            state.staff[person] != nil || state.guardians[person] != nil ? person : try state.studentID(person)
        }
    }

    struct Give: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "give",
            abstract: "Record a signed consent.",
            discussion: """
                Example:
                  letopis consent give --as T0001 --person P0001 --document "С-17"
                  letopis consent give --as T0003 --person S0001 --by P0001 --document "С-18"
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var paper: Paper

        @Option(name: .customLong("by"), help: ArgumentHelp("The guardian who signed for a minor.", valueName: "id"))
        var guardian: String = ""

        func run() async throws {
            try await ConsentCommand.record(school, actor, paper, given: true, guardian: guardian)
        }
    }

    struct Refuse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refuse",
            abstract: "Record a refusal to consent (it blocks the person's login).",
            discussion: """
                Example:
                  letopis consent refuse --as T0001 --person P0002 --document "С-19"
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var paper: Paper

        @Option(name: .customLong("by"), help: ArgumentHelp("The guardian who refused for a minor.", valueName: "id"))
        var guardian: String = ""

        func run() async throws {
            try await ConsentCommand.record(school, actor, paper, given: false, guardian: guardian)
        }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "withdraw",
            abstract: "Record that a consent was withdrawn (it blocks the person's login at once).",
            discussion: """
                Example:
                  letopis consent withdraw --as T0001 --person P0001 --document "С-17о" --reason "заявление родителя"
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var paper: Paper

        @Option(help: "Why, as the paper says.")
        var reason: String = ""

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.consent) { session in
                let state = session.state
                let personID = try paper.personID(in: state)
                try await session.record(WithdrawConsent(personID: personID, documentRef: paper.document, on: paper.on.date,
                                                         reason: reason))
                let blocked = state.loginByPerson[personID].map { ", логин \($0) заблокирован" } ?? ""
                confirm("Согласие на обработку персональных данных отозвано: \(state.who(personID)), документ \(paper.document)\(blocked).")
            }
        }
    }

    static func record(_ school: SchoolOptions, _ actor: ActorOptions, _ paper: Paper, given: Bool, guardian: String) async throws {
        try await withSchool(school, actor, preferring: Prefer.consent) { session in
            let state = session.state
            let personID = try paper.personID(in: state)
            try await session.record(RecordConsent(personID: personID, given: given, byGuardianID: guardian,
                                                   documentRef: paper.document, on: paper.on.date))
            let signer = guardian.isEmpty ? "" : ", подписал(а) \(state.who(guardian))"
            confirm("\(given ? "Согласие на обработку персональных данных записано" : "Отказ от согласия на обработку персональных данных записан"): "
                + "\(state.who(personID)), документ \(paper.document) от \(paper.on.date.russian)\(signer).")
        }
    }
}

struct ApplicationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "application",
        abstract: "Register a parent's application to receive the child's progress electronically.",
        discussion: """
            Example:
              letopis application --as T0001 --guardian P0001 --student S0001 --document "З-5"
            """
    )

    @OptionGroup var school: SchoolOptions
    @OptionGroup var actor: ActorOptions

    @Option(help: ArgumentHelp("The guardian's id.", valueName: "id"))
    var guardian: String

    @Option(help: ArgumentHelp("The student: id or SNILS.", valueName: "id"))
    var student: String

    @Option(help: ArgumentHelp("The application's number in the school's records.", valueName: "ref"))
    var document: String

    @Option(help: ArgumentHelp("The date of the application (default today).", valueName: "date"))
    var on: EntryDate = .today

    func run() async throws {
        try await withSchool(school, actor, preferring: Prefer.consent) { session in
            let state = session.state
            let studentID = try state.studentID(student)
            try await session.record(RegisterParentApplication(guardianID: guardian, studentID: studentID,
                                                               documentRef: document, on: on.date))
            let number = String(format: "A%05d", session.state.applicationCount)
            confirm("Заявление \(number) зарегистрировано: \(state.who(guardian)) об ученике \(state.who(studentID)), документ \(document).")
        }
    }
}
