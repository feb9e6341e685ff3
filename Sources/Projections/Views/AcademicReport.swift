import EventLog
import Foundation

/// The academic report of a class for a period, for one subject or all:
/// успеваемость (share of students with no 2 and no н/а among their period
/// finals), качество (share with only 4 and 5), средний балл, and attendance
/// per student.
public struct AcademicReport: Codable, Sendable, Equatable {
    public struct Results: Codable, Sendable, Equatable {
        /// Students with at least one final of the selection.
        public var assessed: Int
        /// Students of the class with no final of the selection yet (not counted).
        public var withoutFinal: Int
        /// успеваемость: no 2 (or 1) and no н/а.
        public var success: Share
        /// качество: only 4 and 5.
        public var quality: Share
        /// средний балл of the numeric finals; nil when there are none.
        public var averageMark: Double?
    }

    public struct SubjectLine: Codable, Sendable, Equatable {
        public var subject: String, subjectName: String
        public var results: Results
    }

    public struct Attendance: Codable, Sendable, Equatable {
        public var student: String, name: String
        public var lessonsMissed: Int
        public var lessonsMissedIllness: Int
        /// School days absent from every lesson the student had that day.
        public var wholeDaysMissed: Int
        public var late: Int
    }

    public var school: String
    public var classID: String, className: String
    public var period: ClassJournal.Period
    /// Nil: every subject.
    public var subject: String?
    public var subjectName: String?
    /// Students in the class on the period's last day (or on `asOf`, if earlier).
    public var students: Int
    public var results: Results
    public var subjects: [SubjectLine]
    public var attendance: [Attendance]
}

extension AcademicReport {
    public static func query(
        _ source: any ViewSource, class className: String, period periodName: String?, subject subjectName: String? = nil,
        today: Day = Today.day
    ) throws -> AcademicReport {
        let lookup = Lookup(source)
        let klass = try lookup.resolveClass(className)
        let period = try lookup.resolvePeriod(periodName, for: klass, today: today)
        let subject = try subjectName.map { try lookup.resolveSubject($0) }
        let onDay = min(period.ends, max(period.starts, today))
        let students = try lookup.roster(klass.id, from: onDay, to: onDay).map(\.student)

        // Finals: student → subject → value.
        var finals: [String: [String: String]] = [:]
        for student in students {
            try source.scan(ViewTables.finals, prefix: RowKey(student.id)) { key, row in
                let parts = key.textParts
                if parts.count == 3, parts[2] == period.id, subject == nil || parts[1] == subject!.id {
                    finals[student.id, default: [:]][parts[1]] = row.value
                }
                return true
            }
        }
        let subjectIDs = Set(finals.values.flatMap(\.keys)).union(subject.map { [$0.id] } ?? [])
        var lines: [SubjectLine] = []
        for id in subjectIDs.sorted() {
            let perStudent = students.compactMap { student in finals[student.id]?[id].map { [$0] } }
            lines.append(SubjectLine(subject: id, subjectName: try lookup.subjectName(id),
                                     results: results(perStudent, classSize: students.count)))
        }
        lines.sort { $0.subjectName < $1.subjectName }
        let overall = results(students.compactMap { finals[$0.id].map { Array($0.values) } }, classSize: students.count)

        return AcademicReport(
            school: try lookup.school()?.id ?? "", classID: klass.id, className: klass.name,
            period: ClassJournal.Period(id: period.id, name: period.name, from: period.starts.iso, to: period.ends.iso,
                                        closed: period.closed),
            subject: subject?.id, subjectName: subject?.name, students: students.count, results: overall,
            subjects: lines,
            attendance: try attendance(source, lookup: lookup, klass: klass, students: students, period: period,
                                       subject: subject?.id))
    }

    /// One list of finals per assessed student.
    static func results(_ finals: [[String]], classSize: Int) -> Results {
        let assessed = finals.filter { !$0.isEmpty }
        let success = assessed.filter { marks in !marks.contains { ["2", "1", "н/а"].contains($0) } }.count
        let quality = assessed.filter { marks in marks.allSatisfy { $0 == "4" || $0 == "5" } }.count
        let numeric = assessed.flatMap { $0 }.compactMap { Int($0) }.filter { (1...5).contains($0) }
        return Results(
            assessed: assessed.count, withoutFinal: max(0, classSize - assessed.count),
            success: Share(success, of: assessed.count), quality: Share(quality, of: assessed.count),
            averageMark: numeric.isEmpty ? nil : (Double(numeric.reduce(0, +)) / Double(numeric.count)).rounded(places: 2))
    }

    /// Missed lessons, illness, lateness (of the subject's lessons when one is
    /// named) and whole days missed (always over all lessons), from the rolls
    /// of the class's and its groups' lessons in the period.
    static func attendance(
        _ source: any ViewSource, lookup: Lookup, klass: ClassRow, students: [StudentRow], period: PeriodRow, subject: String?
    ) throws -> [Attendance] {
        let codes = try lookup.codes()
        func flags(_ code: String) -> (absent: Bool, ill: Bool, late: Bool) {
            if let row = codes[code] { return (row.isAbsence, row.isIllness, row.isLate) }
            // Codes not in the reference book read as the customary ones.
            return (["Н", "Б", "УП"].contains(code), code == "Б", code == "ОП")
        }
        let units = [klass.id] + (try lookup.groups(of: klass.id)).map(\.id)
        var lessons: [LessonRow] = []
        for unit in units {
            let prefix = RowKey(unit)
            try source.scan(ViewTables.lessons, prefix: prefix, from: prefix.appending(day: period.starts)) { key, row in
                guard key.day(at: prefix.bytes.count) <= period.ends else { return false }
                if row.isShown && row.attendanceTaken { lessons.append(row) }
                return true
            }
        }
        return students.map { student in
            var missed = 0, ill = 0, late = 0
            var perDay: [Day: (had: Int, absent: Int)] = [:]
            for lesson in lessons {
                let membership = lesson.unit == klass.id ? student.classes : student.groups
                guard membership.contains(where: { $0.unit == lesson.unit && $0.span.contains(lesson.date) }) else { continue }
                let code = lesson.code(of: student.id).map(flags) ?? (absent: false, ill: false, late: false)
                perDay[lesson.date, default: (0, 0)].had += 1
                if code.absent { perDay[lesson.date, default: (0, 0)].absent += 1 }
                guard subject == nil || lesson.subject == subject else { continue }
                if code.absent { missed += 1 }
                if code.absent && code.ill { ill += 1 }
                if code.late { late += 1 }
            }
            let wholeDays = perDay.values.filter { $0.had > 0 && $0.absent == $0.had }.count
            return Attendance(student: student.id, name: student.name.full, lessonsMissed: missed,
                              lessonsMissedIllness: ill, wholeDaysMissed: wholeDays, late: late)
        }
    }
}
