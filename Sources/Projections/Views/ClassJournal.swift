import EventLog
import Foundation

/// The class journal (электронный классный журнал) of one class or group, one
/// subject and one reporting period: the lessons, the students × lessons grid of
/// marks and attendance, period finals, averages, and what is still missing.
public struct ClassJournal: Codable, Sendable, Equatable {
    public struct Unit: Codable, Sendable, Equatable {
        public var id: String, name: String
        /// `class` or `group`.
        public var kind: String
        public var classID: String
    }

    public struct Subject: Codable, Sendable, Equatable {
        public var id: String, name: String
    }

    public struct Period: Codable, Sendable, Equatable {
        public var id: String, name: String, from: String, to: String, closed: Bool
    }

    public struct Lesson: Codable, Sendable, Equatable {
        public var id: String, date: String, slot: Int
        public var topic: String, homework: String, homeworkDue: String
        public var teacher: String, teacherName: String
        public var substitute: Bool
        public var replacedTeacher: String
        public var attendanceTaken: Bool
    }

    public struct Mark: Codable, Sendable, Equatable {
        public var gradeID: String, value: String, workType: String, workTypeName: String, weight: Int
        /// The teacher's comment, when there is one.
        public var comment: String?
    }

    public struct Cell: Codable, Sendable, Equatable {
        /// False on dates the student was not in the class or group.
        public var member: Bool
        public var marks: [Mark]
        /// The attendance code (Н, Б, УП, ОП…), nil when present or not taken.
        public var attendance: String?
    }

    public struct Membership: Codable, Sendable, Equatable {
        public var from: String
        /// The first day no longer in it; nil while still in it.
        public var to: String?
    }

    public struct Student: Codable, Sendable, Equatable {
        public var id: String, name: String
        public var memberships: [Membership]
        /// One cell per lesson, in the order of `lessons`.
        public var cells: [Cell]
        public var final: String?
        /// Of the numeric, non-voided grades 1–5; nil when there are none.
        public var average: Double?
        public var weightedAverage: Double?
    }

    public struct Missing: Codable, Sendable, Equatable {
        public var lessonID: String, date: String, slot: Int
        public var topic: Bool, attendance: Bool
    }

    public var school: String
    public var unit: Unit
    public var subject: Subject
    public var period: Period
    public var lessons: [Lesson]
    public var students: [Student]
    /// Lessons still missing a topic or the roll.
    public var missing: [Missing]
}

extension ClassJournal {
    /// The journal of a class (by id or name) or a group, one subject (id or
    /// name; a group's own subject when nil) and one period (id or name; the
    /// current one when nil).
    public static func query(
        _ source: any ViewSource, class className: String? = nil, group groupName: String? = nil,
        subject subjectName: String? = nil, period periodName: String? = nil, today: Day = Today.day
    ) throws -> ClassJournal {
        let lookup = Lookup(source)
        let klass: ClassRow
        let unit: Unit
        var subjectGiven = subjectName
        if let groupName {
            let group = try lookup.resolveGroup(groupName)
            klass = try lookup.resolveClass(group.classID)
            unit = Unit(id: group.id, name: "\(klass.name)/\(group.name)", kind: "group", classID: klass.id)
            if subjectGiven == nil { subjectGiven = group.subject }
        } else if let className {
            klass = try lookup.resolveClass(className)
            unit = Unit(id: klass.id, name: klass.name, kind: "class", classID: klass.id)
        } else {
            throw ViewError.invalid("name a class (--class 5А) or a group (--group 5А/англ-1)")
        }
        guard let subjectGiven else {
            throw ViewError.unknown(what: "subject", given: "(none)", known: try lookup.subjects().map(\.name).sorted())
        }
        let subject = try lookup.resolveSubject(subjectGiven)
        let period = try lookup.resolvePeriod(periodName, for: klass, today: today)
        return try build(source, lookup: lookup, unit: unit, subject: subject, period: period)
    }

