import Catalog
import EventLog
import Foundation

/// The registers a school imports from its spreadsheets (plans/003 item 14).
public enum Register: String, CaseIterable, Sendable {
    case staff, students, guardians, classes
}

/// One row's commands, and how a refusal of them reads in the row's terms:
/// the column it points at and, when the generic wording would not do, the
/// reason in Russian.
struct MappedRow {
    var line: Int
    var commands: [any Command]
    var explain: (RuleViolation) -> (column: Column?, reason: String?)
}

protocol RegisterMapper {
    static var columns: [Column] { get }
    /// Reads a row into commands; nil when the problems it records in `row`
    /// keep it from becoming any.
    mutating func map(_ row: inout RowReader, state: SchoolState, on: CivilDate) -> MappedRow?
}

/// Imports a register file whole or not at all: every row becomes commands
/// checked by the same rules as anything else, submitted as one batch, and a
/// file with any bad line is refused with every bad line listed.
public enum RegisterImporter {
    /// Reads `data` as `register` and records it as `actor`. `on` is the date
    /// of the records that carry none in the file (a guardian's registration).
    /// Throws `ImportRejected` for a bad file, leaving the log as it was.
    public static func run(
        _ register: Register, data: Data, recorder: Recorder, as actor: Actor, on date: CivilDate,
        dryRun: Bool = false, progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) async throws -> ImportOutcome {
        let file: RegisterFile
        do {
            file = try RegisterFile(data: data)
        } catch {
            throw ImportRejected(register: register, issues: [error])
        }
        let state = recorder.state
        let (rows, issues, header) = read(file, as: register, state: state, on: date, progress: progress)
        var submissions: [Submission] = []
        var origin: [Int] = []
        for (index, row) in rows.enumerated() {
            submissions += row.commands.map { Submission($0, as: actor) }
            origin += Array(repeating: index, count: row.commands.count)
        }
        /// A row's later commands mostly fail because its first did (a guardian
        /// not registered is not linked either): one failure per row is the cause.
        func explain(_ failures: [(index: Int, violation: RuleViolation)]) -> [ImportIssue] {
            var seen = Set<Int>()
            return failures.filter { seen.insert(origin[$0.index]).inserted }.map { failure in
                let row = rows[origin[failure.index]]
                let (column, reason) = row.explain(failure.violation)
                return ImportIssue(line: row.line, column: column.map(header.name),
                                   reason: reason ?? russian(failure.violation), rule: failure.violation.rule)
            }
        }
        var all = issues
        if header.issues.isEmpty {
            all += explain(try recorder.check(submissions))
            if all.isEmpty && submissions.isEmpty {
                all.append(ImportIssue(line: header.line, reason: "под заголовком нет ни одной строки с данными"))
            }
        }
        guard all.isEmpty else { throw ImportRejected(register: register, issues: all) }
        var outcome = ImportOutcome(register: register, encoding: file.encoding, delimiter: file.delimiter, rows: rows.count,
                                    created: [], sequences: [], ignoredColumns: header.ignored)
        if dryRun { return outcome }
        do {
            outcome.sequences = try await recorder.execute(submissions).sequences
        } catch let rejected as BatchRejected {
            throw ImportRejected(register: register, issues: explain(rejected.failures))
        }
        outcome.created = created(register, before: state, after: recorder.state)
        progress(rows.count, rows.count)
        return outcome
    }

    /// The file's rows as commands, and the problems of reading it.
    /// The longest cell a register may have, in characters.
    static let maximumCell = 2_000

    static func read(
        _ file: RegisterFile, as register: Register, state: SchoolState, on date: CivilDate,
        progress: (Int, Int) -> Void
    ) -> (rows: [MappedRow], issues: [ImportIssue], header: HeaderMap) {
        var mapper: any RegisterMapper = switch register {
        case .staff: StaffRegister()
        case .students: StudentRegister()
        case .guardians: GuardianRegister()
        case .classes: ClassRegister()
        }
        let header = HeaderMap(records: file.records, columns: type(of: mapper).columns)
        guard header.issues.isEmpty else { return ([], header.issues, header) }
        let data = file.records.dropFirst(header.headerIndex + 1).filter { !$0.isBlank }
        var rows: [MappedRow] = []
        var issues: [ImportIssue] = []
        for (done, record) in data.enumerated() {
            var reader = RowReader(record: record, header: header)
            // No register cell is an essay: one this long is a mistake (a quote that swallowed rows, a
            // pasted document), and could not be recorded as one event anyway.
            if let (position, cell) = record.cells.enumerated().first(where: { $0.element.count > maximumCell }) {
                issues.append(ImportIssue(line: record.line, column: header.name(atPosition: position),
                                          reason: "в ячейке \(cell.count) символов, а допустимо не больше \(maximumCell)"))
                progress(done + 1, data.count)
                continue
            }
            if let row = mapper.map(&reader, state: state, on: date), reader.issues.isEmpty {
                rows.append(row)
            }
            issues += reader.issues
            progress(done + 1, data.count)
        }
        return (rows, issues, header)
    }

    /// The ids the import added, sorted (which is the file's order).
    static func created(_ register: Register, before: SchoolState, after: SchoolState) -> [String] {
        let keys: (SchoolState) -> Set<String> = switch register {
        case .staff: { Set($0.staff.keys) }
        case .students: { Set($0.students.keys) }
        case .guardians: { Set($0.guardians.keys) }
        case .classes: { Set($0.classes.keys) }
        }
        return keys(after).subtracting(keys(before)).sorted()
    }

    /// A refusal in Russian: the rule's Russian summary with the rule's own
    /// detail (which is Russian too). The registers word the common cases
    /// themselves, from the row's values rather than from the detail's words.
    static func russian(_ v: RuleViolation) -> String {
        switch v.rule {
        case .roleRequired: "нет права записывать реестр (\(v.detail)); загружает координатор или администрация"
        default: "\(v.rule.russianSummary) (\(v.detail))"
        }
    }

    /// Why the rules refuse a SNILS, for the column «СНИЛС»; nil when they do not.
    static func russian(snils: String) -> String? {
        switch snilsProblem(snils) {
        case .digitCount?: "в СНИЛС должно быть 11 цифр; пишите 123-456-789 01"
        case .checkNumber?: "неверное контрольное число СНИЛС; сверьте с документом"
        case nil: nil
        }
    }
}
