import Catalog
import EventLog

/// How register files point at records already in the school's registers:
/// staff by id or name, students by id or SNILS, classes by name or id. Each
/// returns the id, or the reason (in Russian) it cannot.
extension SchoolState {
    /// `T0003`, «Кузнецов Игорь Васильевич» or «Кузнецов И. В.» of a current member of staff.
    public func resolveStaff(_ text: String) -> Result<String, ImportReason> {
        if let member = staff[text] {
            return member.leftOn == nil ? .success(member.id) : .failure(ImportReason("\(member.id) \(member.name.full) уволен(а)"))
        }
        let key = FieldParsing.key(text)
        let matches = staff.values.filter { member in
            member.leftOn == nil
                && (FieldParsing.key(member.name.full) == key || FieldParsing.key(member.name.short) == key
                    || FieldParsing.key(member.name.short.replacingOccurrences(of: ". ", with: ".")) == key)
        }.sorted { $0.id < $1.id }
        switch matches.count {
        case 1: return .success(matches[0].id)
        case 0: return .failure(ImportReason("нет такого сотрудника «\(text)»; укажите код (T0003) или ФИО, как в реестре сотрудников"))
        default:
            return .failure(ImportReason("«\(text)» — несколько сотрудников (\(matches.map(\.id).joined(separator: ", "))); укажите код"))
        }
    }

    /// `S0001` or the student's SNILS.
    public func resolveStudent(_ text: String) -> Result<String, ImportReason> {
        if students[text] != nil { return .success(text) }
        let matches = students.values.filter { sameSNILS($0.snils, text) }.sorted { $0.id < $1.id }
        if let enrolled = matches.last(where: \.isEnrolled) ?? matches.last { return .success(enrolled.id) }
        return .failure(ImportReason("нет ученика «\(text)»; укажите код ученика (S0001) или его СНИЛС, как в реестре учеников"))
    }

    /// «5А» or `2024-5А`: when several years have a 5А, the one whose year
    /// holds `date`, else the latest.
    public func resolveClass(_ text: String, on date: CivilDate) -> Result<String, ImportReason> {
        if classes[text] != nil { return .success(text) }
        var name = text
        if let dash = text.firstIndex(of: "-"), Int(text[..<dash]) != nil, text[..<dash].count == 4 {
            name = String(text[text.index(after: dash)...])
        }
        guard let (grade, letter) = FieldParsing.className(name) else {
            return .failure(ImportReason("«\(text)» — не класс; пишите номер и букву, например 5А"))
        }
        let candidates = classes.values.filter { $0.grade == grade && $0.letter == letter }
        if name != text, let year = Int(text.prefix(4)) {
            if let exact = candidates.first(where: { $0.year == year }) { return .success(exact.id) }
        } else if let current = candidates.first(where: { years[$0.year]?.contains(date) ?? false }) {
            return .success(current.id)
        } else if let latest = candidates.max(by: { $0.year < $1.year }) {
            return .success(latest.id)
        }
        let known = Set(classes.values.map(\.name)).sorted()
        return .failure(ImportReason("нет класса \(grade)\(letter)"
            + (known.isEmpty ? "; сначала загрузите реестр классов" : " (есть: \(known.joined(separator: ", ")))")))
    }
}

/// Why a value could not be used, in Russian.
public struct ImportReason: Error, Sendable, CustomStringConvertible {
    public var text: String
    init(_ text: String) { self.text = text }
    public var description: String { text }
}
