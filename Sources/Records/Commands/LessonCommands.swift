import Catalog
import EventLog

/// The teacher's daily entries: the lesson and its topic, homework and the
/// roll. Late entries are allowed (and reported by the audit); entries in a
/// closed period are not.
public struct HoldLesson: Command {
    public var unitID: String
    public var date: CivilDate
    public var slot: Int
    public var subjectID: String
    public var teacherID: String
    public var substitute: Bool
    public var replacedTeacherID: String
    public var topic: String

    public init(unitID: String, date: CivilDate, slot: Int, subjectID: String, teacherID: String,
                substitute: Bool = false, replacedTeacherID: String = "", topic: String) {
        self.unitID = unitID
        self.date = date
        self.slot = slot
        self.subjectID = subjectID
        self.teacherID = teacherID
        self.substitute = substitute
        self.replacedTeacherID = replacedTeacherID
        self.topic = topic
    }

    public var lessonID: String { "\(unitID)/\(date.iso)/\(slot)" }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "lesson \(lessonID)"
        let role = try c.authorize([.teacher, .classTeacher, .administration], for: record)
        let schoolClass = try c.state.requireUnit(unitID)
        guard let year = c.state.years[schoolClass.year], year.contains(date) else {
            throw RuleViolation(.outsideYear, record: record, detail: "\(date.russian) is outside \(schoolClass.name)'s academic year",
                                remedy: "Check the date.")
        }
        if let holiday = year.holiday(on: date, grade: schoolClass.grade) {
            throw RuleViolation(.holiday, record: record, detail: "\(date.russian) is in «\(holiday.name)» for grade \(schoolClass.grade)",
                                remedy: "Check the date; a make-up day must first be taken out of the holidays.")
        }
        if date.weekday == 7 {
            throw RuleViolation(.holiday, record: record, detail: "\(date.russian) is a Sunday", remedy: "Check the date.")
        }
        try c.requireOpenPeriod(on: date, grade: schoolClass.grade, record: record)
        guard c.state.subjects[subjectID] != nil else {
            throw RuleViolation(.unknownRecord, record: record, detail: "no subject \(subjectID)",
                                remedy: "Use one of: \(c.state.sample(c.state.subjects.keys))")
        }
        let teacher = try c.state.requireStaff(teacherID)
        if role != .administration && c.actor.userID != teacherID {
            throw RuleViolation(.notLessonTeacher, record: record, detail: "\(c.actor.userID) enters a lesson taught by \(teacherID)",
                                remedy: "Teachers enter their own lessons; the administration may enter any.")
        }
        let entry = c.state.timetableEntry(unit: unitID, on: date, slot: slot)
        if !substitute {
            guard let entry, entry.subjectID == subjectID else {
                let planned = entry.map { "the timetable has \($0.subjectID) there" } ?? "the timetable has no lesson there"
                throw RuleViolation(.outsideTimetable, record: record, detail: "\(subjectID) in slot \(slot): \(planned)",
                                    remedy: "Mark it as a substitution (--substitute) if it replaced the planned lesson.")
            }
            guard entry.teacherID == teacherID else {
                throw RuleViolation(.outsideTimetable, record: record,
                                    detail: "the timetable gives this lesson to \(entry.teacherID), not \(teacher.id) \(teacher.name.short)",
                                    remedy: "Mark it as a substitution (--substitute) naming the replaced teacher.")
            }
        }
        if let existing = c.state.lessons[lessonID], !existing.voided {
            throw RuleViolation(.duplicateRecord, record: record, detail: "the lesson is already entered",
                                remedy: "Change its topic (letopis topic) or void it first.")
        }
        var e = LessonHeld()
        e.lessonID = lessonID
        e.date = date.iso
        e.slot = Int32(slot)
        e.unitID = unitID
        e.classID = schoolClass.id
        e.subjectID = subjectID
        e.teacherID = teacherID
        e.substitute = substitute
        e.replacedTeacherID = substitute ? (replacedTeacherID.isEmpty ? entry?.teacherID ?? "" : replacedTeacherID) : ""
        e.topic = topic
        e.timetableEntryID = entry?.id ?? ""
        return Decision(date, [e])
    }
}

/// The topic entered after the lesson was, or changed (a change needs a reason).
public struct RecordTopic: Command {
    public var lessonID: String
    public var topic: String
    public var reason: String

    public init(lessonID: String, topic: String, reason: String = "") {
        self.lessonID = lessonID
        self.topic = topic
        self.reason = reason
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "lesson \(lessonID)"
        let lesson = try c.state.requireLesson(lessonID)
        let role = try c.requireLessonTeacher(lesson, record: record)
        try requireText(topic, field: "the topic", record: record)
        try c.requireOpenPeriod(on: lesson.date, grade: c.state.classOf(unit: lesson.unitID)?.grade ?? 0, record: record)
        if !lesson.topic.isEmpty {
            try c.requireReason(reason, record: record)
            try c.requireWithinEditWindow(lessonDate: lesson.date, role: role, record: record)
        }
        var e = LessonTopicRecorded()
        e.lessonID = lessonID
        e.topic = topic
        e.reason = reason
        return Decision(lesson.date, [e])
    }
}

public struct AssignHomework: Command {
    public var lessonID: String
    public var text: String
    public var dueOn: CivilDate?

