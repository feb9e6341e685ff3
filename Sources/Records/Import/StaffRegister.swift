import Catalog
import EventLog

/// The staff register: one row per member of staff.
struct StaffRegister: RegisterMapper {
    static let code = Column("Код", ["ID", "Идентификатор", "Код сотрудника"])
    static let last = Column("Фамилия", required: true)
    static let first = Column("Имя", required: true)
    static let middle = Column("Отчество")
    static let position = Column("Должность", ["Занимаемая должность"], required: true)
    static let hiredOn = Column("Дата приёма", ["Дата приема на работу", "Дата приёма на работу", "Принят", "Дата поступления"],
                                required: true)
    static let email = Column("E-mail", ["Email", "Эл. почта", "Электронная почта", "Адрес электронной почты"])
    static let snils = Column("СНИЛС", ["Страховой номер"])
    static let roles = Column("Роли", ["Роль", "Роли в системе"])
    static let columns = [code, last, first, middle, position, hiredOn, email, snils, roles]

    private var seenSNILS: [String: Int] = [:]
    /// Rows without SNILS by full name and position: the same twice is one person entered twice.
    private var seenNames: [String: Int] = [:]

    mutating func map(_ row: inout RowReader, state: SchoolState, on: CivilDate) -> MappedRow? {
        let id = row.personCode(Self.code, prefix: "T")
        let name = row.name(last: Self.last, first: Self.first, middle: Self.middle)
        let position = row.required(Self.position)
        let hiredOn = row.date(Self.hiredOn)
        let email = row.email(Self.email)
        let snils = row.uniqueSNILS(Self.snils, seen: &seenSNILS)
        let parsed = FieldParsing.roles(row.text(Self.roles))
        if parsed.classTeacher {
            row.fail(Self.roles, "классного руководителя назначают в реестре классов (столбец «Классный руководитель»)")
        }
        if !parsed.unknown.isEmpty {
            row.fail(Self.roles, "неизвестная роль «\(parsed.unknown.joined(separator: "», «"))»; роли: учитель, координатор, администрация")
        }
        guard row.issues.isEmpty, let name, let position, let hiredOn else { return nil }
        if snils.isEmpty && id == nil {
            let key = name.full.lowercased() + "|" + position.lowercased()
            if let earlier = seenNames[key] {
                row.fail(Self.last, "\(name.full), \(position) — уже в строке \(earlier); если это другой человек, укажите СНИЛС")
                return nil
            }
            seenNames[key] = row.line
        }
        // An empty cell means a teacher, as most staff are.
        let roles = parsed.roles.isEmpty && !parsed.classTeacher ? [Role.teacher] : parsed.roles
        let command = HireStaff(name: name, position: position, hiredOn: hiredOn, email: email, snils: snils,
                                roles: roles, staffID: id)
        // The rule's refusals told apart by the row's own values, not the detail's words.
        let snilsProblem = snils.isEmpty ? nil : RegisterImporter.russian(snils: snils)
        let codeTaken = id.map { state.staff[$0] != nil } ?? false
        let snilsHolder = (snils.isEmpty ? nil : state.currentStaff(withSNILS: snils)).map { "\($0.id) \($0.name.full)" }
        let namesake = (snils.isEmpty ? state.currentStaff(named: name, position: position) : nil).map { "\($0.id) \($0.name.full)" }
        return MappedRow(line: row.line, commands: [command]) { violation in
            switch violation.rule {
            case .duplicateRecord where !codeTaken && snilsHolder != nil:
                return (Self.snils, "сотрудник с этим СНИЛС уже есть: \(snilsHolder ?? "")")
            case .duplicateRecord where !codeTaken && namesake != nil:
                return (nil, "уже есть в реестре: \(namesake ?? ""), та же должность; если это другой человек, укажите СНИЛС")
            case .duplicateRecord where codeTaken: return (Self.code, "код \(id ?? "") уже занят")
            case .duplicateRecord: return (nil, nil)
            case .invalidInput where snilsProblem != nil: return (Self.snils, snilsProblem)
            // The names are checked on reading, so what else the rules refuse is the roles.
            case .invalidInput: return (Self.roles, nil)
            default: return (nil, nil)
            }
        }
    }
}
