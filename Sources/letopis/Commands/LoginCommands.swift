import ArgumentParser
import Catalog
import EventLog
import Foundation
import Records

/// Personal logins: issued on a slip or by e-mail, activated by their owner,
/// blocked and unblocked, given a new temporary password.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Issue, activate, block, unblock or reset personal logins.",
        discussion: """
            A login for a parent or student is issued only after their consent is on record; a
            class teacher issues logins only within the own class. The log keeps only the hash of
            the temporary password (PBKDF2-SHA256): the password itself is printed once, on the
            slip, and never stored.
            """,
        subcommands: [Issue.self, Activate.self, Block.self, Unblock.self, Reset.self]
    )

    /// How the temporary password reaches its owner.
    struct Delivery: ParsableArguments {
        @Option(help: ArgumentHelp("Send it to this e-mail address instead of printing a slip.", valueName: "address"))
        var email: String?

        @Flag(help: "Send it to the e-mail address in the person's register entry.")
        var byEmail = false

        @Option(help: ArgumentHelp("Write each e-mail as a .eml file into this directory, for the school's mail program.",
                                   valueName: "dir"))
        var outbox: String?

        func address(of personID: String, in state: SchoolState) throws -> String? {
            if let email { return email }
            guard byEmail else { return nil }
            let onRecord = state.guardians[personID]?.email ?? state.staff[personID]?.email ?? ""
            guard !onRecord.isEmpty else { throw CommandFailure("\(state.who(personID)) has no e-mail on record; give --email") }
            return onRecord
        }
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issue",
            abstract: "Issue a personal login with a temporary password, on a printed slip or by e-mail.",
            discussion: """
                Prints a slip in Russian with the login and the temporary password to cut out and hand
                over. With --email or --by-email the letter is "sent" instead: NO REAL MAIL IS SENT by
                this program; the slip is not printed, and with --outbox the letter is written there as
                a .eml file for the school's mail program.

                Examples:
                  letopis login issue --as T0001 --person P0001
                  letopis login issue --as T0003 --person S0001 --email boris@example.ru --outbox ./outbox
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var delivery: Delivery

        @Option(help: ArgumentHelp("Whose login: a staff (T…), student (S… or SNILS) or guardian (P…) id.", valueName: "id"))
        var person: String

        func run() async throws {
            try await withSchool(school, actor, preferring: [.coordinator, .classTeacher]) { session in
                let state = session.state
                let personID = state.staff[person] != nil || state.guardians[person] != nil ? person : try state.studentID(person)
                let address = try delivery.address(of: personID, in: state)
                let password = TemporaryPassword.generate()
                let hash = PasswordHasher.standard.hash(password)
                let today = Timestamp.now().civilDate
                try await session.record(IssueLogin(personID: personID, channel: address == nil ? .slip : .email,
                                                    email: address ?? "", passwordHash: hash, on: today))
                let after = session.state
                let login = after.loginByPerson[personID] ?? "?"
                try Slip(state: after, personID: personID, login: login, password: password, by: session.actor.userID, on: today)
                    .deliver(to: address, outbox: delivery.outbox)
            }
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "activate",
            abstract: "Activate a login with its temporary password and set the owner's own (the first sign-in).",
            discussion: """
                Recorded as the login's owner. The temporary password is checked against the hash in
                the school's credentials table; it is good once, for 30 days after it was issued. The
                new password must have 8 to 64 characters and not be one of the 3,000 most common.

                Example:
                  letopis login activate andreyeva.nv --password k7HmP3qRts --new-password "…"
                """
        )
        @OptionGroup var school: SchoolOptions

        @Argument(help: "The login.")
        var login: String

        @Option(help: "The temporary password from the slip or the letter.")
        var password: String

        @Option(help: "The owner's own new password.")
        var newPassword: String

        func run() async throws {
            let opened = try school.openSchool()
            defer { opened.close() }
            let recorder = try opened.recorder()
            try await opened.moveLegacyCredentials()
            guard let account = recorder.withState({ $0.logins[login] }), let credentials = opened.credentials else {
                throw CommandFailure("no login \(login) was issued")
            }
            let now = Timestamp.now()
            switch try credentials.check(login: login, password: password, in: opened.log, at: now) {
            case .matches(let stored) where stored.temporary:
                break
            case .matches:
                throw CommandFailure("the login \(login) is already activated with its owner's own password")
            case .expired:
                throw CommandFailure("the temporary password of \(login) has expired; ask for a new one (letopis login reset)")
            case .wrong:
                throw CommandFailure("the password does not match the login \(login)'s temporary password")
            }
            _ = try refusalsAsFailures { () throws(RuleViolation) in try PasswordPolicy.check(newPassword, login: login) }
            let owner = Actor(userID: account.personID, role: account.role)
            let today = now.civilDate
            let hash = PasswordHasher.standard.hash(newPassword)
            var batch = [Submission(UseLogin(login: login, step: .changePassword(hash: hash), on: today), as: owner)]
            if !account.activated { batch.insert(Submission(UseLogin(login: login, step: .activate, on: today), as: owner), at: 0) }
            _ = try await refusalsAsFailures { try await recorder.execute(batch) }
            confirm("Логин \(login) активирован, пароль изменён: \(recorder.withState { $0.who(account.personID) }).")
        }
    }

    struct Block: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "block",
            abstract: "Block a login, with a reason.",
            discussion: """
                Example:
                  letopis login block --as T0001 andreyeva.nv --reason "утеря пароля, заявление"
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The login.") var login: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                try await session.record(ChangeLoginAccess(login: login, block: true, reason: reason, on: Timestamp.now().civilDate))
                confirm("Логин \(login) заблокирован: \(reason).")
            }
        }
    }

    struct Unblock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unblock",
            abstract: "Unblock a login, with a reason (a parent's or student's needs a consent on record).",
            discussion: """
                Example:
                  letopis login unblock --as T0001 andreyeva.nv --reason "новое согласие С-31"
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @Argument(help: "The login.") var login: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            try await withSchool(school, actor, preferring: Prefer.register) { session in
                try await session.record(ChangeLoginAccess(login: login, block: false, reason: reason, on: Timestamp.now().civilDate))
                confirm("Логин \(login) разблокирован: \(reason).")
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset",
            abstract: "Give a login a new temporary password (a lost slip, a forgotten password).",
            discussion: """
                Prints a new slip, or "sends" the letter (no real mail is sent; see login issue).

                Example:
                  letopis login reset --as T0001 andreyeva.nv
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var delivery: Delivery
        @Argument(help: "The login.") var login: String

        func run() async throws {
            try await withSchool(school, actor, preferring: [.coordinator, .classTeacher]) { session in
                let state = session.state
                guard let account = state.logins[login] else { throw CommandFailure("no login \(login) was issued") }
                let address = try delivery.address(of: account.personID, in: state)
                let password = TemporaryPassword.generate()
                let today = Timestamp.now().civilDate
                try await session.record(ResetPassword(login: login, channel: address == nil ? .slip : .email, email: address ?? "",
                                                       passwordHash: PasswordHasher.standard.hash(password), on: today))
                try Slip(state: state, personID: account.personID, login: login, password: password, by: session.actor.userID,
                         on: today).deliver(to: address, outbox: delivery.outbox)
            }
        }
    }
}

