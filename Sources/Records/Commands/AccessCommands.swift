import Catalog
import EventLog

/// Personal logins (plans/003 item 18, plans/000 item 4): issued after consent,
/// by the coordinator, or by a class teacher within the own class. The events
/// say that a password was issued, changed or reset; the hash goes to the
/// credentials table with them (`Decision.credentials`), never into the log.
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
        let record = "логин для \(personID)"
        let role = try c.authorize([.coordinator, .classTeacher], for: record)
        let kind = try c.state.personKind(personID, record: record)
        let person: String
        let name: PersonName
        let loginRole: Role
        switch kind {
        case .staff:
            guard role == .coordinator else {
                throw RuleViolation(.roleRequired, record: record, detail: "логины сотрудникам выдаёт координатор",
                                    remedy: "Обратитесь к координатору.")
            }
            let member = c.state.staff[personID]!
            name = member.name
            person = "\(personID) \(member.name.full)"
            let held = Set(member.roles.map(\.role))
            loginRole = held.contains(.administration) ? .administration : held.contains(.coordinator) ? .coordinator
                : held.isEmpty || held.contains(.teacher) || held.contains(.classTeacher) ? .teacher : .auditor
        case .student:
            let student = c.state.students[personID]!
            name = student.name
            person = "\(personID) \(student.name.full)"
            loginRole = .student
            guard student.isEnrolled else {
                throw RuleViolation(.notInClassOnDate, record: record, detail: "\(person) сейчас не учится в школе",
                                    remedy: "Логины выдаются только нынешним ученикам.")
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
                throw RuleViolation(.consentWithdrawn, record: "логин для \(person)",
                                    detail: "согласие на обработку персональных данных отозвано или не дано",
                                    remedy: "Логин можно выдать только после того, как записано новое согласие.")
            case nil:
                throw RuleViolation(.consentRequired, record: "логин для \(person)",
                                    detail: "согласие на обработку персональных данных не записано",
                                    remedy: "Сначала запишите подписанное согласие.")
            }
        }
        try c.requireOwnClass(person: personID, role: role, record: "логин для \(person)")
        if let existing = c.state.loginByPerson[personID], c.state.logins[existing]?.blocked == false {
            throw RuleViolation(.duplicateRecord, record: "логин для \(person)", detail: "у \(person) уже есть логин \(existing)",
                                remedy: "Вместо нового логина выдайте новый временный пароль.")
        }
        try requireDelivery(channel: channel, email: email, record: record)
        try requireHash(passwordHash, record: record)
        var e = LoginIssued()
        e.login = c.state.freeLogin(for: name)
        e.personID = personID
        e.personKind = kind
        e.role = loginRole.userRole
        e.issuedBy = c.actor.userID
        e.channel = channel
        e.email = email
        e.mustChangePassword = true
        let password = CredentialTable.Password(hash: passwordHash, temporary: true, setAt: c.now)
        return Decision(on, [e], credentials: [.password(login: e.login, password)])
    }
}

/// The owner's own steps: activation, a new password, signing in. The door
/// (the server, or `letopis login activate`) has checked the password, and the
/// second factor where one is needed, before it asks for these.
public struct UseLogin: Command {
    public enum Step: Sendable {
        /// The first sign-in with the slip's temporary password.
        case activate
        /// The owner's own password, made by `PasswordHasher` (and checked by `PasswordPolicy`).
        case changePassword(hash: String)
        case signIn(SecondFactorUse)
    }

    public var login: String
    public var step: Step
    public var on: CivilDate

