import Catalog
import EventLog
import Foundation

/// The class journal: each lesson with its topic, homework, roll and grades;
/// final grades; diary acknowledgements; and the change log, which needs the
/// value before each change — something only this projector knows.
public struct JournalProjector: Projector {
    public let name = "journal"
    public let version = 4

    public init() {}

    public var tables: [TableInfo] {
        [ViewTables.lessons.info, ViewTables.subjectLessons.info, ViewTables.gradeLessons.info, ViewTables.finals.info,
         ViewTables.acknowledgements.info, ViewTables.homeworkDue.info, ViewTables.changes.info,
         ViewTables.changesByStudent.info, ViewTables.changesByEditor.info, ViewTables.changesByClass.info,
         ViewTables.changesByDay.info]
    }

    public func mayMatter(_ event: RecordedEvent, for scope: ViewScope) -> Bool {
        let stream = event.stream
        switch scope {
        case .everything:
            return stream.hasPrefix("lesson/") || stream.hasPrefix("grade/") || stream.hasPrefix("final/")
                || stream.hasPrefix("diary/")
        case .classJournal(let unit):
            // Grades name their lesson only in GradeRecorded: keep every grade event.
            return stream.hasPrefix("lesson/\(unit)/") || stream.hasPrefix("grade/") || stream.hasPrefix("final/")
        case .diary(let student):
            return stream.hasPrefix("lesson/") || stream.hasPrefix("grade/") || stream == "diary/\(student)"
        }
    }