/// The slip (or letter) with a login and its temporary password, in Russian.
struct Slip {
    let state: SchoolState
    let personID: String
    let login: String
    let password: String
    let by: String
    let on: CivilDate

    var text: String {
        let name = state.students[personID]?.name.full ?? state.guardians[personID]?.name.full ?? state.staff[personID]?.name.full ?? personID
        let kind = state.students[personID] != nil ? "ученик" : state.guardians[personID] != nil ? "родитель / законный представитель" : "сотрудник"
        let school = state.school?.shortName ?? ""
        let line = String(repeating: "─", count: 56)
        return """
            \(line)
            \(school) — электронный журнал и дневник «Летопись»
            Приглашение для: \(name) (\(kind))
            Логин:             \(login)
            Временный пароль:  \(password)
            При первом входе задайте свой пароль. Никому не сообщайте пароль.
            Выдано \(on.russian), \(state.who(by))
            \(line)
            """
    }

    func deliver(to address: String?, outbox: String?) throws {
        guard let address else {
            confirm(text)
            return
        }
        if let outbox {
            try FileManager.default.createDirectory(atPath: outbox, withIntermediateDirectories: true)
            let letter = "To: \(address)\r\nSubject: =?UTF-8?B?\(Data("Приглашение в электронный дневник".utf8).base64EncodedString())?=\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
            let path = "\(outbox)/\(login)-\(on.iso).eml"
            guard FileManager.default.createFile(atPath: path, contents: Data(letter.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw CommandFailure("cannot write \(path)")
            }
            confirm("Логин \(login) и временный пароль отправлены на \(address) (письмо: \(path)).")
        } else {
            confirm("Логин \(login) и временный пароль отправлены на \(address).")
        }
    }
}
