import EventLog
import Foundation

// The rows of the journal projector: each lesson with everything recorded at
// it, final grades, diary acknowledgements and the change log.

public struct GradeEntry: RowCodable, Sendable {
    public var id: String, student: String, value: String, workType: String
    public var weight: Int
    public var comment: String
    public var voided = false

    /// 1–5 when the grade counts in averages (a number, not voided); nil for
    /// special marks (н/а, осв, зач) and voided grades.
    public var numeric: Int? {
        guard !voided, value.utf8.count == 1, let v = Int(value), (1...5).contains(v) else { return nil }
        return v
    }

    public func encode(to w: inout RowWriter) {
        w.string(id); w.string(student); w.string(value); w.string(workType); w.int(weight); w.string(comment); w.bool(voided)
    }

    init(id: String, student: String, value: String, workType: String, weight: Int, comment: String) {
        self.id = id; self.student = student; self.value = value; self.workType = workType
        self.weight = weight; self.comment = comment
    }

    public init(from r: inout RowReader) throws(RowDecodingError) {
        id = try r.string(); student = try r.string(); value = try r.string(); workType = try r.string()
        weight = try r.int(); comment = try r.string(); voided = try r.bool()
    }
}

public struct AbsenceEntry: RowCodable, Sendable, Hashable {
    public var student: String, code: String
    public func encode(to w: inout RowWriter) { w.string(student); w.string(code) }
    init(student: String, code: String) { self.student = student; self.code = code }
    public init(from r: inout RowReader) throws(RowDecodingError) { student = try r.string(); code = try r.string() }
}

public struct LessonRow: RowCodable, Sendable {
    public var lessonID: String
    /// A LessonHeld was recorded (entries at a lesson never held are kept but not shown).
    public var held = false
    public var voided = false
    public var attendanceTaken = false
    /// The day (of recorded-at) the topic, and the roll, were first entered:
    /// the rollout report counts a lesson as filled as of a date with them.
    public var topicOn: Day?
    public var attendanceOn: Day?
    public var date: Day, slot: Int32
    public var unit = "", classID = "", subject = "", teacher = "", replacedTeacher = ""
    public var substitute = false
    public var topic = "", homework = "", homeworkDue = "", timetableEntry = "", voidReason = ""
    /// Absent or late students, sorted by student id; everyone else was present.
    public var absences: [AbsenceEntry] = []
    public var grades: [GradeEntry] = []
    /// When the homework now set was recorded (microseconds since 1970, UTC); 0 when none.
    public var homeworkSetAt: Int64 = 0

    init(lessonID: String, date: Day, slot: Int32) {
        self.lessonID = lessonID; self.date = date; self.slot = slot
    }

    public func code(of student: String) -> String? { absences.first { $0.student == student }?.code }

    /// Counts in views: held and not voided.
    public var isShown: Bool { held && !voided }

    public func encode(to w: inout RowWriter) {
        w.string(lessonID)
        w.uint(UInt64((held ? 1 : 0) | (voided ? 2 : 0) | (attendanceTaken ? 4 : 0) | (substitute ? 8 : 0)))
        w.optionalDay(topicOn); w.optionalDay(attendanceOn); w.int(date); w.int(slot)
        for s in [unit, classID, subject, teacher, replacedTeacher, topic, homework, homeworkDue, timetableEntry, voidReason] {
            w.string(s)
        }
        w.rows(absences); w.rows(grades)
        w.int(homeworkSetAt)
    }

    public init(from r: inout RowReader) throws(RowDecodingError) {
        lessonID = try r.string()
        let flags = try r.uint()
        held = flags & 1 != 0; voided = flags & 2 != 0; attendanceTaken = flags & 4 != 0; substitute = flags & 8 != 0
        topicOn = try r.optionalDay(); attendanceOn = try r.optionalDay(); date = try r.int32(); slot = try r.int32()
        unit = try r.string(); classID = try r.string(); subject = try r.string(); teacher = try r.string()
        replacedTeacher = try r.string(); topic = try r.string(); homework = try r.string(); homeworkDue = try r.string()
        timetableEntry = try r.string(); voidReason = try r.string()
        absences = try r.rows(); grades = try r.rows()
        homeworkSetAt = try r.int64()
    }
}

public struct GradeRefRow: RowCodable, Sendable {
    public var lessonID: String
    public func encode(to w: inout RowWriter) { w.string(lessonID) }
    init(lessonID: String) { self.lessonID = lessonID }
    public init(from r: inout RowReader) throws(RowDecodingError) { lessonID = try r.string() }
}

