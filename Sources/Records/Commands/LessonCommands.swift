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
        let record = "урок \(lessonID)"
        let role = try c.authorize([.teacher, .classTeacher, .administration], for: record)
        let schoolClass = try c.state.requireUnit(unitID)
        guard let year = c.state.years[schoolClass.year], year.contains(date) else {
            throw RuleViolation(.outsideYear, record: record, detail: "\(date.russian) — вне учебного года класса \(schoolClass.name)",
                                remedy: "Проверьте дату.")
        }
        if let holiday = year.holiday(on: date, grade: schoolClass.grade) {
            throw RuleViolation(.holiday, record: record, detail: "\(date.russian) приходится на «\(holiday.name)» у \(schoolClass.grade)-х классов",
                                remedy: "Проверьте дату; если это день отработки, сначала исключите его из каникул.")
        }
        if date.weekday == 7 {
            throw RuleViolation(.holiday, record: record, detail: "\(date.russian) — воскресенье", remedy: "Проверьте дату.")
        }
        if !topic.isEmpty { try requireText(topic, field: "тема урока", record: record, freeText: true) }
        // A mistyped date must not put a roll and marks into diaries for a day not yet taught.
        if date > c.schoolToday {
            throw RuleViolation(.inTheFuture, record: record, detail: "\(date.russian) ещё не наступило: сегодня \(c.schoolToday.russian)",
                                remedy: "Проверьте дату: урок записывают в тот день, когда он прошёл, или позже.")
        }
        try c.requireOpenPeriod(on: date, grade: schoolClass.grade, record: record)
        guard c.state.subjects[subjectID] != nil else {
            throw RuleViolation(.unknownRecord, record: record, detail: "нет предмета \(subjectID)",
                                remedy: "Укажите один из предметов: \(c.state.sample(c.state.subjects.keys))")
        }
        let teacher = try c.state.requireStaff(teacherID)
        if role != .administration && c.actor.userID != teacherID {
            throw RuleViolation(.notLessonTeacher, record: record, detail: "\(c.actor.userID) записывает урок, который ведёт \(teacherID)",
                                remedy: "Учитель записывает только свои уроки; администрация — любые.")
        }
        let entry = c.state.timetableEntry(unit: unitID, on: date, slot: slot)
        if !substitute {
            guard let entry, entry.subjectID == subjectID else {
                let planned = entry.map { "по расписанию в это время \($0.subjectID)" } ?? "по расписанию в это время урока нет"
                throw RuleViolation(.outsideTimetable, record: record, detail: "\(subjectID), \(slot)-й урок: \(planned)",
                                    remedy: "Если этот урок заменил урок по расписанию, отметьте его как замену.")
            }
            guard entry.teacherID == teacherID else {
                throw RuleViolation(.outsideTimetable, record: record,
                                    detail: "по расписанию этот урок ведёт \(entry.teacherID), а не \(teacher.id) \(teacher.name.short)",
                                    remedy: "Отметьте урок как замену и укажите, какого учителя заменяли.")
            }
        }
        if substitute {
            // A lesson outside the timetable still has a place among the bells.
            let bells = c.state.currentBellSchedule.flatMap { c.state.bellSchedules[$0] }.map { Set($0.keys) }
            guard bells?.contains(slot) ?? (0...12).contains(slot) else {
                let known = bells.map { $0.sorted().map(String.init).joined(separator: ", ") } ?? "0–12"
                throw RuleViolation(.invalidInput, record: record, detail: "\(slot)-го урока нет в расписании звонков",
                                    remedy: "Укажите номер урока из расписания звонков: \(known).")
            }
        }
        if let existing = c.state.lessons[lessonID], !existing.voided {
            throw RuleViolation(.duplicateRecord, record: record, detail: "урок уже записан",
                                remedy: "Измените тему урока или сначала аннулируйте его.")
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
        let record = "урок \(lessonID)"
        let lesson = try c.state.requireLesson(lessonID)
        let role = try c.requireLessonTeacher(lesson, record: record)
        try requireText(topic, field: "тема урока", record: record, freeText: true)
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
        let record = "домашнее задание к уроку \(lessonID)"
        let lesson = try c.state.requireLesson(lessonID)
        try c.requireLessonTeacher(lesson, record: record)
        try requireText(text, field: "домашнее задание", record: record, freeText: true)
        try c.requireOpenPeriod(on: lesson.date, grade: c.state.classOf(unit: lesson.unitID)?.grade ?? 0, record: record)
        if let dueOn, dueOn <= lesson.date {
            throw RuleViolation(.invalidInput, record: record, detail: "срок выполнения \(dueOn.russian) — не позже дня урока",
                                remedy: "Срок выполнения домашнего задания — один из следующих дней после урока.")
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
        let record = "посещаемость на уроке \(lessonID)"
        let lesson = try c.state.requireLesson(lessonID)
        try c.requireLessonTeacher(lesson, record: record)
        try c.requireOpenPeriod(on: lesson.date, grade: c.state.classOf(unit: lesson.unitID)?.grade ?? 0, record: record)
        guard !lesson.attendanceTaken else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "посещаемость на этом уроке уже отмечена",
                                remedy: "Вместо этого исправьте отметку отдельного ученика.")
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
        let record = "посещаемость ученика \(studentID) на уроке \(lessonID)"
        let lesson = try c.state.requireLesson(lessonID)
        let role = try c.requireLessonTeacher(lesson, record: record)
        try c.requireReason(reason, record: record)
        try c.requireOpenPeriod(on: lesson.date, grade: c.state.classOf(unit: lesson.unitID)?.grade ?? 0, record: record)
        try c.requireWithinEditWindow(lessonDate: lesson.date, role: role, record: record)
        guard lesson.attendanceTaken else {
            throw RuleViolation(.unknownRecord, record: record, detail: "посещаемость на этом уроке ещё не отмечена",
                                remedy: "Сначала отметьте посещаемость на уроке.")
        }
        try c.state.requireMember(studentID, of: lesson, record: record)
        if !code.isEmpty { try c.state.requireAttendanceCode(code, record: record) }
        guard (lesson.absences[studentID] ?? "") != code else {
            throw RuleViolation(.duplicateRecord, record: record, detail: code.isEmpty ? "ученик уже отмечен как присутствовавший" : "отметка уже «\(code)»",
                                remedy: "Исправлять нечего.")
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
        let record = "урок \(lessonID)"
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
            let whereabouts = students[studentID]?.classID(on: lesson.date).map { "числится в \($0), а не в \(lesson.unitID)" }
                ?? "не числится ни в одном классе, а урок — в \(lesson.unitID)"
            throw RuleViolation(.notInClassOnDate, record: record,
                                detail: "на \(lesson.date.russian) \(studentID)\(name) \(whereabouts)",
                                remedy: "Оценки и отметки ставят ученикам, которые в день урока числились в этом классе или группе.")
        }
    }

    func requireAttendanceCode(_ code: String, record: String) throws(RuleViolation) {
        guard attendanceCodes[code] != nil else {
            throw RuleViolation(.unknownAttendanceCode, record: record, detail: "отметки посещаемости «\(code)» нет в справочнике",
                                remedy: "Укажите одну из отметок: \(sample(attendanceCodes.keys))")
        }
    }
}