    public init(login: String, step: Step, on: CivilDate) {
        self.login = login
        self.step = step
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "логин \(login)"
        let account = try c.state.requireLogin(login)
        try c.requireOwner(of: account, record: record)
        try c.requireUsable(account, record: record)
        switch step {
        case .activate:
            guard !account.activated else {
                throw RuleViolation(.loginState, record: record, detail: "логин уже активирован", remedy: "Войдите со своим паролем.")
            }
            var e = LoginActivated()
            e.login = login
            return Decision(on, [e])
        case .changePassword(let hash):
            guard account.activated else {
                throw RuleViolation(.loginState, record: record, detail: "логин ещё не активирован",
                                    remedy: "Сначала активируйте его временным паролем.")
            }
            try requireHash(hash, record: record)
            var e = PasswordChanged()
            e.login = login
            let password = CredentialTable.Password(hash: hash, temporary: false, setAt: c.now)
            return Decision(on, [e], credentials: [.password(login: login, password)])
        case .signIn(let factor):
            guard account.activated else {
                throw RuleViolation(.loginState, record: record, detail: "логин ещё не активирован",
                                    remedy: "Сначала активируйте его временным паролем.")
            }
            if factor == .none, c.state.requiresSecondFactor(account) {
                throw RuleViolation(.secondFactorRequired, record: record,
                                    detail: "школа требует второй фактор для роли \(account.role.rawValue)",
                                    remedy: account.secondFactor ? "Введите код из приложения-аутентификатора."
                                        : "Подключите приложение-аутентификатор, прежде чем войти.")
            }
            var e = SignedIn()
            e.login = login
            e.secondFactor = factor
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
        let record = "логин \(login)"
        try c.authorize([.coordinator, .administration], for: record)
        let account = try c.state.requireLogin(login)
        try c.requireReason(reason, record: record)
        guard account.blocked != block else {
            throw RuleViolation(.loginState, record: record, detail: block ? "логин уже заблокирован" : "логин не заблокирован",
                                remedy: "Делать ничего не нужно.")
        }
        if block {
            var e = LoginBlocked()
            e.login = login
            e.reason = reason
            return Decision(on, [e])
        }
        if account.personKind != .staff && c.state.consents[account.personID]?.isGiven != true {
            throw RuleViolation(.consentWithdrawn, record: record,
                                detail: "у \(account.personID) не записано согласие на обработку персональных данных",
                                remedy: "Прежде чем разблокировать, запишите новое согласие.")
        }
        if let other = c.state.logins.values.first(where: { $0.personID == account.personID && $0.login != login && !$0.blocked }) {
            throw RuleViolation(.duplicateRecord, record: record, detail: "у \(account.personID) есть действующий логин \(other.login)",
                                remedy: "У человека один действующий логин: пользуйтесь им, или сначала заблокируйте его.")
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
        let record = "логин \(login)"
        let role = try c.authorize([.coordinator, .classTeacher], for: record)
        let account = try c.state.requireLogin(login)
        if account.personKind == .staff && role != .coordinator {
            throw RuleViolation(.roleRequired, record: record, detail: "пароли сотрудников сбрасывает координатор",
                                remedy: "Обратитесь к координатору.")
        }
        try c.requireOwnClass(person: account.personID, role: role, record: record)
        guard !account.blocked else {
            throw RuleViolation(.loginState, record: record, detail: "логин заблокирован",
                                remedy: "Сначала разблокируйте его, если причины блокировки больше нет.")
        }
        if account.personKind != .staff && c.state.consents[account.personID]?.isGiven != true {
            throw RuleViolation(.consentWithdrawn, record: record,
                                detail: "у \(account.personID) не записано согласие на обработку персональных данных",
                                remedy: "Сначала запишите согласие.")
        }
        try requireDelivery(channel: channel, email: email, record: record)
        try requireHash(passwordHash, record: record)
        var e = PasswordReset()
        e.login = login
        e.resetBy = c.actor.userID
        e.channel = channel
        e.email = email
        e.mustChangePassword = true
        let password = CredentialTable.Password(hash: passwordHash, temporary: true, setAt: c.now)
        return Decision(on, [e], credentials: [.password(login: login, password)])
    }
}

/// A member of staff enrols an authenticator app as their login's second
/// factor, with one-time recovery codes (only their hashes reach the command).
public struct EnrolSecondFactor: Command {
    public var login: String
    public var secret: String
    public var recoveryCodeHashes: [String]
    public var on: CivilDate

    public init(login: String, secret: String, recoveryCodeHashes: [String], on: CivilDate) {
        self.login = login
        self.secret = secret
        self.recoveryCodeHashes = recoveryCodeHashes
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "второй фактор логина \(login)"
        let account = try c.state.requireLogin(login)
        try c.requireOwner(of: account, record: record)
        try c.requireUsable(account, record: record)
        guard account.personKind == .staff else {
            throw RuleViolation(.roleRequired, record: record, detail: "второй фактор подключают сотрудники",
                                remedy: "Родителям и ученикам он не нужен.")
        }
        guard !account.secondFactor else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "приложение-аутентификатор уже подключено",
                                remedy: "Чтобы подключить другое, сначала отключите это.")
        }
        guard secret.utf8.count >= 20, !recoveryCodeHashes.isEmpty else {
            throw RuleViolation(.invalidInput, record: record, detail: "нет секрета или резервных кодов",
                                remedy: "Начните подключение заново.")
        }
        var e = SecondFactorEnrolled()
        e.login = login
        e.recoveryCodes = Int32(recoveryCodeHashes.count)
        let factor = CredentialTable.SecondFactor(secret: secret, recoveryCodeHashes: recoveryCodeHashes)
        return Decision(on, [e], credentials: [.secondFactor(login: login, factor)])
    }
}