public struct FinalRow: RowCodable, Sendable {
    public var classID: String, value: String
    public func encode(to w: inout RowWriter) { w.string(classID); w.string(value) }
    init(classID: String, value: String) { self.classID = classID; self.value = value }
    public init(from r: inout RowReader) throws(RowDecodingError) { classID = try r.string(); value = try r.string() }
}

public struct AckRow: RowCodable, Sendable {
    public var guardian: String, at: Int64
    public func encode(to w: inout RowWriter) { w.string(guardian); w.int(at) }
    init(guardian: String, at: Int64) { self.guardian = guardian; self.at = at }
    public init(from r: inout RowReader) throws(RowDecodingError) { guardian = try r.string(); at = try r.int64() }
}

/// One change of a grade, an attendance mark or a final grade (or a voided lesson).
public struct ChangeRow: RowCodable, Sendable {
    /// grade, attendance, final, lesson
    public var kind: String
    /// corrected, voided, retaken (attendance taken again), set-again (final set twice)
    public var action: String
    public var student: String, classID: String, subject: String
    /// The lesson id, or the period id for a final grade.
    public var target: String
    public var gradeID: String
    /// The lesson's date (nil for final grades).
    public var lessonDate: Day?
    public var before: String, after: String
    public var editor: String, role: String
    public var at: Int64
    public var reason: String

    public func encode(to w: inout RowWriter) {
        for s in [kind, action, student, classID, subject, target, gradeID] { w.string(s) }
        w.optionalDay(lessonDate)
        for s in [before, after, editor, role] { w.string(s) }
        w.int(at); w.string(reason)
    }

    init(kind: String, action: String, student: String, classID: String, subject: String, target: String,
         gradeID: String, lessonDate: Day?, before: String, after: String, editor: String, role: String,
         at: Int64, reason: String) {
        self.kind = kind; self.action = action; self.student = student; self.classID = classID
        self.subject = subject; self.target = target; self.gradeID = gradeID; self.lessonDate = lessonDate
        self.before = before; self.after = after; self.editor = editor; self.role = role; self.at = at; self.reason = reason
    }

    public init(from r: inout RowReader) throws(RowDecodingError) {
        kind = try r.string(); action = try r.string(); student = try r.string(); classID = try r.string()
        subject = try r.string(); target = try r.string(); gradeID = try r.string(); lessonDate = try r.optionalDay()
        before = try r.string(); after = try r.string(); editor = try r.string(); role = try r.string()
        at = try r.int64(); reason = try r.string()
    }
}

/// Where a lesson's row lives: `unit ‖ day ‖ slot`, parsed from the lesson id
/// `<unit>/<YYYY-MM-DD>/<slot>` without splitting the whole string.
public struct LessonRef: Hashable, Sendable {
    public var unit: String
    public var day: Day
    public var slot: Int32

    public init(unit: String, day: Day, slot: Int32) {
        self.unit = unit; self.day = day; self.slot = slot
    }

    /// Nil when the id does not have the documented form. Reads the UTF-8
    /// bytes in place: this runs for most events of a catch-up.
    public init?(lessonID: String) {
        var id = lessonID
        guard let parsed = id.withUTF8({ utf8 -> (Int, Day, Int32)? in
            guard let slash2 = utf8.lastIndex(of: UInt8(ascii: "/")), slash2 >= 11, slash2 + 1 < utf8.count,
                  utf8[slash2 - 11] == UInt8(ascii: "/"), utf8[slash2 - 6] == UInt8(ascii: "-"),
                  utf8[slash2 - 3] == UInt8(ascii: "-") else { return nil }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for i in range {
                    let digit = Int(utf8[i]) - 48
                    guard (0...9).contains(digit), value < 100_000 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            let d = slash2 - 10
            guard let year = number(d..<(d + 4)), let month = number((d + 5)..<(d + 7)), let day = number((d + 8)..<(d + 10)),
                  let slot = number((slash2 + 1)..<utf8.count),
                  let date = CivilDate(year: year, month: month, day: day) else { return nil }
            return (slash2 - 11, date.daysSinceEpoch, Int32(slot))
        }) else { return nil }
        self.unit = String(lessonID.utf8.prefix(parsed.0))!
        self.day = parsed.1
        self.slot = parsed.2
    }

    public var lessonID: String { "\(unit)/\(day.iso)/\(slot)" }

    public var key: RowKey {
        var key = RowKey(unit)
        key.day(day)
        key.byte(UInt8(clamping: slot))
        return key
    }

    /// The key of a lesson given by id, or of its fields when the id is odd.
    static func key(lessonID: String) -> RowKey {
        if let ref = LessonRef(lessonID: lessonID) { return ref.key }
        return RowKey(lessonID)
    }
}