    public init(lessonID: String, text: String, dueOn: CivilDate? = nil) {
        self.lessonID = lessonID
        self.text = text
        self.dueOn = dueOn
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "homework of lesson \(lessonID)"
        let lesson = try c.state.requireLesson(lessonID)
        try c.requireLessonTeacher(lesson, record: record)
        try requireText(text, field: "the homework", record: record)
        try c.requireOpenPeriod(on: lesson.date, grade: c.state.classOf(unit: lesson.unitID)?.grade ?? 0, record: record)
        if let dueOn, dueOn <= lesson.date {
            throw RuleViolation(.invalidInput, record: record, detail: "due \(dueOn.russian), not after the lesson",
                                remedy: "Homework is due at a later lesson.")
        }
        var e = HomeworkAssigned()
        e.lessonID = lessonID
        e.text = text
        e.dueOn = dueOn?.iso ?? ""
        return Decision(lesson.date, [e])
    }
}

/// The roll of a lesson: the absent and the late (an empty list: all present).
public struct TakeAttendance: Command {
    public var lessonID: String
    public var marks: [String: String]

    public init(lessonID: String, marks: [String: String]) {
        self.lessonID = lessonID
        self.marks = marks
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "attendance of lesson \(lessonID)"
        let lesson = try c.state.requireLesson(lessonID)
        try c.requireLessonTeacher(lesson, record: record)
        try c.requireOpenPeriod(on: lesson.date, grade: c.state.classOf(unit: lesson.unitID)?.grade ?? 0, record: record)
        guard !lesson.attendanceTaken else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "the roll was already taken",
                                remedy: "Correct one student's mark instead (letopis attend --correct).")
        }
        var e = AttendanceTaken()
        e.lessonID = lessonID
        for (studentID, code) in marks.sorted(by: { $0.key < $1.key }) {
            try c.state.requireMember(studentID, of: lesson, record: record)
            try c.state.requireAttendanceCode(code, record: record)
            var mark = AttendanceTaken.AttendanceMark()
            mark.studentID = studentID
            mark.code = code
            e.marks.append(mark)
        }
        return Decision(lesson.date, [e])
    }
}

public struct CorrectAttendance: Command {
    public var lessonID: String
    public var studentID: String
    /// Empty: present.
    public var code: String
    public var reason: String

    public init(lessonID: String, studentID: String, code: String, reason: String) {
        self.lessonID = lessonID
        self.studentID = studentID
        self.code = code
        self.reason = reason
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "attendance of \(studentID) at lesson \(lessonID)"
        let lesson = try c.state.requireLesson(lessonID)
        let role = try c.requireLessonTeacher(lesson, record: record)
        try c.requireReason(reason, record: record)
        try c.requireOpenPeriod(on: lesson.date, grade: c.state.classOf(unit: lesson.unitID)?.grade ?? 0, record: record)
        try c.requireWithinEditWindow(lessonDate: lesson.date, role: role, record: record)
        guard lesson.attendanceTaken else {
            throw RuleViolation(.unknownRecord, record: record, detail: "the roll was not taken yet",
                                remedy: "Take the roll first (letopis attend).")
        }
        try c.state.requireMember(studentID, of: lesson, record: record)
        if !code.isEmpty { try c.state.requireAttendanceCode(code, record: record) }
        guard (lesson.absences[studentID] ?? "") != code else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "the mark is already \(code.isEmpty ? "present" : code)",
                                remedy: "Nothing to correct.")
        }
        var e = AttendanceCorrected()
        e.lessonID = lessonID
        e.studentID = studentID
        e.code = code
        e.reason = reason
        return Decision(lesson.date, [e])
    }
}

public struct VoidLesson: Command {
    public var lessonID: String
    public var reason: String

    public init(lessonID: String, reason: String) {
        self.lessonID = lessonID
        self.reason = reason
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "lesson \(lessonID)"
        let lesson = try c.state.requireLesson(lessonID)
        let role = try c.requireLessonTeacher(lesson, record: record)
        try c.requireReason(reason, record: record)
        try c.requireOpenPeriod(on: lesson.date, grade: c.state.classOf(unit: lesson.unitID)?.grade ?? 0, record: record)
        try c.requireWithinEditWindow(lessonDate: lesson.date, role: role, record: record)
        var e = LessonVoided()
        e.lessonID = lessonID
        e.reason = reason
        return Decision(lesson.date, [e])
    }
}

extension SchoolState {
    func requireMember(_ studentID: String, of lesson: Lesson, record: String) throws(RuleViolation) {
        guard isMember(studentID, of: lesson.unitID, on: lesson.date) else {
            let name = students[studentID].map { " \($0.name.full)" } ?? ""
            let whereabouts = students[studentID]?.classID(on: lesson.date).map { "was in \($0)" } ?? "was in no class"
            throw RuleViolation(.notInClassOnDate, record: record,
                                detail: "\(studentID)\(name) \(whereabouts) on \(lesson.date.russian), not in \(lesson.unitID)",
                                remedy: "Marks go to students of the lesson's class or group on that date.")
        }
    }

    func requireAttendanceCode(_ code: String, record: String) throws(RuleViolation) {
        guard attendanceCodes[code] != nil else {
            throw RuleViolation(.unknownAttendanceCode, record: record, detail: "«\(code)» is not an attendance code",
                                remedy: "Use one of: \(sample(attendanceCodes.keys))")
        }
    }
}
