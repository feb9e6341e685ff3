import EventLog
import Foundation

/// One week of a student's diary (электронный дневник), Monday to Saturday:
/// each day's lessons in slot order with subject, topic, homework due, marks
/// and attendance, and whether a parent acknowledged the week.
public struct DiaryWeek: Codable, Sendable, Equatable {
    public struct Student: Codable, Sendable, Equatable {
        public var id: String, name: String
        /// The class on the week's Monday (or the first day the student was in one).
        public var classID: String, className: String
    }

    public struct Mark: Codable, Sendable, Equatable {
        /// The grade's id: its history and receipt are asked for by it.
        public var gradeID: String
        public var value: String, workType: String, workTypeName: String, weight: Int
        /// The teacher's comment, when there is one.
        public var comment: String?
    }

    public struct Lesson: Codable, Sendable, Equatable {
        public var lessonID: String, slot: Int
        public var subject: String, subjectName: String
        public var topic: String
        /// Homework set at earlier lessons and due at this one.
        public var homeworkDue: [String]
        /// Homework set at this lesson.
        public var homeworkSet: String
        /// When that homework was recorded (UTC, ISO 8601).
        public var homeworkSetAt: String?
        public var marks: [Mark]
        public var attendance: String?
    }

    public struct DayEntry: Codable, Sendable, Equatable {
        public var date: String, weekday: String
        public var lessons: [Lesson]
        /// Homework due that day for a subject that has no lesson that day.
        public var otherHomework: [String]
    }

    public var school: String
    public var student: Student
    public var weekStart: String, weekEnd: String
    public var days: [DayEntry]
    public var acknowledged: Bool
    public var acknowledgedBy: String?
    public var acknowledgedAt: String?
}

extension DiaryWeek {
    /// Homework with no due date is due at the unit's next lesson of the subject:
    /// lessons this many days before Monday are read to find it.
    static let homeworkLookback: Int32 = 14

    /// The diary week of `student` that contains `date` (any day of the week).
    public static func query(_ source: any ViewSource, student studentID: String, week date: Day) throws -> DiaryWeek {
        let lookup = Lookup(source)
        let student = try lookup.student(studentID)
        let monday = date.civil.weekStart.daysSinceEpoch
        let saturday = monday + 5
        let memberships = (student.classes + student.groups).filter { $0.span.overlaps(monday, saturday) }
        let workTypes = try lookup.workTypes()
        var subjectNames: [String: String] = [:]
        func subjectName(_ id: String) throws -> String {
            if let known = subjectNames[id] { return known }
            let name = try lookup.subjectName(id)
            subjectNames[id] = name
            return name
        }

        var lessonsByDay: [Day: [Lesson]] = [:]
        var homework: [(day: Day, unit: String, subject: String, text: String)] = []
        for unit in Set(memberships.map(\.unit)).sorted() {
            let spans = memberships.filter { $0.unit == unit }.map(\.span)
            let prefix = RowKey(unit)
            var scanned: [LessonRow] = []
            try source.scan(ViewTables.lessons, prefix: prefix, from: prefix.appending(day: monday - homeworkLookback)) { key, row in
                guard key.day(at: prefix.bytes.count) <= saturday else { return false }
                if row.isShown { scanned.append(row) }
                return true
            }
            for (index, row) in scanned.enumerated() {
                // Homework without a date: due at the next lesson of the subject.
                if !row.homework.isEmpty, row.homeworkDue.isEmpty,
                   let next = scanned[(index + 1)...].first(where: { $0.subject == row.subject }),
                   next.date >= monday {
                    homework.append((next.date, unit, row.subject, row.homework))
                }
                guard row.date >= monday, spans.contains(day: row.date) else { continue }
                let marks = row.grades.filter { $0.student == studentID && !$0.voided }.map {
                    Mark(gradeID: $0.id, value: $0.value, workType: $0.workType, workTypeName: workTypes[$0.workType]?.name ?? $0.workType,
                         weight: $0.weight, comment: $0.comment.isEmpty ? nil : $0.comment)
                }
                lessonsByDay[row.date, default: []].append(Lesson(
                    lessonID: row.lessonID, slot: Int(row.slot), subject: row.subject, subjectName: try subjectName(row.subject),
                    topic: row.topic, homeworkDue: [], homeworkSet: row.homework,
                    homeworkSetAt: row.homework.isEmpty || row.homeworkSetAt == 0 ? nil : Timestamp(microseconds: row.homeworkSetAt).iso,
                    marks: marks,
                    attendance: row.code(of: studentID)))
            }
            // Homework with a date, however long ago it was set.
            try source.scan(ViewTables.homeworkDue, prefix: prefix, from: prefix.appending(day: monday)) { key, _ in
                let due = key.day(at: prefix.bytes.count)
                guard due <= saturday else { return false }
                let lessonID = key.text(at: prefix.bytes.count + 4).0
                if let row = try source.get(ViewTables.lessons, LessonRef.key(lessonID: lessonID)), row.isShown,
                   Day.parse(row.homeworkDue) == due {
                    homework.append((due, unit, row.subject, row.homework))
                }
                return true
            }
        }

        var days: [DayEntry] = []
        for offset in 0..<6 {
            let day = monday + Int32(offset)
            var lessons = (lessonsByDay[day] ?? []).sorted { ($0.slot, $0.subject) < ($1.slot, $1.subject) }
            var other: [String] = []
            for item in homework where item.day == day && spansContain(memberships, item.unit, day) {
                if let index = lessons.firstIndex(where: { $0.subject == item.subject }) {
                    lessons[index].homeworkDue.append(item.text)
                } else {
                    other.append("\(try subjectName(item.subject)): \(item.text)")
                }
            }
            days.append(DayEntry(date: day.iso, weekday: RussianCalendar.weekdays[offset], lessons: lessons, otherHomework: other))
        }

        let classID = student.classes.first { $0.span.overlaps(monday, saturday) }?.unit ?? student.classes.last?.unit ?? ""
        let className = try source.get(ViewTables.classes, RowKey(classID))?.name ?? classID
        let ack = try source.get(ViewTables.acknowledgements, RowKey(studentID).appending(day: monday))
        return DiaryWeek(
            school: try lookup.school()?.id ?? "",
            student: Student(id: student.id, name: student.name.full, classID: classID, className: className),
            weekStart: monday.iso, weekEnd: saturday.iso, days: days, acknowledged: ack != nil,
            acknowledgedBy: ack?.guardian, acknowledgedAt: ack.map { Timestamp(microseconds: $0.at).iso })
    }

    private static func spansContain(_ memberships: [MembershipRow], _ unit: String, _ day: Day) -> Bool {
        memberships.contains { $0.unit == unit && $0.span.contains(day) }
    }
}
