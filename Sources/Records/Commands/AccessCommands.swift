import Catalog
import EventLog

/// Personal logins (plans/003 item 18, plans/000 item 4): issued after consent,
/// by the coordinator, or by a class teacher within the own class.
public struct IssueLogin: Command {
    public var personID: String
    public var channel: LoginChannel
    public var email: String
    /// Made by `PasswordHasher`; the password itself never reaches a command.
    public var passwordHash: String
    public var on: CivilDate

    public init(personID: String, channel: LoginChannel, email: String = "", passwordHash: String, on: CivilDate) {
        self.personID = personID
        self.channel = channel
        self.email = email
        self.passwordHash = passwordHash
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "login for \(personID)"
        let role = try c.authorize([.coordinator, .classTeacher], for: record)
        let kind = try c.state.personKind(personID, record: record)
        let person: String
        let name: PersonName
        let loginRole: Role
        switch kind {
        case .staff:
            guard role == .coordinator else {
                throw RuleViolation(.roleRequired, record: record, detail: "staff logins are issued by the coordinator",
                                    remedy: "Ask the coordinator.")
            }
            let member = c.state.staff[personID]!
            name = member.name
            person = "\(personID) \(member.name.full)"
            loginRole = member.roles.contains { $0.role == .administration } ? .administration
                : member.roles.contains { $0.role == .coordinator } ? .coordinator : .teacher
        case .student:
            let student = c.state.students[personID]!
            name = student.name
            person = "\(personID) \(student.name.full)"
            loginRole = .student
            guard student.isEnrolled else {
                throw RuleViolation(.notInClassOnDate, record: record, detail: "\(person) is not enrolled now",
                                    remedy: "Logins are for current students.")
            }
        default:
            let guardian = c.state.guardians[personID]!
            name = guardian.name
            person = "\(personID) \(guardian.name.full)"
            loginRole = .parent
        }
        if kind != .staff {
            switch c.state.consents[personID] {
            case .given?:
                break
            case .withdrawn?, .refused?:
                throw RuleViolation(.consentWithdrawn, record: "login for \(person)",
                                    detail: "the consent to process personal data was withdrawn or refused",
                                    remedy: "A login can be issued only after a new consent is recorded.")
            case nil:
                throw RuleViolation(.consentRequired, record: "login for \(person)",
                                    detail: "no consent to process personal data is on record",
                                    remedy: "Record the signed consent first (letopis consent give).")
            }
        }
        try c.requireOwnClass(person: personID, role: role, record: "login for \(person)")
        if let existing = c.state.loginByPerson[personID], c.state.logins[existing]?.blocked == false {
            throw RuleViolation(.duplicateRecord, record: "login for \(person)", detail: "\(person) already has the login \(existing)",
                                remedy: "Reset its password instead (letopis login reset).")
        }
        if channel == .email && !email.contains("@") {
            throw RuleViolation(.invalidInput, record: record, detail: "no e-mail address to send it to",
                                remedy: "Give --email, or print a slip.")
        }
        guard passwordHash.hasPrefix("pbkdf2-sha256$") else {
            throw RuleViolation(.invalidInput, record: record, detail: "the password is not hashed",
                                remedy: "Only a password hash is recorded.")
        }
        var e = LoginIssued()
        e.login = c.state.freeLogin(for: name)
        e.personID = personID
        e.personKind = kind
        e.role = loginRole.userRole
        e.issuedBy = c.actor.userID
        e.channel = channel
        e.email = email
        e.passwordHash = passwordHash
        e.mustChangePassword = true
        return Decision(on, [e])
    }
}

/// The user's own steps: activation, a new password, signing in.
public struct UseLogin: Command {
    public enum Step: Sendable { case activate, changePassword(hash: String), signIn }

    public var login: String
    public var step: Step
    public var on: CivilDate

