import Catalog
import EventLog

/// The marks a grade may take: 1–5, or a special mark.
public enum GradeValue {
    public static let numeric: Set<String> = ["1", "2", "3", "4", "5"]
    /// н/а — not assessed; осв — exempt; зач / незач — pass / fail.
    public static let special: Set<String> = ["н/а", "осв", "зач", "незач"]
    public static let all = numeric.union(special)
}

public struct RecordGrade: Command {
    public var lessonID: String
    public var studentID: String
    public var value: String
    public var workTypeID: String
    public var comment: String

    public init(lessonID: String, studentID: String, value: String, workTypeID: String, comment: String = "") {
        self.lessonID = lessonID
        self.studentID = studentID
        self.value = value
        self.workTypeID = workTypeID
        self.comment = comment
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let gradeID = c.state.nextGradeID
        let record = "оценка \(gradeID) ученика \(studentID) на уроке \(lessonID)"
        let lesson = try c.state.requireLesson(lessonID)
        try c.requireLessonTeacher(lesson, record: record)
        try c.state.requireMember(studentID, of: lesson, record: record)
        try requireGradeValue(value, record: record)
        let weight = try c.state.requireWorkType(workTypeID, record: record)
        try c.requireOpenPeriod(on: lesson.date, grade: c.state.classOf(unit: lesson.unitID)?.grade ?? 0, record: record)
        if !comment.isEmpty { try requireText(comment, field: "комментарий", record: record, freeText: true) }
        var e = GradeRecorded()
        e.gradeID = gradeID
        e.lessonID = lessonID
        e.studentID = studentID
        e.value = value
        e.workTypeID = workTypeID
        e.weight = Int32(weight)
        e.comment = comment
        return Decision(lesson.date, [e])
    }
}

/// A correction (new value or work type) or, with `value` nil, a voiding.
public struct CorrectGrade: Command {
    public var gradeID: String
    /// nil voids the grade.
    public var value: String?
    public var workTypeID: String?
    public var reason: String

    public init(gradeID: String, value: String?, workTypeID: String? = nil, reason: String) {
        self.gradeID = gradeID
        self.value = value
        self.workTypeID = workTypeID
        self.reason = reason
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "оценка \(gradeID)"
        let grade = try c.state.requireGrade(gradeID)
        let lesson = try c.state.requireLesson(grade.lessonID)
        let role = try c.requireLessonTeacher(lesson, record: record)
        try c.requireReason(reason, record: record)
        try c.requireOpenPeriod(on: lesson.date, grade: c.state.classOf(unit: lesson.unitID)?.grade ?? 0, record: record)
        try c.requireWithinEditWindow(lessonDate: lesson.date, role: role, record: record)
        guard let value else {
            var e = GradeVoided()
            e.gradeID = gradeID
            e.reason = reason
            return Decision(lesson.date, [e])
        }
        try requireGradeValue(value, record: record)
        let workType = workTypeID ?? grade.workTypeID
        let weight = try c.state.requireWorkType(workType, record: record)
        guard value != grade.value || workType != grade.workTypeID else {
            throw RuleViolation(.duplicateRecord, record: record, detail: "оценка уже \(value)", remedy: "Исправлять нечего.")
        }
        var e = GradeCorrected()
        e.gradeID = gradeID
        e.value = value
        e.workTypeID = workType
        e.weight = Int32(weight)
        e.reason = reason
        return Decision(lesson.date, [e])
    }
}

/// A final grade for a reporting period or (`<year>-Y`) the year; with a
/// reason, a correction of one already set.
public struct SetFinalGrade: Command {
    public var studentID: String
    public var subjectID: String
    public var periodID: String
    public var value: String
    public var reason: String

