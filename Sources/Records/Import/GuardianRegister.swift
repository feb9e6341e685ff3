import Catalog
import EventLog

/// Parents and other legal representatives: one row per guardian and child. A
/// guardian of several children stands on several rows (the same SNILS, or the
/// same name and phone or e-mail): registered once, linked to each child.
struct GuardianRegister: RegisterMapper {
    static let code = Column("Код", ["ID", "Идентификатор", "Код родителя"])
    static let last = Column("Фамилия", required: true)
    static let first = Column("Имя", required: true)
    static let middle = Column("Отчество")
    static let phone = Column("Телефон", ["Контактный телефон", "Мобильный телефон"])
    static let email = Column("E-mail", ["Email", "Эл. почта", "Электронная почта", "Адрес электронной почты"])
    static let snils = Column("СНИЛС", ["Страховой номер"])
    static let student = Column("Ученик", ["Ученик (код или СНИЛС)", "Ребёнок", "Код ученика", "СНИЛС ученика"], required: true)
    static let relation = Column("Кем приходится", ["Степень родства", "Родство", "Кем является", "Статус"], required: true)
    static let columns = [code, last, first, middle, phone, email, snils, student, relation]

    /// Guardians of this file by who they are (SNILS, or name and contacts) → id.
    private var known: [String: String] = [:]
    /// The number of the last id given (see `newID`).
    private var lastNumber: Int?
    private var seenLinks: [String: Int] = [:]
    /// The line each new guardian is registered on, for the lines that link them too.
    private var registeredOn: [String: Int] = [:]
    /// The guardians this file registers, for telling a namesake of an earlier row.
    private var registered: [Guardian] = []

    mutating func map(_ row: inout RowReader, state: SchoolState, on: CivilDate) -> MappedRow? {
        let code = row.personCode(Self.code, prefix: "P")
        let name = row.name(last: Self.last, first: Self.first, middle: Self.middle)
        let email = row.email(Self.email)
        let phone = row.text(Self.phone)
        let snils = row.text(Self.snils)
        var studentID: String?
        if let text = row.required(Self.student) {
            switch state.resolveStudent(text) {
            case .success(let id): studentID = id
            case .failure(let reason): row.fail(Self.student, reason.text)
            }
        }
        var relation: GuardianRelation?
        if let text = row.required(Self.relation) {
            relation = FieldParsing.relation(text)
            if relation == nil { row.fail(Self.relation, "«\(text)» — пишите «мать», «отец» или «законный представитель»") }
        }
        if let code, let existing = state.guardians[code], let name,
           FieldParsing.key(existing.name.last) != FieldParsing.key(name.last) {
            row.fail(Self.code, "код \(code) в реестре — \(existing.name.full), а не \(name.full)")
        }
        guard row.issues.isEmpty, let name, let studentID, let relation else { return nil }

        let digits = snils.filter(\.isASCIIDigit)
        let identity = digits.isEmpty
            ? [FieldParsing.key(name.full), phone.filter(\.isASCIIDigit), email.lowercased()].joined(separator: "|") : digits
        // Registered already, by the register or an earlier row: what the rules
        // will compare this row's guardian with, if it is registered as new.
        let snilsHolder = digits.isEmpty ? nil : state.guardian(withSNILS: snils)
        let namesake = state.guardian(sameAs: name, phone: phone, email: email)
            ?? registered.first { $0.isSamePerson(name: name, phone: phone, email: email) }
        var commands: [any Command] = []
        let guardianID: String
        if let code, state.guardians[code] != nil {
            guardianID = code      // already registered: only linked
        } else if let earlier = known[identity] {
            guardianID = earlier
        } else {
            if let code, let number = Int(code.dropFirst()) {
                lastNumber = max(number, highest(state))
            }
            guardianID = code ?? newID(state)
            registeredOn[guardianID] = row.line
            registered.append(Guardian(id: guardianID, name: name, email: email, snils: snils, phone: phone))
            commands.append(RegisterGuardian(name: name, phone: phone, email: email, snils: snils, guardianID: guardianID, on: on))
        }
        known[identity] = guardianID
        let link = "\(guardianID)/\(studentID)"
        if let earlier = seenLinks[link] {
            row.fail(Self.student, "этот родитель уже связан с учеником \(studentID) в строке \(earlier)")
            return nil
        }
        seenLinks[link] = row.line
        commands.append(LinkGuardian(guardianID: guardianID, studentID: studentID, relation: relation, on: on))
        let firstLine = registeredOn[guardianID]
        // The rules' refusals told apart by the row's own values, not by the
        // detail's words. A guardian of the register is only linked; a new one
        // is registered once, by this row or an earlier one (whose refusal this
        // row's link then shares).
        let inRegister = state.guardians[guardianID]
        let linked = inRegister?.children[studentID] != nil
        let snilsProblem = snils.isEmpty ? nil : RegisterImporter.russian(snils: snils)
        return MappedRow(line: row.line, commands: commands) { violation in
            switch violation.rule {
            case .duplicateRecord where linked:
                return (Self.student, "\(guardianID) уже связан с учеником \(studentID)")
            case .duplicateRecord where inRegister == nil && snilsHolder != nil:
                return (Self.snils, "родитель с этим СНИЛС уже есть в реестре: "
                    + (snilsHolder.map { "\($0.id) \($0.name.full); укажите его код в столбце «Код»" } ?? ""))
            case .duplicateRecord where inRegister == nil && namesake != nil:
                return (nil, "\(name.full) уже есть в реестре (\(namesake?.id ?? ""), те же ФИО и телефон или e-mail); "
                    + "укажите его код в столбце «Код», чтобы только связать с учеником")
            case .duplicateRecord where code != nil && inRegister == nil: return (Self.code, "код \(guardianID) уже занят")
            // Otherwise the rule's own words (a parent of the child under the same name).
            case .duplicateRecord: return (nil, nil)
            case .invalidInput where snilsProblem != nil: return (Self.snils, snilsProblem)
            case .unknownRecord where inRegister == nil:
                return (nil, "родитель не записан из-за ошибки в строке \(firstLine.map(String.init) ?? "?")")
            case .unknownRecord: return (Self.student, nil)
            default: return (nil, nil)
            }
        }
    }

    /// The next free `P…`: the register's highest number is looked up once,
    /// and the file's ids (given or new) follow it.
    private mutating func newID(_ state: SchoolState) -> String {
        lastNumber = highest(state) + 1
        return "P" + String(format: "%04d", lastNumber!)
    }

    private func highest(_ state: SchoolState) -> Int {
        lastNumber ?? state.highestIDs["P"] ?? 0
    }
}