    public init(login: String, step: Step, on: CivilDate) {
        self.login = login
        self.step = step
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "login \(login)"
        let account = try c.state.requireLogin(login)
        guard c.actor.userID == account.personID else {
            throw RuleViolation(.roleRequired, record: record, detail: "only its owner \(account.personID) uses a login",
                                remedy: "Sign in as \(account.personID).")
        }
        guard !account.blocked else {
            throw RuleViolation(.loginState, record: record, detail: "the login is blocked",
                                remedy: "Ask the coordinator to unblock it.")
        }
        switch step {
        case .activate:
            guard !account.activated else {
                throw RuleViolation(.loginState, record: record, detail: "already activated", remedy: "Sign in.")
            }
            var e = LoginActivated()
            e.login = login
            return Decision(on, [e])
        case .changePassword(let hash):
            guard account.activated else {
                throw RuleViolation(.loginState, record: record, detail: "not activated yet", remedy: "Activate it first.")
            }
            var e = PasswordChanged()
            e.login = login
            e.passwordHash = hash
            return Decision(on, [e])
        case .signIn:
            guard account.activated else {
                throw RuleViolation(.loginState, record: record, detail: "not activated yet", remedy: "Activate it first.")
            }
            var e = SignedIn()
            e.login = login
            return Decision(on, [e])
        }
    }
}

public struct ChangeLoginAccess: Command {
    public var login: String
    public var block: Bool
    public var reason: String
    public var on: CivilDate

    public init(login: String, block: Bool, reason: String, on: CivilDate) {
        self.login = login
        self.block = block
        self.reason = reason
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "login \(login)"
        try c.authorize([.coordinator, .administration], for: record)
        let account = try c.state.requireLogin(login)
        try c.requireReason(reason, record: record)
        guard account.blocked != block else {
            throw RuleViolation(.loginState, record: record, detail: block ? "already blocked" : "not blocked",
                                remedy: "Nothing to do.")
        }
        if block {
            var e = LoginBlocked()
            e.login = login
            e.reason = reason
            return Decision(on, [e])
        }
        if account.personKind != .staff && c.state.consents[account.personID]?.isGiven != true {
            throw RuleViolation(.consentWithdrawn, record: record,
                                detail: "\(account.personID) has no consent to process personal data on record",
                                remedy: "Record a new consent before unblocking.")
        }
        var e = LoginUnblocked()
        e.login = login
        e.reason = reason
        return Decision(on, [e])
    }
}

/// A new temporary password for a login whose owner lost theirs (a lost slip,
/// a forgotten password): by the coordinator, or a class teacher within the own
/// class; the owner must change it at the next sign-in.
public struct ResetPassword: Command {
    public var login: String
    public var channel: LoginChannel
    public var email: String
    /// Made by `PasswordHasher`; the password itself never reaches a command.
    public var passwordHash: String
    public var on: CivilDate

    public init(login: String, channel: LoginChannel, email: String = "", passwordHash: String, on: CivilDate) {
        self.login = login
        self.channel = channel
        self.email = email
        self.passwordHash = passwordHash
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "login \(login)"
        let role = try c.authorize([.coordinator, .classTeacher], for: record)
        let account = try c.state.requireLogin(login)
        if account.personKind == .staff && role != .coordinator {
            throw RuleViolation(.roleRequired, record: record, detail: "staff passwords are reset by the coordinator",
                                remedy: "Ask the coordinator.")
        }
        try c.requireOwnClass(person: account.personID, role: role, record: record)
        guard !account.blocked else {
            throw RuleViolation(.loginState, record: record, detail: "the login is blocked",
                                remedy: "Unblock it first (letopis login unblock), if the reason for the block is gone.")
        }
        if account.personKind != .staff && c.state.consents[account.personID]?.isGiven != true {
            throw RuleViolation(.consentWithdrawn, record: record,
                                detail: "\(account.personID) has no consent to process personal data on record",
                                remedy: "Record a new consent first (letopis consent give).")
        }
        if channel == .email && !email.contains("@") {
            throw RuleViolation(.invalidInput, record: record, detail: "no e-mail address to send it to",
                                remedy: "Give --email, or print a slip.")
        }
        guard passwordHash.hasPrefix("pbkdf2-sha256$") else {
            throw RuleViolation(.invalidInput, record: record, detail: "the password is not hashed",
                                remedy: "Only a password hash is recorded.")
        }
        var e = PasswordReset()
        e.login = login
        e.passwordHash = passwordHash
        e.resetBy = c.actor.userID
        e.channel = channel
        e.email = email
        e.mustChangePassword = true
        return Decision(on, [e])
    }
}

extension SchoolState {
    /// `ivanova.ms`, or `ivanova.ms2`, … when taken.
    func freeLogin(for name: PersonName) -> String {
        let base = LoginName.base(for: name)
        if logins[base] == nil { return base }
        var n = 2
        while logins["\(base)\(n)"] != nil { n += 1 }
        return "\(base)\(n)"
    }
}