    public init(studentID: String, subjectID: String, periodID: String, value: String, reason: String = "") {
        self.studentID = studentID
        self.subjectID = subjectID
        self.periodID = periodID
        self.value = value
        self.reason = reason
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "итоговая оценка ученика \(studentID) по предмету \(subjectID) за \(periodID)"
        let role = try c.authorize([.teacher, .classTeacher, .administration], for: record)
        let student = try c.state.requireStudent(studentID)
        try requireGradeValue(value, record: record)
        guard c.state.subjects[subjectID] != nil else {
            throw RuleViolation(.unknownRecord, record: record, detail: "нет предмета \(subjectID)",
                                remedy: "Укажите один из предметов: \(c.state.sample(c.state.subjects.keys))")
        }
        // The period's last day (the year's for a year grade) decides the class.
        let day: CivilDate
        if periodID.hasSuffix("-Y"), let year = Int(periodID.dropLast(2)), let academic = c.state.years[year] {
            guard !academic.closed else {
                throw RuleViolation(.periodClosed, record: record, detail: "учебный год закрыт", remedy: "Закрытый учебный год изменить нельзя.")
            }
            day = academic.endsOn
        } else {
            let period = try c.state.requirePeriod(periodID)
            guard !period.closed else {
                throw RuleViolation(.periodClosed, record: record, detail: "период «\(period.name)» закрыт",
                                    remedy: "Сначала администрация должна открыть период заново, указав причину.")
            }
            day = period.endsOn
        }
        guard let classID = student.classID(on: day) ?? student.placements.last?.classID,
              let schoolClass = c.state.classes[classID] else {
            throw RuleViolation(.notInClassOnDate, record: record, detail: "\(studentID) в это время не числится ни в одном классе", remedy: "Проверьте, верно ли указан период.")
        }
        if role != .administration {
            guard c.state.teaching.contains("\(c.actor.userID)|\(subjectID)|\(classID)") else {
                throw RuleViolation(.notLessonTeacher, record: record,
                                    detail: "\(c.actor.userID) не преподаёт \(subjectID) в классе \(schoolClass.name)",
                                    remedy: "Итоговые оценки выставляет учитель этого предмета или администрация.")
            }
        }
        let key = "\(studentID)/\(subjectID)/\(periodID)"
        if let current = c.state.finals[key] {
            try c.requireReason(reason, record: record)
            guard current != value else {
                throw RuleViolation(.duplicateRecord, record: record, detail: "итоговая оценка уже \(value)", remedy: "Исправлять нечего.")
            }
            var e = FinalGradeCorrected()
            e.studentID = studentID
            e.classID = classID
            e.subjectID = subjectID
            e.periodID = periodID
            e.value = value
            e.reason = reason
            return Decision(day, [e])
        }
        var e = FinalGradeSet()
        e.studentID = studentID
        e.classID = classID
        e.subjectID = subjectID
        e.periodID = periodID
        e.value = value
        return Decision(day, [e])
    }
}

public struct ChangePeriodState: Command {
    public var periodID: String
    public var close: Bool
    public var reason: String
    public var on: CivilDate

    public init(periodID: String, close: Bool, reason: String = "", on: CivilDate) {
        self.periodID = periodID
        self.close = close
        self.reason = reason
        self.on = on
    }

    public func decide(_ c: CommandContext) throws(RuleViolation) -> Decision {
        let record = "отчётный период \(periodID)"
        try c.authorize([.administration], for: record)
        let period = try c.state.requirePeriod(periodID)
        guard period.closed != close else {
            throw RuleViolation(.duplicateRecord, record: record, detail: close ? "период уже закрыт" : "период не закрыт", remedy: "Ничего делать не нужно.")
        }
        if close {
            var e = PeriodClosed()
            e.periodID = periodID
            return Decision(on, [e])
        }
        try c.requireReason(reason, record: record)
        var e = PeriodReopened()
        e.periodID = periodID
        e.reason = reason
        return Decision(on, [e])
    }
}

func requireGradeValue(_ value: String, record: String) throws(RuleViolation) {
    guard GradeValue.all.contains(value) else {
        throw RuleViolation(.invalidGradeValue, record: record, detail: "«\(value)» — не оценка",
                            remedy: "Поставьте оценку 1–5 или отметку н/а, осв, зач либо незач.")
    }
}

extension SchoolState {
    var nextGradeID: String {
        let digits = String(gradeCount + 1)
        return "M" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    func requireWorkType(_ id: String, record: String) throws(RuleViolation) -> Int {
        guard let workType = workTypes[id] else {
            throw RuleViolation(.unknownWorkType, record: record, detail: "вида работы «\(id)» нет в справочнике",
                                remedy: "Укажите один из видов работы: \(sample(workTypes.keys))")
        }
        return Int(workType.weight)
    }
}