    public func apply(_ e: ProjectedEvent, to s: RowStore) throws {
        let recordedDay = e.recordedAt.civilDate.daysSinceEpoch
        switch e.event {
        case .lessonHeld(let m):
            let ref = LessonRef(lessonID: m.lessonID)
                ?? LessonRef(unit: m.unitID, day: Day.parse(m.date) ?? e.effectiveDate.daysSinceEpoch, slot: m.slot)
            try s.update(ViewTables.lessons, ref.key, orInsert: LessonRow(lessonID: m.lessonID, date: ref.day, slot: ref.slot)) { row in
                if row.voided {
                    // Held again after it was voided: a lesson anew (its voided marks stay voided).
                    let grades = row.grades
                    row = LessonRow(lessonID: m.lessonID, date: ref.day, slot: ref.slot)
                    row.grades = grades
                }
                if !row.subject.isEmpty && row.subject != m.subjectID {
                    s.delete(ViewTables.subjectLessons, Self.subjectKey(row.unit, row.subject, ref))
                }
                row.held = true
                row.unit = m.unitID.isEmpty ? ref.unit : m.unitID
                row.classID = m.classID; row.subject = m.subjectID; row.teacher = m.teacherID
                row.substitute = m.substitute; row.replacedTeacher = m.replacedTeacherID
                row.timetableEntry = m.timetableEntryID
                if !m.topic.isEmpty {
                    row.topic = m.topic
                    if row.topicOn == nil { row.topicOn = recordedDay }
                }
            }
            s.put(ViewTables.subjectLessons, Self.subjectKey(ref.unit, m.subjectID, ref), EmptyRow())
        case .lessonTopicRecorded(let m):
            try lesson(m.lessonID, s) { row in
                row.topic = m.topic
                row.topicOn = m.topic.isEmpty ? nil : (row.topicOn ?? recordedDay)
            }
        case .homeworkAssigned(let m):
            let key = LessonRef.key(lessonID: m.lessonID)
            try lesson(m.lessonID, s) { row in
                if let old = Day.parse(row.homeworkDue) {
                    s.delete(ViewTables.homeworkDue, RowKey(row.unit).appending(day: old).appending(text: m.lessonID))
                }
                row.homework = m.text
                row.homeworkDue = m.dueOn
                row.homeworkSetAt = e.recordedAt.microseconds
                if let due = Day.parse(m.dueOn) {
                    let unit = row.unit.isEmpty ? key.text(at: 0).0 : row.unit
                    s.put(ViewTables.homeworkDue, RowKey(unit).appending(day: due).appending(text: m.lessonID), EmptyRow())
                }
            }
        case .attendanceTaken(let m):
            let marks = m.marks.map { AbsenceEntry(student: $0.studentID, code: $0.code) }.sorted { $0.student < $1.student }
            try lesson(m.lessonID, s) { row in
                if row.attendanceTaken {
                    // The roll called again: each student whose mark changed is a change.
                    let old = Dictionary(row.absences.map { ($0.student, $0.code) }, uniquingKeysWith: { a, _ in a })
                    let new = Dictionary(marks.map { ($0.student, $0.code) }, uniquingKeysWith: { a, _ in a })
                    for student in Set(old.keys).union(new.keys).sorted() where old[student] != new[student] {
                        log(e, s, ChangeRow(
                            kind: "attendance", action: "retaken", student: student, classID: row.classID, subject: row.subject,
                            target: m.lessonID, gradeID: "", lessonDate: row.date, before: old[student] ?? "",
                            after: new[student] ?? "", editor: e.actor.userID, role: e.actor.role,
                            at: e.recordedAt.microseconds, reason: ""))
                    }
                }
                row.absences = marks
                row.attendanceTaken = true
                if row.attendanceOn == nil { row.attendanceOn = recordedDay }
            }
        case .attendanceCorrected(let m):
            try lesson(m.lessonID, s) { row in
                let before = row.code(of: m.studentID) ?? ""
                row.absences.removeAll { $0.student == m.studentID }
                if !m.code.isEmpty {
                    row.absences.append(AbsenceEntry(student: m.studentID, code: m.code))
                    row.absences.sort { $0.student < $1.student }
                }
                log(e, s, ChangeRow(
                    kind: "attendance", action: "corrected", student: m.studentID, classID: row.classID, subject: row.subject,
                    target: m.lessonID, gradeID: "", lessonDate: row.date, before: before, after: m.code,
                    editor: e.actor.userID, role: e.actor.role, at: e.recordedAt.microseconds, reason: m.reason))
            }
        case .lessonVoided(let m):
            try lesson(m.lessonID, s) { row in
                row.voided = true
                row.voidReason = m.reason
                for (index, grade) in row.grades.enumerated() where !grade.voided {
                    // Voided with the lesson, so a lesson held again shows none of them.
                    row.grades[index].voided = true
                    log(e, s, ChangeRow(
                        kind: "grade", action: "voided", student: grade.student, classID: row.classID, subject: row.subject,
                        target: m.lessonID, gradeID: grade.id, lessonDate: row.date, before: Self.describe(grade),
                        after: ChangeRow.voidedMark, editor: e.actor.userID, role: e.actor.role,
                        at: e.recordedAt.microseconds, reason: m.reason))
                }
                log(e, s, ChangeRow(
                    kind: "lesson", action: "voided", student: "", classID: row.classID, subject: row.subject,
                    target: m.lessonID, gradeID: "", lessonDate: row.date, before: row.topic, after: ChangeRow.voidedLesson,
                    editor: e.actor.userID, role: e.actor.role, at: e.recordedAt.microseconds, reason: m.reason))
            }
        case .gradeRecorded(let m):
            let entry = GradeEntry(id: m.gradeID, student: m.studentID, value: m.value, workType: m.workTypeID,
                                   weight: Int(m.weight), comment: m.comment)
            try lesson(m.lessonID, s) { row in row.grades.append(entry) }
            s.put(ViewTables.gradeLessons, RowKey(m.gradeID), GradeRefRow(lessonID: m.lessonID))
        case .gradeCorrected(let m):
            try grade(m.gradeID, s) { row, index in
                let before = Self.describe(row.grades[index])
                if !m.value.isEmpty { row.grades[index].value = m.value }
                if !m.workTypeID.isEmpty { row.grades[index].workType = m.workTypeID }
                if m.weight != 0 { row.grades[index].weight = Int(m.weight) }
                let grade = row.grades[index]
                log(e, s, ChangeRow(
                    kind: "grade", action: "corrected", student: grade.student, classID: row.classID, subject: row.subject,
                    target: row.lessonID, gradeID: grade.id, lessonDate: row.date, before: before, after: Self.describe(grade),
                    editor: e.actor.userID, role: e.actor.role, at: e.recordedAt.microseconds, reason: m.reason))
            }
        case .gradeVoided(let m):
            try grade(m.gradeID, s) { row, index in
                let grade = row.grades[index]
                row.grades[index].voided = true
                log(e, s, ChangeRow(
                    kind: "grade", action: "voided", student: grade.student, classID: row.classID, subject: row.subject,
                    target: row.lessonID, gradeID: grade.id, lessonDate: row.date, before: Self.describe(grade),
                    after: ChangeRow.voidedMark, editor: e.actor.userID, role: e.actor.role,
                    at: e.recordedAt.microseconds, reason: m.reason))
            }
        case .finalGradeSet(let m):
            try final(e, s, student: m.studentID, classID: m.classID, subject: m.subjectID, period: m.periodID,
                      value: m.value, reason: nil)
        case .finalGradeCorrected(let m):
            try final(e, s, student: m.studentID, classID: m.classID, subject: m.subjectID, period: m.periodID,
                      value: m.value, reason: m.reason)
        case .diaryWeekAcknowledged(let m):
            let week = (Day.parse(m.weekStart) ?? e.effectiveDate.daysSinceEpoch).civil.weekStart.daysSinceEpoch
            s.put(ViewTables.acknowledgements, RowKey(m.studentID).appending(day: week),
                  AckRow(guardian: m.guardianID, at: e.recordedAt.microseconds))
        default:
            break
        }
    }

