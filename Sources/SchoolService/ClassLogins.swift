import Catalog
import EventLog
import Foundation
import Printing
import Records

/// Whose logins a class's batch issues.
public enum LoginAudience: String, Sendable, CaseIterable {
    case students, parents, all

    /// «ученики», «родители», «ученики и родители».
    public var russian: String {
        switch self {
        case .students: "ученики"
        case .parents: "родители"
        case .all: "ученики и родители"
        }
    }
}

/// Every missing login of a class at once: its students, their parents, or
/// both, each issued by `IssueLogin` with its own rules (consent on record, a
/// class teacher only in the own class). Those who already have a login
/// (blocked ones too: unblocking is a decision of its own) are skipped, so a
/// second run issues nothing twice. The batch is all-or-nothing, as the
/// register imports and a journal's column are: when the rules refuse anyone,
/// nothing is recorded and every refusal is named (`BatchRejected`). Asked
/// for (`onlyWithConsent`), those without a consent in force are left out of
/// the batch beforehand and listed, instead of refusing it.
public enum ClassLogins {
    /// A person of the class who already has a login.
    public struct Skipped: Sendable, Equatable {
        public var personID: String
        public var name: String
        public var login: String
        public var blocked: Bool
    }

    /// Who would get a login, and who is skipped.
    public struct Plan: Sendable {
        public var classID: String
        public var className: String
        /// In the order of the slips: each student (by name), then their parents.
        public var toIssue: [String]
        public var skipped: [Skipped]
        /// Left out for want of a consent in force (only when asked to leave them out).
        public var withoutConsent: [Skipped] = []
    }

    /// A login just issued, with its temporary password (shown once, on the slip).
    public struct Issued: Sendable {
        public var personID: String
        public var login: String
        public var password: String
    }

    public struct Outcome: Sendable {
        public var plan: Plan
        public var issued: [Issued]
        public var sequences: [UInt64]
    }

    /// The class's people without a login, by `audience`, as the state stands on `date`.
    public static func plan(_ state: SchoolState, classID: String, audience: LoginAudience, on date: CivilDate,
                            onlyWithConsent: Bool = false) -> Plan {
        let students = state.members(of: classID, on: date).compactMap { state.students[$0] }
            .sorted { ($0.name.full, $0.id) < ($1.name.full, $1.id) }
        var people: [String] = []
        var seen: Set<String> = []
        for student in students {
            if audience != .parents, seen.insert(student.id).inserted { people.append(student.id) }
            if audience != .students {
                let guardians = student.guardians.compactMap { state.guardians[$0] }.sorted { ($0.name.full, $0.id) < ($1.name.full, $1.id) }
                for guardian in guardians where seen.insert(guardian.id).inserted { people.append(guardian.id) }
            }
        }
        var plan = Plan(classID: classID, className: state.classes[classID]?.name ?? classID, toIssue: [], skipped: [])
        for id in people {
            if let login = state.loginByPerson[id], let account = state.logins[login] {
                plan.skipped.append(Skipped(personID: id, name: name(of: id, in: state), login: login, blocked: account.blocked))
            } else if onlyWithConsent && state.consents[id]?.isGiven != true {
                plan.withoutConsent.append(Skipped(personID: id, name: name(of: id, in: state), login: "", blocked: false))
            } else {
                plan.toIssue.append(id)
            }
        }
        return plan
    }

    /// Issues the plan's logins as `actor`, on slips, in one batch. `hash` makes
    /// each temporary password's hash (the server's own thread pool, or
    /// `PasswordHasher` at the command line); hashes are made side by side.
    public static func issue(in school: OpenSchool, classID: String, audience: LoginAudience, onlyWithConsent: Bool = false, as actor: Actor,
                             on date: CivilDate, hash: @escaping @Sendable (String) async throws -> String) async throws -> Outcome {
        let recorder = try school.recorder()
        return try await issue(recorder: recorder, classID: classID, audience: audience, onlyWithConsent: onlyWithConsent, as: actor, on: date,
                               hash: hash) {
            try await recorder.execute($0)
        }
    }

