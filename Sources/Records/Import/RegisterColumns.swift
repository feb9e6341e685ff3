import Catalog
import EventLog
import Foundation

/// A column of a register file: the name the documentation gives it and the
/// other names schools' exports use for it.
struct Column: Hashable, Sendable {
    let name: String
    let aliases: [String]
    let required: Bool

    init(_ name: String, _ aliases: [String] = [], required: Bool = false) {
        self.name = name
        self.aliases = aliases
        self.required = required
    }

    func matches(_ header: String) -> Bool {
        let key = Column.normalize(header)
        return !key.isEmpty && ([name] + aliases).contains { Column.normalize($0) == key }
    }

    /// Headers compare without case, spaces, punctuation or ё, and with
    /// Cyrillic and Latin look-alikes folded together («Е-mail» typed with a
    /// Cyrillic Е is still the e-mail).
    static func normalize(_ header: String) -> String {
        let folded: [Character: Character] = ["ё": "e", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y",
                                              "х": "x", "к": "k", "м": "m", "т": "t", "в": "b", "н": "h"]
        return String(header.lowercased().compactMap { c -> Character? in
            guard c.isLetter || c.isNumber else { return nil }
            return folded[c] ?? c
        })
    }
}

/// Where each column of a register stands in a file.
struct HeaderMap {
    /// The record holding the header: the first of the file's first ten records
    /// that names at least half of the required columns, since exports often
    /// put a title above the table.
    let line: Int
    let headerIndex: Int
    var positions: [Column: Int] = [:]
    /// As the file spells them, for the report.
    var spelled: [Column: String] = [:]
    var ignored: [String] = []
    var issues: [ImportIssue] = []
    /// Cells in the header record, named or not: values beyond are extra.
    var width = 0

    init(records: [RegisterFile.Record], columns: [Column]) {
        let required = columns.filter(\.required)
        let candidates = records.prefix(10).enumerated().filter { !$0.element.isBlank }
        let found = candidates.first { _, record in
            required.filter { column in record.cells.contains(where: column.matches) }.count * 2 >= required.count
        } ?? candidates.first
        guard let (index, record) = found else {
            line = 0
            headerIndex = records.count
            issues.append(ImportIssue(line: 0, reason: "файл пуст: нет ни заголовка, ни строк"))
            return
        }
        line = record.line
        headerIndex = index
        width = record.cells.count
        for (position, cell) in record.cells.enumerated() where !cell.isEmpty {
            guard let column = columns.first(where: { $0.matches(cell) }) else {
                ignored.append(cell)
                continue
            }
            if let earlier = spelled[column] {
                issues.append(ImportIssue(line: line, column: cell, reason: "столбец повторяется (уже есть «\(earlier)»)"))
                continue
            }
            positions[column] = position
            spelled[column] = cell
        }
        for column in required where positions[column] == nil {
            issues.append(ImportIssue(line: line, column: column.name,
                                      reason: "в заголовке нет этого обязательного столбца (заголовок: \(record.cells.joined(separator: "; ")))"))
        }
    }

    func name(of column: Column) -> String { spelled[column] ?? column.name }

    /// The header's name of the cell at `position`, as the file spells it; nil beyond the named columns.
    func name(atPosition position: Int) -> String? {
        positions.first { $0.value == position }.map { name(of: $0.key) }
    }
}

/// The cells of one data row by column, and the problems found reading them.
struct RowReader {
    let line: Int
    private let header: HeaderMap
    private let cells: [String]
    var issues: [ImportIssue] = []

    init(record: RegisterFile.Record, header: HeaderMap) {
        line = record.line
        self.header = header
        cells = record.cells
        let extra = cells.indices.filter { $0 >= header.width && !cells[$0].isEmpty }
        if !extra.isEmpty {
            issues.append(ImportIssue(line: line, reason: "в строке больше значений, чем столбцов в заголовке: «\(extra.map { cells[$0] }.joined(separator: "», «"))»"))
        }
    }

    func text(_ column: Column) -> String {
        guard let position = header.positions[column], position < cells.count else { return "" }
        return cells[position]
    }

    mutating func fail(_ column: Column?, _ reason: String) {
        issues.append(ImportIssue(line: line, column: column.map(header.name), reason: reason))
    }

    /// The value of a required column, or nil (and an issue) when it is empty.
    mutating func required(_ column: Column) -> String? {
        let value = text(column)
        if value.isEmpty && header.positions[column] != nil { fail(column, "не заполнено") }
        return value.isEmpty ? nil : value
    }

