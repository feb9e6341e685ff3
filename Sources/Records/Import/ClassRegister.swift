import Catalog
import EventLog

/// The classes of a year and their class teachers.
struct ClassRegister: RegisterMapper {
    static let name = Column("Класс", ["Название класса", "Наименование класса"], required: true)
    static let year = Column("Год", ["Учебный год"], required: true)
    static let teacher = Column("Классный руководитель", ["Кл. руководитель", "Классный руководитель (код или ФИО)"])
    static let columns = [name, year, teacher]

    private var seen: [String: Int] = [:]

    mutating func map(_ row: inout RowReader, state: SchoolState, on: CivilDate) -> MappedRow? {
        var parsed: (grade: Int, letter: String)?
        if let text = row.required(Self.name) {
            parsed = FieldParsing.className(text)
            if parsed == nil { row.fail(Self.name, "«\(text)» — не класс; пишите номер 1–11 и букву, например 5А") }
        }
        var year: Int?
        if let text = row.required(Self.year) {
            year = FieldParsing.academicYear(text)
            if year == nil { row.fail(Self.year, "«\(text)» — не учебный год; пишите 2024 или 2024/25") }
        }
        var teacherID = ""
        let teacherText = row.text(Self.teacher)
        if !teacherText.isEmpty {
            switch state.resolveStaff(teacherText) {
            case .success(let id): teacherID = id
            case .failure(let reason): row.fail(Self.teacher, reason.text)
            }
        }
        if let parsed, let year {
            let id = "\(year)-\(parsed.grade)\(parsed.letter)"
            if let earlier = seen[id] {
                row.fail(Self.name, "класс \(parsed.grade)\(parsed.letter) \(year) года уже есть в строке \(earlier)")
            }
            seen[id] = seen[id] ?? row.line
        }
        guard row.issues.isEmpty, let parsed, let year else { return nil }
        let command = CreateClass(year: year, grade: parsed.grade, letter: parsed.letter, classTeacherID: teacherID, on: on)
        let yearDefined = state.years[year] != nil
        return MappedRow(line: row.line, commands: [command]) { violation in
            switch violation.rule {
            case .unknownRecord where !yearDefined:
                return (Self.year, "учебный год \(year)/\(year + 1) не задан; сначала задайте его даты и каникулы")
            case .unknownRecord: return (Self.teacher, nil)
            case .duplicateRecord: return (Self.name, "класс \(command.classID) уже есть")
            case .invalidInput: return (Self.name, nil)
            default: return (nil, nil)
            }
        }
    }
}
