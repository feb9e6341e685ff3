import Catalog
import EventLog

/// The students register: one row per student enrolled by an order (or, with
/// «Прибыл из», admitted from another school).
struct StudentRegister: RegisterMapper {
    static let code = Column("Код", ["ID", "Идентификатор", "Код ученика"])
    static let last = Column("Фамилия", required: true)
    static let first = Column("Имя", required: true)
    static let middle = Column("Отчество")
    static let sex = Column("Пол", required: true)
    static let bornOn = Column("Дата рождения", required: true)
    static let snils = Column("СНИЛС", ["Страховой номер"], required: true)
    static let schoolClass = Column("Класс", required: true)
    static let enrolledOn = Column("Дата зачисления", ["Зачислен", "Дата приказа о зачислении"], required: true)
    static let order = Column("Номер приказа", ["Приказ", "№ приказа", "Номер приказа о зачислении"], required: true)
    static let origin = Column("Прибыл из", ["Откуда прибыл", "Предыдущая школа"])
    static let columns = [code, last, first, middle, sex, bornOn, snils, schoolClass, enrolledOn, order, origin]

    private var seenSNILS: [String: Int] = [:]

    mutating func map(_ row: inout RowReader, state: SchoolState, on: CivilDate) -> MappedRow? {
        let id = row.personCode(Self.code, prefix: "S")
        let name = row.name(last: Self.last, first: Self.first, middle: Self.middle)
        var sex: Sex?
        if let text = row.required(Self.sex) {
            sex = FieldParsing.sex(text)
            if sex == nil { row.fail(Self.sex, "«\(text)» — пол пишут «м» или «ж»") }
        }
        let bornOn = row.date(Self.bornOn)
        if row.text(Self.snils).isEmpty { row.fail(Self.snils, "не заполнено") }
        let snils = row.uniqueSNILS(Self.snils, seen: &seenSNILS)
        let enrolledOn = row.date(Self.enrolledOn)
        var classID: String?
        if let text = row.required(Self.schoolClass) {
            switch state.resolveClass(text, on: enrolledOn ?? on) {
            case .success(let id): classID = id
            case .failure(let reason): row.fail(Self.schoolClass, reason.text)
            }
        }
        let order = row.required(Self.order)
        let origin = row.text(Self.origin)
        guard row.issues.isEmpty, let name, let sex, let bornOn, let classID, let enrolledOn, let order else { return nil }
        let command = EnrollStudent(name: name, sex: sex, bornOn: bornOn, snils: snils, classID: classID, on: enrolledOn,
                                    orderNumber: order, origin: origin.isEmpty ? nil : (origin, ""), studentID: id)
        // The rule's refusals told apart by the row's own values, not the detail's words.
        let snilsProblem = RegisterImporter.russian(snils: snils)
        let age = EnrollStudent.age(bornOn: bornOn, on: enrolledOn)
        return MappedRow(line: row.line, commands: [command]) { violation in
            switch violation.rule {
            case .alreadyEnrolled:
                let same = state.enrolledBySNILS[snils] ?? state.students.values.first { sameSNILS($0.snils, snils) && $0.isEnrolled }?.id
                let student = same.flatMap { state.students[$0] }
                return (Self.snils, "ученик с этим СНИЛС уже зачислен: "
                    + (student.map { "\($0.id) \($0.name.full), класс \($0.currentClassID ?? "?")" } ?? violation.detail))
            case .invalidInput where snilsProblem != nil: return (Self.snils, snilsProblem)
            case .invalidInput where !EnrollStudent.plausibleAges.contains(age):
                return (Self.bornOn, "на дату зачисления \(enrolledOn.russian) ученику было бы \(Self.age(age)); проверьте дату рождения")
            case .outsideYear:
                return (Self.enrolledOn, "дата зачисления \(enrolledOn.russian) позже конца учебного года класса \(classID)")
            case .unknownRecord: return (Self.schoolClass, nil)
            case .duplicateRecord: return (Self.code, "код \(id ?? "") уже занят")
            default: return (nil, nil)
            }
        }
    }

    /// «1 год», «2 года», «5 лет».
    static func age(_ years: Int) -> String {
        let (tens, ones) = (years % 100 / 10, years % 10)
        if tens == 1 || ones == 0 || ones >= 5 { return "\(years) лет" }
        return ones == 1 ? "\(years) год" : "\(years) года"
    }
}
