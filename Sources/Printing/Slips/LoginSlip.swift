/// A slip with a personal login and its temporary password, in Russian, as
/// handed over on paper (the PDF sheet) or sent in a letter (its `text`).
/// Both doors make it the same way, so a slip reads the same everywhere.
public struct LoginSlip: Sendable, Equatable {
    /// The school's short name.
    public var school: String
    public var name: String
    /// «ученик», «родитель / законный представитель», «сотрудник».
    public var kind: String
    /// The class the person belongs to (a student's, a parent's child's); empty for staff.
    public var className: String
    public var login: String
    public var password: String
    /// Where to sign in: the journal's address.
    public var signInAt: String
    /// «3 декабря 2026».
    public var issuedOn: String
    /// «T0003 Петрова А. В.».
    public var issuedBy: String

    public init(school: String, name: String, kind: String, className: String, login: String, password: String,
                signInAt: String, issuedOn: String, issuedBy: String) {
        self.school = school
        self.name = name
        self.kind = kind
        self.className = className
        self.login = login
        self.password = password
        self.signInAt = signInAt.isEmpty ? Self.defaultSignInAt : signInAt
        self.issuedOn = issuedOn
        self.issuedBy = issuedBy
    }

    /// When the journal's address is not known to the door that prints.
    public static let defaultSignInAt = "адрес электронного журнала — на сайте школы"

    public var heading: String { "\(school) — электронный журнал и дневник «Летопись»" }
    public var invitation: String { "Приглашение для: \(name) (\(kind))" }
    public var firstSteps: String {
        "При первом входе задайте свой пароль. Никому не сообщайте пароль."
    }
    public var validity: String {
        "Временный пароль действует 30 дней и только для первого входа."
    }
    public var issued: String { "Выдано \(issuedOn), \(issuedBy)" }

    /// The slip as text: for a terminal and for a letter.
    public var text: String {
        let line = String(repeating: "─", count: 56)
        var lines = [line, heading, invitation]
        if !className.isEmpty { lines.append("Класс:             \(className)") }
        lines += [
            "Логин:             \(login)",
            "Временный пароль:  \(password)",
            "Где войти:         \(signInAt)",
            firstSteps,
            validity,
            issued,
            line,
        ]
        return lines.joined(separator: "\n")
    }
}