    /// The same through a door's own way of recording (`record`: the server
    /// times its appends and signs the checkpoints due).
    public static func issue(recorder: Recorder, classID: String, audience: LoginAudience, onlyWithConsent: Bool = false, as actor: Actor,
                             on date: CivilDate,
                             hash: @escaping @Sendable (String) async throws -> String,
                             record: ([Submission]) async throws -> AppendResult) async throws -> Outcome {
        try recorder.catchUp()
        let plan = recorder.withState { self.plan($0, classID: classID, audience: audience, on: date, onlyWithConsent: onlyWithConsent) }
        guard !plan.toIssue.isEmpty else { return Outcome(plan: plan, issued: [], sequences: []) }
        let passwords = plan.toIssue.map { _ in TemporaryPassword.generate() }
        // A few at a time: enough to use the cores, few enough not to crowd out the server's sign-ins.
        let hashes = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var made = [String](repeating: "", count: passwords.count)
            var next = 0
            func start() {
                let index = next
                let password = passwords[index]
                group.addTask { (index, try await hash(password)) }
                next += 1
            }
            while next < min(4, passwords.count) { start() }
            for try await (index, hashed) in group {
                made[index] = hashed
                if next < passwords.count { start() }
            }
            return made
        }
        let commands: [any Command] = zip(plan.toIssue, hashes).map { person, hashed in
            IssueLogin(personID: person, channel: .slip, passwordHash: hashed, on: date)
        }
        // One command still goes as a batch, so that a refusal reads the same for one person and for many.
        let result = try await record(commands.map { Submission($0, as: actor) })
        let logins = recorder.withState { state in plan.toIssue.map { state.loginByPerson[$0] ?? "" } }
        let issued = zip(plan.toIssue, zip(logins, passwords)).map { Issued(personID: $0, login: $1.0, password: $1.1) }
        return Outcome(plan: plan, issued: issued, sequences: result.sequences)
    }

    /// «S0001 Андреев Борис Ильич» as the registers have it.
    static func name(of id: String, in state: SchoolState) -> String {
        state.students[id]?.name.full ?? state.guardians[id]?.name.full ?? state.staff[id]?.name.full ?? id
    }
}

/// Slips as both doors print them.
public enum LoginSlips {
    /// The slip of a login just issued or reset: the person, their class, the
    /// login and the temporary password, who issued it and when.
    public static func slip(_ state: SchoolState, personID: String, login: String, password: String, by issuer: String,
                            on date: CivilDate, signInAt: String = "") -> LoginSlip {
        let kind = state.students[personID] != nil ? "ученик" : state.guardians[personID] != nil ? "родитель / законный представитель"
            : "сотрудник"
        let classes = state.currentClasses(of: personID).compactMap { state.classes[$0]?.name }.sorted()
        let issuerName = (state.staff[issuer]?.name ?? state.guardians[issuer]?.name ?? state.students[issuer]?.name)
            .map { "\(issuer) \($0.short)" } ?? issuer
        return LoginSlip(school: state.school?.shortName ?? "", name: ClassLogins.name(of: personID, in: state), kind: kind,
                         className: classes.joined(separator: ", "), login: login, password: password, signInAt: signInAt,
                         issuedOn: date.russian, issuedBy: issuerName)
    }

    /// The slips of a class's batch, in its order.
    public static func slips(_ state: SchoolState, of outcome: ClassLogins.Outcome, by issuer: String, on date: CivilDate,
                             signInAt: String = "") -> [LoginSlip] {
        outcome.issued.map { slip(state, personID: $0.personID, login: $0.login, password: $0.password, by: issuer, on: date,
                                  signInAt: signInAt) }
    }

    /// The PDF's title, and a file name for it: «Логины 5А 03.12.2026».
    public static func title(className: String, on date: CivilDate) -> String {
        "Логины и временные пароли, \(className), \(date.russian)"
    }

    public static func fileName(className: String, on date: CivilDate) -> String {
        "логины-\(className)-\(date.iso).pdf"
    }
}

/// A slip sent as a letter: written as a `.eml` file into an outbox for the
/// school's mail program (readable by its owner only: it holds a password).
public enum LoginLetters {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes the letter of `slip` to `address`; returns the file's path.
    @discardableResult
    public static func write(_ slip: LoginSlip, to address: String, outbox: String, on date: CivilDate) throws -> String {
        try FileManager.default.createDirectory(atPath: outbox, withIntermediateDirectories: true)
        let letter = "To: \(address)\r\nSubject: =?UTF-8?B?\(Data("Приглашение в электронный дневник".utf8).base64EncodedString())?=\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + slip.text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
        let path = "\(outbox)/\(slip.login)-\(date.iso).eml"
        guard FileManager.default.createFile(atPath: path, contents: Data(letter.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw Failure(description: "cannot write \(path)")
        }
        return path
    }
}