    mutating func date(_ column: Column) -> CivilDate? {
        guard let value = required(column) else { return nil }
        guard let date = FieldParsing.date(value) else {
            fail(column, "«\(value)» — не дата; пишите дд.мм.гггг, например 01.09.2024")
            return nil
        }
        return date
    }
}

/// Reading the values schools write into registers (and type on the command line).
public enum FieldParsing {
    /// `дд.мм.гггг` as Excel shows dates (with a time of day after it, as some
    /// exports add), ISO `гггг-мм-дд`, or Excel's serial day number.
    public static func date(_ text: String) -> CivilDate? {
        let value = String(text.split(separator: " ").first ?? "")
        if let iso = CivilDate(iso: value) { return iso }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count), parts[2].count == 4,
           parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }), let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]) {
            return CivilDate(year: y, month: m, day: d)
        }
        // A cell formatted as a number shows the date's serial: days since 1899-12-30.
        if value.count == 5, value.allSatisfy(\.isASCIIDigit), let serial = Int(value), (20_000...80_000).contains(serial) {
            return CivilDate(year: 1899, month: 12, day: 30)?.adding(days: serial)
        }
        return nil
    }

    public static func sex(_ text: String) -> Sex? {
        switch key(text) {
        case "м", "муж", "мужской", "мальчик", "m", "male": .male
        case "ж", "жен", "женский", "девочка", "f", "female": .female
        default: nil
        }
    }

    public static func relation(_ text: String) -> GuardianRelation? {
        switch key(text) {
        case "мать", "мама", "mother": .mother
        case "отец", "папа", "father": .father
        case "законный представитель", "законный представитель (опекун)", "опекун", "попечитель", "усыновитель",
             "приемный родитель", "приемная мать", "приемный отец", "другое": .otherLegalRepresentative
        default: nil
        }
    }

    /// «учитель, администрация»: the roles of a member of staff.
    static func roles(_ text: String) -> (roles: [Role], unknown: [String], classTeacher: Bool) {
        var roles: [Role] = []
        var unknown: [String] = []
        var classTeacher = false
        for part in text.split(whereSeparator: { ",;/+".contains($0) }).map({ key(String($0)) }) where !part.isEmpty {
            let role: Role?
            switch part {
            case "учитель", "педагог", "учитель-предметник", "преподаватель", "teacher": role = .teacher
            case "координатор", "администратор", "администратор системы", "coordinator": role = .coordinator
            case "администрация", "директор", "заместитель директора", "зам. директора", "завуч", "administration":
                role = .administration
            case "классный руководитель", "class-teacher":
                classTeacher = true
                role = nil
            default:
                unknown.append(part)
                role = nil
            }
            if let role, !roles.contains(role) { roles.append(role) }
        }
        return (roles, unknown, classTeacher)
    }

    /// A class as schools write it: «5А», «5 А», «5-а», «5 "А"», «5A» typed with
    /// a Latin letter. Returns the grade and the letter in Cyrillic capitals.
    public static func className(_ text: String) -> (grade: Int, letter: String)? {
        let latin: [Character: Character] = ["A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М",
                                             "O": "О", "P": "Р", "T": "Т", "X": "Х"]
        let compact = text.uppercased().filter { !" -«»\"'.".contains($0) }.map { latin[$0] ?? $0 }
        let digits = compact.prefix { $0.isASCIIDigit }
        let letter = String(compact.dropFirst(digits.count))
        guard let grade = Int(String(digits)), (1...11).contains(grade), !letter.isEmpty, letter.count <= 3,
              letter.allSatisfy({ ("А"..."Я").contains($0) || $0 == "Ё" }) else { return nil }
        return (grade, letter)
    }

    /// «2024», «2024/25», «2024/2025», «2024–2025»: the year the academic year starts in.
    public static func academicYear(_ text: String) -> Int? {
        let parts = text.split(whereSeparator: { "/-–—".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first, first.count == 4, let year = Int(first), (2000...2100).contains(year) else { return nil }
        if parts.count == 2 {
            guard let second = Int(parts[1]), second == year + 1 || second == (year + 1) % 100 else { return nil }
        }
        return parts.count <= 2 ? year : nil
    }

    /// Lower case, ё as е, single spaces, no trailing dot: how values compare.
    public static func key(_ text: String) -> String {
        var value = text.lowercased().replacingOccurrences(of: "ё", with: "е")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        while value.hasSuffix(".") { value.removeLast() }
        return value
    }

    /// «Иванов Пётр Сергеевич» → last, first, patronymic (the rest).
    public static func personName(_ text: String) -> PersonName {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        var name = PersonName()
        name.last = words.first ?? ""
        name.first = words.dropFirst().first ?? ""
        name.middle = words.dropFirst(2).joined(separator: " ")
        return name
    }
}