/// Removes a login's second factor: its owner, or the coordinator (a lost
/// phone) with a reason.
public struct RemoveSecondFactor: Command {
    public var login: String
    public var reason: String
    public var on: CivilDate

    public init(login: String, reason: String, on: CivilDate) {
        self.login = login
        self.reason = reason
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "второй фактор логина \(login)"
        let account = try c.state.requireLogin(login)
        if c.actor.userID != account.personID {
            try c.authorize([.coordinator], for: record)
            try c.requireReason(reason, record: record)
        }
        guard account.secondFactor else {
            throw RuleViolation(.loginState, record: record, detail: "второй фактор не подключён", remedy: "Делать ничего не нужно.")
        }
        var e = SecondFactorRemoved()
        e.login = login
        e.removedBy = c.actor.userID
        e.reason = reason
        return Decision(on, [e], credentials: [.secondFactor(login: login, nil)])
    }
}

/// The school requires a second factor of the staff who hold these roles.
public struct RequireSecondFactor: Command {
    public var roles: Set<Role>
    public var on: CivilDate

    public init(roles: Set<Role>, on: CivilDate) {
        self.roles = roles
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "требование второго фактора"
        try c.authorize([.administration, .coordinator], for: record)
        let staffRoles: Set<Role> = [.coordinator, .teacher, .classTeacher, .administration, .auditor]
        guard roles.isSubset(of: staffRoles) else {
            throw RuleViolation(.invalidInput, record: record,
                                detail: "второй фактор требуется только от сотрудников, а не от ролей \(roles.subtracting(staffRoles).map(\.rawValue).sorted().joined(separator: ", "))",
                                remedy: "Назовите роли сотрудников.")
        }
        guard roles != c.state.secondFactorRoles else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "это требование уже действует", remedy: "Делать ничего не нужно.")
        }
        var e = SecondFactorRequired()
        e.roles = roles.sorted { $0.rawValue < $1.rawValue }.map(\.userRole)
        e.setBy = c.actor.userID
        return Decision(on, [e])
    }
}

extension CommandContext {
    /// Only a login's owner uses it.
    func requireOwner(of account: LoginAccount, record: String) throws(RuleViolation) {
        guard actor.userID == account.personID else {
            throw RuleViolation(.roleRequired, record: record, detail: "логином пользуется только его владелец \(account.personID)",
                                remedy: "Войдите как \(account.personID).")
        }
    }

    /// A login that is not blocked, whose owner (a parent or student) has a consent in force.
    func requireUsable(_ account: LoginAccount, record: String) throws(RuleViolation) {
        guard !account.blocked else {
            throw RuleViolation(.loginState, record: record, detail: "логин заблокирован",
                                remedy: "Обратитесь к классному руководителю или координатору.")
        }
        if account.personKind != .staff, state.consents[account.personID]?.isGiven != true {
            throw RuleViolation(.consentWithdrawn, record: record,
                                detail: "согласие на обработку персональных данных отозвано или не дано",
                                remedy: "Обратитесь к классному руководителю.")
        }
    }
}

private func requireDelivery(channel: LoginChannel, email: String, record: String) throws(RuleViolation) {
    if channel == .email && !email.contains("@") {
        throw RuleViolation(.invalidInput, record: record, detail: "нет адреса электронной почты, куда отправить",
                            remedy: "Укажите адрес или распечатайте листок с логином.")
    }
}

private func requireHash(_ hash: String, record: String) throws(RuleViolation) {
    guard hash.hasPrefix("pbkdf2-sha256$") else {
        throw RuleViolation(.invalidInput, record: record, detail: "пароль не захеширован",
                            remedy: "Хранится только хеш пароля.")
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

    /// Whether the school requires a second factor of this login's owner: a
    /// member of staff holding one of the roles the school named.
    public func requiresSecondFactor(_ account: LoginAccount) -> Bool {
        guard account.personKind == .staff, !secondFactorRoles.isEmpty, let member = staff[account.personID] else { return false }
        return member.roles.contains { secondFactorRoles.contains($0.role) }
    }
}
