import EventLog
import Foundation

/// Every change of a grade, an attendance mark or a final grade: value before
/// → after, who, when and why — like the grade-change audit logs of Canvas or
/// Focus. First entries are not changes; voidings are («аннулирована»).
public struct ChangeLog: Codable, Sendable, Equatable {
    public struct Filter: Codable, Sendable, Equatable {
        public var student: String?
        public var editor: String?
        public var classID: String?
        public var subject: String?
        public var from: String?
        public var to: String?

        public init(student: String? = nil, editor: String? = nil, classID: String? = nil, subject: String? = nil,
                    from: String? = nil, to: String? = nil) {
            self.student = student; self.editor = editor; self.classID = classID; self.subject = subject
            self.from = from; self.to = to
        }
    }

    public struct Entry: Codable, Sendable, Equatable {
        /// Recorded-at, ISO 8601 UTC.
        public var at: String
        /// grade, attendance, final, lesson
        public var kind: String
        /// corrected, voided, retaken, set-again
        public var action: String
        public var student: String, studentName: String
        public var classID: String
        public var subject: String, subjectName: String
        /// The lesson id, or the period id of a final grade.
        public var target: String
        public var lessonDate: String?
        public var gradeID: String
        public var before: String, after: String
        public var editor: String, editorName: String, role: String
        public var reason: String
    }

    public var school: String
    public var filter: Filter
    public var entries: [Entry]
}

extension ChangeLog {
    /// The changes that match every given criterion, oldest first. `class` is a
    /// class name or id; `subject` an id or name; dates are of recording, inclusive.
    public static func query(
        _ source: any ViewSource, student: String? = nil, editor: String? = nil, class className: String? = nil,
        subject subjectName: String? = nil, from: Day? = nil, to: Day? = nil
    ) throws -> ChangeLog {
        let lookup = Lookup(source)
        if let student { _ = try lookup.student(student) }
        let classID = try className.map { try lookup.resolveClass($0).id }
        let subjectID = try subjectName.map { try lookup.resolveSubject($0).id }
        var keys: [RowKey] = []
        func collect(_ table: Table<EmptyRow>, _ prefix: RowKey, from start: RowKey? = nil, until: ((RowKey) -> Bool)? = nil) throws {
            try source.scan(table, prefix: prefix, from: start) { key, _ in
                if let until, until(key) { return false }
                keys.append(RowKey(bytes: Array(key.bytes.suffix(9))))
                return true
            }
        }
        // The most selective index first; the rest of the criteria filter below.
        if let student {
            try collect(ViewTables.changesByStudent, RowKey(student))
        } else if let editor {
            try collect(ViewTables.changesByEditor, RowKey(editor))
        } else if let classID {
            try collect(ViewTables.changesByClass, subjectID.map { RowKey(classID, $0) } ?? RowKey(classID))
        } else if from != nil || to != nil {
            var start = RowKey()
            start.day(from ?? Int32.min)
            try collect(ViewTables.changesByDay, RowKey(), from: start) { key in key.day(at: 0) > (to ?? Int32.max) }
        } else {
            try source.scan(ViewTables.changes) { key, _ in
                keys.append(key)
                return true
            }
        }
        keys.sort()
        var names: [String: String] = [:]
        func cached(_ id: String, _ load: () throws -> String) rethrows -> String {
            if let name = names[id] { return name }
            let name = try load()
            names[id] = name
            return name
        }
        var entries: [Entry] = []
        for key in keys {
            guard let row = try source.get(ViewTables.changes, key) else { continue }
            let day = Timestamp(microseconds: row.at).civilDate.daysSinceEpoch
            guard student.map({ row.student == $0 }) ?? true, editor.map({ row.editor == $0 }) ?? true,
                  classID.map({ row.classID == $0 }) ?? true, subjectID.map({ row.subject == $0 }) ?? true,
                  from.map({ day >= $0 }) ?? true, to.map({ day <= $0 }) ?? true else { continue }
            entries.append(Entry(
                at: Timestamp(microseconds: row.at).iso, kind: row.kind, action: row.action, student: row.student,
                studentName: try cached("s:" + row.student) {
                    row.student.isEmpty ? "" : (try source.get(ViewTables.students, RowKey(row.student))?.name.full ?? row.student)
                },
                classID: row.classID, subject: row.subject,
                subjectName: try cached("subj:" + row.subject) { try lookup.subjectName(row.subject) },
                target: row.target, lessonDate: row.lessonDate?.iso, gradeID: row.gradeID, before: row.before, after: row.after,
                editor: row.editor, editorName: try cached("t:" + row.editor) { try lookup.staffName(row.editor) },
                role: row.role, reason: row.reason))
        }
        return ChangeLog(
            school: try lookup.school()?.id ?? "",
            filter: Filter(student: student, editor: editor, classID: classID, subject: subjectID, from: from?.iso, to: to?.iso),
            entries: entries)
    }
}

/// The summary sheet (сводная ведомость итоговых оценок) of a class: students
/// × subjects → each period's final and the year's.
public struct SummarySheet: Codable, Sendable, Equatable {
    public struct Column: Codable, Sendable, Equatable {
        public var id: String, name: String
    }

    public struct Student: Codable, Sendable, Equatable {
        public var id: String, name: String
        public var memberships: [ClassJournal.Membership]
        /// `finals[s][p]`: subject `subjects[s]`, period `periods[p]`; nil when not set.
        public var finals: [[String?]]
    }

    public var school: String
    public var classID: String, className: String, year: Int
    /// The class's periods, then the year (`<year>-Y`).
    public var periods: [Column]
    public var subjects: [Column]
    public var students: [Student]

    public static func query(_ source: any ViewSource, class className: String) throws -> SummarySheet {
        let lookup = Lookup(source)
        let klass = try lookup.resolveClass(className)
        let periodRows = try lookup.periods(for: klass)
        let yearPeriod = lookup.yearPeriod(klass, periodRows)
        let periods = periodRows.map { Column(id: $0.id, name: $0.name) } + [Column(id: yearPeriod.id, name: "год")]
        let periodIndex = Dictionary(periods.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let roster = try lookup.roster(klass.id, from: yearPeriod.starts, to: yearPeriod.ends)
        var values: [String: [String: [Int: String]]] = [:]
        for entry in roster {
            try source.scan(ViewTables.finals, prefix: RowKey(entry.student.id)) { key, row in
                let parts = key.textParts
                if parts.count == 3, let p = periodIndex[parts[2]] { values[entry.student.id, default: [:]][parts[1], default: [:]][p] = row.value }
                return true
            }
        }
        var subjects = try Set(values.values.flatMap(\.keys)).map { Column(id: $0, name: try lookup.subjectName($0)) }
        subjects.sort { ($0.name, $0.id) < ($1.name, $1.id) }
        let students = roster.map { entry in
            Student(id: entry.student.id, name: entry.student.name.full,
                    memberships: entry.spans.map { ClassJournal.Membership(from: $0.from.iso, to: $0.to?.iso) },
                    finals: subjects.map { subject in
                        periods.indices.map { values[entry.student.id]?[subject.id]?[$0] }
                    })
        }
        return SummarySheet(school: try lookup.school()?.id ?? "", classID: klass.id, className: klass.name,
                            year: Int(klass.year), periods: periods, subjects: subjects, students: students)
    }
}
