import Foundation

/// One bad line of an imported register: where, and what is wrong with it, in
/// Russian for the coordinator who fixes the file.
public struct ImportIssue: Error, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The line of the file, from 1; 0 for the file as a whole.
    public var line: Int
    /// The column as the file's header names it; nil for the whole line.
    public var column: String?
    public var reason: String
    /// The rule the row's command broke, when a rule (not reading) refused it.
    public var rule: Rule?

    public init(line: Int, column: String? = nil, reason: String, rule: Rule? = nil) {
        self.line = line
        self.column = column
        self.reason = reason
        self.rule = rule
    }

    /// «строка 7, столбец «СНИЛС»: неверное контрольное число».
    public var description: String {
        var place = line > 0 ? "строка \(line)" : "файл"
        if let column { place += ", столбец «\(column)»" }
        return "\(place): \(reason)"
    }

    public static func < (a: ImportIssue, b: ImportIssue) -> Bool {
        (a.line, a.column ?? "") < (b.line, b.column ?? "")
    }
}

/// A register file refused whole: nothing of it was recorded.
public struct ImportRejected: Error, Sendable, CustomStringConvertible {
    public var register: Register
    public var issues: [ImportIssue]

    public init(register: Register, issues: [ImportIssue]) {
        self.register = register
        // By line; within a line in the order found, which is the columns' order.
        self.issues = issues.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }

    /// The report for a person: a heading and one line per problem.
    public var report: String {
        let lines = Set(issues.map(\.line)).count
        let heading = "Реестр «\(register.russianName)» не загружен, ничего не записано. "
            + "Ошибок: \(issues.count) (строк с ошибками: \(lines)). Исправьте файл и загрузите его снова целиком."
        return ([heading] + issues.map(\.description)).joined(separator: "\n")
    }

    public var description: String { report }
}

/// What a register import recorded.
public struct ImportOutcome: Sendable {
    public var register: Register
    public var encoding: RegisterFile.TextEncoding
    public var delimiter: Character
    /// The rows read (blank rows not counted).
    public var rows: Int
    /// The ids of the records created, in the file's order (`T0002`, `2024-5А`, …).
    public var created: [String]
    /// The sequences of the events appended; empty for a dry run.
    public var sequences: [UInt64]
    /// Columns of the file that no register column matched, ignored.
    public var ignoredColumns: [String]
}

extension Register {
    public var russianName: String {
        switch self {
        case .staff: "сотрудники"
        case .students: "ученики"
        case .guardians: "родители (законные представители)"
        case .classes: "классы"
        }
    }
}