    static func subjectKey(_ unit: String, _ subject: String, _ ref: LessonRef) -> RowKey {
        var key = RowKey(unit, subject)
        key.day(ref.day)
        key.byte(UInt8(clamping: ref.slot))
        return key
    }

    /// «5 (контрольная)» — a grade as the change log shows it.
    static func describe(_ grade: GradeEntry) -> String {
        grade.workType.isEmpty ? grade.value : "\(grade.value) (\(grade.workType))"
    }

    /// Changes the lesson's row, creating a row not yet held when an entry comes first.
    private func lesson(_ lessonID: String, _ s: RowStore, _ body: (inout LessonRow) -> Void) throws {
        let ref = LessonRef(lessonID: lessonID)
        try s.update(ViewTables.lessons, ref?.key ?? RowKey(lessonID),
                     orInsert: LessonRow(lessonID: lessonID, date: ref?.day ?? 0, slot: ref?.slot ?? 0)) { row in
            if row.unit.isEmpty, let ref { row.unit = ref.unit }
            body(&row)
        }
    }

    /// Changes one grade in its lesson's row; nothing when the grade is unknown.
    private func grade(_ gradeID: String, _ s: RowStore, _ body: (inout LessonRow, Int) -> Void) throws {
        guard let ref = try s.get(ViewTables.gradeLessons, RowKey(gradeID)) else { return }
        try s.updateIfPresent(ViewTables.lessons, LessonRef.key(lessonID: ref.lessonID)) { row in
            if let index = row.grades.firstIndex(where: { $0.id == gradeID }) { body(&row, index) }
        }
    }

    private func final(
        _ e: ProjectedEvent, _ s: RowStore, student: String, classID: String, subject: String, period: String,
        value: String, reason: String?
    ) throws {
        let key = RowKey(student, subject, period)
        let before = try s.get(ViewTables.finals, key)
        s.put(ViewTables.finals, key, FinalRow(classID: classID, value: value))
        // A first entry is not a change; a correction of it, or a second setting, is.
        guard before != nil || reason != nil else { return }
        log(e, s, ChangeRow(
            kind: "final", action: reason == nil ? "set-again" : "corrected", student: student, classID: classID,
            subject: subject, target: period, gradeID: "", lessonDate: nil, before: before?.value ?? "", after: value,
            editor: e.actor.userID, role: e.actor.role, at: e.recordedAt.microseconds, reason: reason ?? ""))
    }

    /// Writes a change and its indexes; `n` tells apart several changes of one event.
    private func log(_ e: ProjectedEvent, _ s: RowStore, _ change: ChangeRow) {
        var suffix = RowKey()
        suffix.sequence(e.sequence)
        var n: UInt8 = 0
        while (try? s.contains(ViewTables.changes, RowKey(bytes: suffix.bytes + [n]))) == true { n += 1 }
        suffix.byte(n)
        s.put(ViewTables.changes, suffix, change)
        if !change.student.isEmpty {
            s.put(ViewTables.changesByStudent, RowKey(bytes: RowKey(change.student).bytes + suffix.bytes), EmptyRow())
        }
        s.put(ViewTables.changesByEditor, RowKey(bytes: RowKey(change.editor).bytes + suffix.bytes), EmptyRow())
        s.put(ViewTables.changesByClass, RowKey(bytes: RowKey(change.classID, change.subject).bytes + suffix.bytes), EmptyRow())
        var byDay = RowKey()
        byDay.day(Timestamp(microseconds: change.at).civilDate.daysSinceEpoch)
        s.put(ViewTables.changesByDay, RowKey(bytes: byDay.bytes + suffix.bytes), EmptyRow())
    }
}

extension ChangeRow {
    /// What a voided grade becomes in the change log.
    public static let voidedMark = "аннулирована"
    public static let voidedLesson = "урок аннулирован"
}
