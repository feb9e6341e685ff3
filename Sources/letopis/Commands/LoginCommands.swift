import ArgumentParser
import Catalog
import EventLog
import Foundation
import Printing
import Records
import SchoolService

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
            abstract: "Issue a personal login with a temporary password, on a printed slip or by e-mail; or every missing login of a class.",
            discussion: """
                Prints a slip in Russian with the login and the temporary password to cut out and hand
                over (with --pdf, writes it as a PDF instead). With --email or --by-email the letter is
                "sent" instead: NO REAL MAIL IS SENT by this program; the slip is not printed, and with
                --outbox the letter is written there as a .eml file for the school's mail program.

                With --class, every missing login of the class is issued at once — its students
                (--students), their parents (--parents) or both (--all, the default) — and the slips go
                into one PDF, eight to an A4 page with dashed cut lines (--pdf, by default
                логины-<класс>-<дата>.pdf in the current directory; the file is readable by its owner
                only). Whoever already has a login (a blocked one too) is skipped and listed, so running
                it again issues nothing twice. The rules apply to each person: a consent on record, and
                a class teacher only in the own class. It is all or nothing, as the register imports
                are: if the rules refuse anyone (a parent without a consent, say), nothing is recorded,
                no PDF is written, and every refusal is listed; record the missing consents (letopis
                consent give), or leave out beforehand whoever has no consent in force
                (--only-with-consent: they are listed, and a later run issues theirs once the consent
                is recorded). The passwords appear only in the PDF, never on the screen or in the log.

                Examples:
                  letopis login issue --as T0001 --person P0001
                  letopis login issue --as T0003 --person S0001 --email boris@example.ru --outbox ./outbox
                  letopis login issue --as T0003 --class 5А --students --pdf 5А-ученики.pdf
                  letopis login issue --as T0003 --class 5А --all --only-with-consent --sign-in-at https://journal.school1.ru
                """
        )
        @OptionGroup var school: SchoolOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var delivery: Delivery

        @Option(help: ArgumentHelp("Whose login: a staff (T…), student (S… or SNILS) or guardian (P…) id.", valueName: "id"))
        var person: String?

        @Option(name: .customLong("class"), help: ArgumentHelp("Every missing login of this class: 5А or 2024-5А.", valueName: "class"))
        var className: String?

        @Flag(help: "With --class: whose logins (default: --all, students and parents).")
        var audience: LoginAudience = .all

        @Flag(help: "With --class: leave out (and list) whoever has no consent in force, instead of refusing the batch.")
        var onlyWithConsent = false

        @Option(help: ArgumentHelp("Write the slips as a PDF to this file.", valueName: "file"))
        var pdf: String?

        @Option(help: ArgumentHelp("Where to sign in, printed on the slips: the journal's address.", valueName: "address"))
        var signInAt: String = ""

        func validate() throws {
            guard (person == nil) != (className == nil) else { throw ValidationError("give either --person or --class") }
            if onlyWithConsent && className == nil { throw ValidationError("--only-with-consent goes with --class") }
            if className != nil && (delivery.email != nil || delivery.byEmail) {
                throw ValidationError("--class prints a sheet of slips; send letters one person at a time (--person)")
            }
            if pdf != nil && (delivery.email != nil || delivery.byEmail) { throw ValidationError("--pdf is for slips, not letters") }
        }

        func run() async throws {
            try await withSchool(school, actor, preferring: [.coordinator, .classTeacher]) { session in
                if let className { return try await issueClass(className, session: session) }
                let state = session.state
                let person = person ?? ""
                let personID = state.staff[person] != nil || state.guardians[person] != nil ? person : try state.studentID(person)
                let address = try delivery.address(of: personID, in: state)
                let password = TemporaryPassword.generate()
                let hash = PasswordHasher.standard.hash(password)
                let today = Timestamp.now().civilDate
                try await session.record(IssueLogin(personID: personID, channel: address == nil ? .slip : .email,
                                                    email: address ?? "", passwordHash: hash, on: today))
                let after = session.state
                let login = after.loginByPerson[personID] ?? "?"
                let slip = Slip(state: after, personID: personID, login: login, password: password, by: session.actor.userID, on: today,
                                signInAt: signInAt)
                if let pdf {
                    try SlipSheet.write([slip.slip], title: LoginSlips.title(className: slip.slip.className, on: today), to: pdf)
                    confirm("Логин \(login) выдан: \(after.who(personID)); листок — в \(pdf).")
                } else {
                    try slip.deliver(to: address, outbox: delivery.outbox)
                }
            }
        }

        private func issueClass(_ name: String, session: EntrySession) async throws {
            let today = Timestamp.now().civilDate
            let classID = try session.state.classID(name, on: today)
            let outcome = try await refusalsAsFailures {
                try await ClassLogins.issue(in: session.school, classID: classID, audience: audience, onlyWithConsent: onlyWithConsent,
                                            as: session.actor, on: today) {
                    PasswordHasher.standard.hash($0)
                }
            }
            let state = session.state
            let plan = outcome.plan
            if outcome.issued.isEmpty {
                let why = plan.withoutConsent.isEmpty ? "у всех уже есть логин" : "у кого нет логина, у тех нет согласия"
                confirm("Новых логинов нет: \(plan.className), \(audience.russian) — \(why).")
            } else {
                let path = pdf ?? LoginSlips.fileName(className: plan.className, on: today)
                let slips = LoginSlips.slips(state, of: outcome, by: session.actor.userID, on: today, signInAt: signInAt)
                let report = try SlipSheet.write(slips, title: LoginSlips.title(className: plan.className, on: today), to: path)
                confirm("Выдано логинов: \(outcome.issued.count) (\(plan.className), \(audience.russian)); листки — в \(path), "
                    + "страниц: \(report.pages).")
                for issued in outcome.issued { confirm("  \(state.who(issued.personID)) — \(issued.login)") }
            }
            if !plan.withoutConsent.isEmpty {
                confirm("Без согласия на обработку персональных данных, пропущены: \(plan.withoutConsent.count)")
                for left in plan.withoutConsent { confirm("  \(left.personID) \(left.name)") }
            }
            if !plan.skipped.isEmpty {
                confirm("Уже есть логин, пропущены: \(plan.skipped.count)")
                for skipped in plan.skipped {
                    confirm("  \(skipped.personID) \(skipped.name) — \(skipped.login)\(skipped.blocked ? " (заблокирован)" : "")")
                }
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

/// The slip (or letter) with a login and its temporary password, in Russian:
/// the same slip as the PDF sheet's (`LoginSlips`).
struct Slip {
    let slip: LoginSlip
    let login: String
    let on: CivilDate

    init(state: SchoolState, personID: String, login: String, password: String, by: String, on: CivilDate, signInAt: String = "") {
        slip = LoginSlips.slip(state, personID: personID, login: login, password: password, by: by, on: on, signInAt: signInAt)
        self.login = login
        self.on = on
    }

    var text: String { slip.text }

    func deliver(to address: String?, outbox: String?) throws {
        guard let address else {
            confirm(text)
            return
        }
        if let outbox {
            let path = try LoginLetters.write(slip, to: address, outbox: outbox, on: on)
            confirm("Логин \(login) и временный пароль отправлены на \(address) (письмо: \(path)).")
        } else {
            confirm("Логин \(login) и временный пароль отправлены на \(address).")
        }
    }
}

extension LoginAudience: EnumerableFlag {
    public static func help(for value: LoginAudience) -> ArgumentHelp? {
        switch value {
        case .students: "The class's students."
        case .parents: "The students' parents and legal representatives."
        case .all: "Both."
        }
    }
}