    static func build(
        _ source: any ViewSource, lookup: Lookup, unit: Unit, subject: SubjectRow, period: PeriodRow
    ) throws -> ClassJournal {
        let workTypes = try lookup.workTypes()
        var rows: [LessonRow] = []
        let prefix = RowKey(unit.id, subject.id)
        try source.scan(ViewTables.subjectLessons, prefix: prefix, from: prefix.appending(day: period.starts)) { key, _ in
            guard key.day(at: prefix.bytes.count) <= period.ends else { return false }
            let ref = LessonRef(unit: unit.id, day: key.day(at: prefix.bytes.count), slot: Int32(key.bytes.last!))
            if let lesson = try source.get(ViewTables.lessons, ref.key), lesson.isShown, lesson.subject == subject.id {
                rows.append(lesson)
            }
            return true
        }
        var teacherNames: [String: String] = [:]
        func teacherName(_ id: String) throws -> String {
            if let known = teacherNames[id] { return known }
            let name = try lookup.staffName(id)
            teacherNames[id] = name
            return name
        }
        let lessons = try rows.map { row in
            Lesson(id: row.lessonID, date: row.date.iso, slot: Int(row.slot), topic: row.topic, homework: row.homework,
                   homeworkDue: row.homeworkDue, teacher: row.teacher, teacherName: try teacherName(row.teacher),
                   substitute: row.substitute, replacedTeacher: row.replacedTeacher, attendanceTaken: row.attendanceTaken)
        }

        var roster = try lookup.roster(unit.id, from: period.starts, to: period.ends)
        // Anyone with an entry here but not on the roster (it should not happen) still shows.
        let listed = Set(roster.map(\.student.id))
        let strays = Set(rows.flatMap { $0.grades.map(\.student) + $0.absences.map(\.student) }).subtracting(listed)
        for id in strays.sorted() {
            if let student = try source.get(ViewTables.students, RowKey(id)) { roster.append((student, [])) }
        }

        let students = try roster.map { entry -> Student in
            let id = entry.student.id
            var sum = 0, count = 0, weightedSum = 0, weights = 0
            let cells = rows.map { row -> Cell in
                let marks = row.grades.filter { $0.student == id && !$0.voided }.map { grade in
                    if let v = grade.numeric {
                        let w = max(grade.weight, 1)
                        sum += v; count += 1; weightedSum += v * w; weights += w
                    }
                    return Mark(gradeID: grade.id, value: grade.value, workType: grade.workType,
                                workTypeName: workTypes[grade.workType]?.name ?? grade.workType, weight: grade.weight,
                                comment: grade.comment.isEmpty ? nil : grade.comment)
                }
                return Cell(member: entry.spans.contains(day: row.date), marks: marks, attendance: row.code(of: id))
            }
            let final = try source.get(ViewTables.finals, RowKey(id, subject.id, period.id))?.value
            return Student(
                id: id, name: entry.student.name.full,
                memberships: entry.spans.map { Membership(from: $0.from.iso, to: $0.to?.iso) },
                cells: cells, final: final,
                average: count > 0 ? (Double(sum) / Double(count)).rounded(places: 2) : nil,
                weightedAverage: weights > 0 ? (Double(weightedSum) / Double(weights)).rounded(places: 2) : nil)
        }

        let missing = rows.filter { $0.topic.isEmpty || !$0.attendanceTaken }.map {
            Missing(lessonID: $0.lessonID, date: $0.date.iso, slot: Int($0.slot), topic: $0.topic.isEmpty,
                    attendance: !$0.attendanceTaken)
        }
        return ClassJournal(
            school: try lookup.school()?.id ?? "", unit: unit, subject: Subject(id: subject.id, name: subject.name),
            period: Period(id: period.id, name: period.name, from: period.starts.iso, to: period.ends.iso, closed: period.closed),
            lessons: lessons, students: students, missing: missing)
    }
}

/// The date views default to.
public enum Today {
    /// Today in Moscow (UTC+3), where most users of a Russian school journal are.
    public static var day: Day { Timestamp.now().adding(seconds: 3 * 3600).civilDate.daysSinceEpoch }
}
