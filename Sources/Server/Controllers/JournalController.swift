import Catalog
import EventLog
import Foundation
import Hummingbird
import Projections
import Records

/// What a teacher does every day: the day's lessons from the timetable, one
/// lesson with its roll, topic, homework and marks, the entries themselves,
/// and the class journal. Every entry is one of Records' commands, decided by
/// the rules; the server only finds the lesson and the role to act in.
struct JournalController {
    let configuration: ServerConfiguration

    func addRoutes(to group: RouterGroup<SignedInContext>) {
        group
            .get("/day", use: day)
            .get("/lesson", use: lesson)
            .get("/journal", use: journal)
            .post("/lessons", use: holdLesson)
            .post("/lesson/topic", use: topic)
            .post("/lesson/homework", use: homework)
            .post("/lesson/attendance", use: attendance)
            .post("/lesson/attendance/correction", use: correctAttendance)
            .post("/lesson/void", use: voidLesson)
            .post("/grades", use: grade)
            .post("/grades/{grade}/correction", use: correctGrade)
            .post("/grades/{grade}/void", use: voidGrade)
            .post("/finals", use: final)
    }

    // MARK: The day

    struct DayAnswer: Encodable {
        struct Line: Encodable {
            var lesson: String
            var unit: String
            var unitName: String
            var subject: String
            var subjectName: String
            var slot: Int
            var startsAt: String?
            var endsAt: String?
            var planned: Bool
            var held: Bool
            var substitute: Bool
            var topic: String
            /// What is still to enter: `topic`, `attendance`, `homework`.
            var missing: [String]
            /// The topic and the roll are due on the lesson's day; homework by `homeworkDeadline`.
            var topicAndRollDue: String
            /// The end of the hour after the class's last lesson (UTC), when the bells are known.
            var homeworkDeadline: String?
        }
        var date: String
        var teacher: String
        var lessons: [Line]
        /// The academic year the date is in (`2024/2025`), if any.
        var year: String?
    }

    func day(_ request: Request, context: SignedInContext) async throws -> Response {
        let date = try query(request, "date").map { try parseDate($0, field: "date") } ?? today
        return try json(dayAnswer(on: date, person: context.person))
    }

    /// The person's lessons of a day from the timetable, each with what is still
    /// missing and when it is due (the API's day and the «Сегодня» page).
    func dayAnswer(on date: CivilDate, person: Person) -> DayAnswer {
        person.school.recorder.withState { state in
            let lines = state.day(of: person.personID, on: date).map { entry -> DayAnswer.Line in
                let deadlines = state.deadlines(unit: entry.unitID, on: date)
                let bell = state.currentBellSchedule.flatMap { state.bellSchedules[$0]?[entry.slot] }
                var missing: [String] = []
                if entry.lesson?.topic.isEmpty ?? true { missing.append("topic") }
                if !(entry.lesson?.attendanceTaken ?? false) { missing.append("attendance") }
                if !(entry.lesson?.homeworkAssigned ?? false) { missing.append("homework") }
                return DayAnswer.Line(
                    lesson: entry.lessonID, unit: entry.unitID, unitName: state.unitName(entry.unitID), subject: entry.subjectID,
                    subjectName: state.subjects[entry.subjectID]?.name ?? entry.subjectID, slot: entry.slot,
                    startsAt: bell?.startsAt, endsAt: bell?.endsAt, planned: entry.planned, held: entry.lesson != nil,
                    substitute: entry.lesson?.substitute ?? false, topic: entry.lesson?.topic ?? "", missing: missing,
                    topicAndRollDue: deadlines.topicAndRoll.iso, homeworkDeadline: deadlines.homework?.iso)
            }
            let year = state.year(containing: date).map { "\($0.year)/\($0.year + 1)" }
            return DayAnswer(date: date.iso, teacher: person.personID, lessons: lines, year: year)
        }
    }

    // MARK: One lesson

    struct LessonAnswer: Encodable {
        struct Student: Encodable {
            var id: String
            var name: String
            /// The attendance code, when absent or late.
            var attendance: String?
            var marks: [ClassJournal.Mark]
        }
        struct Choice: Encodable {
            var id: String
            var name: String
            var weight: Int?
        }
        var lesson: String
        var unit: String
        var unitName: String
        var subject: String
        var subjectName: String
        var date: String
        var slot: Int
        var teacher: String
        var held: Bool
        var substitute: Bool
        var topic: String
        var homework: String
        var homeworkDue: String
        var attendanceTaken: Bool
        var students: [Student]
        var workTypes: [Choice]
        var attendanceCodes: [Choice]
        /// Why entries cannot be made (a closed period), or corrections (the edit window).
        var readOnly: String?
        var correctionsReadOnly: String?
        var topicAndRollDue: String
        var homeworkDue_: String?

        enum CodingKeys: String, CodingKey {
            case lesson, unit, unitName, subject, subjectName, date, slot, teacher, held, substitute, topic, homework, homeworkDue,
                 attendanceTaken, students, workTypes, attendanceCodes, readOnly, correctionsReadOnly, topicAndRollDue
            case homeworkDue_ = "homeworkDeadline"
        }
    }

    func lesson(_ request: Request, context: SignedInContext) async throws -> Response {
        try json(await lessonAnswer(try required(request, "id"), person: context.person))
    }

    /// One lesson the person may see (else 404), with its roll, marks, homework
    /// and why it is read-only, if it is (the API's lesson and the lesson page).
    func lessonAnswer(_ id: String, person: Person) async throws -> LessonAnswer {
        let planned = try visibleLesson(id, person: person)
        let today = self.today
        // The state is read in place, never held across a wait: a copy kept while
        // commands are recorded would make the recorder copy it whole.
        let (initial, journalQuery): (LessonAnswer, (unit: String, isGroup: Bool, subject: String, period: String)?) =
            person.school.recorder.withState { state in
                let held = state.lessons[id].flatMap { $0.voided ? nil : $0 }
                let role = actingRole(for: planned.teacherID, person: person, state: state)
                let deadlines = state.deadlines(unit: planned.unitID, on: planned.date)
                let answer = LessonAnswer(
                    lesson: id, unit: planned.unitID, unitName: state.unitName(planned.unitID), subject: planned.subjectID,
                    subjectName: state.subjects[planned.subjectID]?.name ?? planned.subjectID, date: planned.date.iso, slot: planned.slot,
                    teacher: held?.teacherID ?? planned.teacherID, held: held != nil, substitute: held?.substitute ?? false,
                    topic: held?.topic ?? "", homework: "", homeworkDue: "", attendanceTaken: held?.attendanceTaken ?? false,
                    students: state.members(of: planned.unitID, on: planned.date).map { id in
                        LessonAnswer.Student(id: id, name: state.students[id]?.name.full ?? id, attendance: held?.absences[id], marks: [])
                    },
                    workTypes: state.workTypes.values.sorted { $0.workTypeID < $1.workTypeID }
                        .map { .init(id: $0.workTypeID, name: $0.name, weight: Int($0.weight)) },
                    attendanceCodes: state.attendanceCodes.values.sorted { $0.code < $1.code }.map { .init(id: $0.code, name: $0.name) },
                    readOnly: state.readOnlyReason(lesson: planned.date, unit: planned.unitID, correcting: false, role: role,
                                                   today: today)?.pageNote,
                    correctionsReadOnly: state.readOnlyReason(lesson: planned.date, unit: planned.unitID, correcting: true, role: role,
                                                              today: today)?.pageNote,
                    topicAndRollDue: deadlines.topicAndRoll.iso, homeworkDue_: deadlines.homework?.iso)
                guard let held, let period = state.period(on: held.date, grade: state.classOf(unit: held.unitID)?.grade ?? 0) else {
                    return (answer, nil)
                }
                return (answer, (held.unitID, state.groups[held.unitID] != nil, held.subjectID, period.id))
            }
        var answer = initial
        // Homework and marks come from the class journal.
        if let q = journalQuery {
            let journal = try await person.school.read {
                try ClassJournal.query($0, class: q.isGroup ? nil : q.unit, group: q.isGroup ? q.unit : nil, subject: q.subject,
                                       period: q.period, today: today.daysSinceEpoch)
            }
            if let column = journal.lessons.firstIndex(where: { $0.id == id }) {
                answer.homework = journal.lessons[column].homework
                answer.homeworkDue = journal.lessons[column].homeworkDue
                let marks = Dictionary(journal.students.map { ($0.id, $0.cells[column].marks) }, uniquingKeysWith: { $1 })
                for index in answer.students.indices { answer.students[index].marks = marks[answer.students[index].id] ?? [] }
            }
        }
        return answer
    }

    // MARK: The journal

    func journal(_ request: Request, context: SignedInContext) async throws -> Response {
        let journal = try journalQuery(unit: try required(request, "unit"), subject: try query(request, "subject"),
                                       period: try query(request, "period"), person: context.person)
        return rawJSON(try await journalJSON(journal, person: context.person))
    }

    /// The journal's JSON as `letopis journal --format json` writes it, from the
    /// views' cache while nothing it read has changed (the API's and the page's alike).
    func journalJSON(_ journal: JournalQuery, person: Person) async throws -> Data {
        let key = "journal|\(journal.unit)|\(journal.subject)|\(journal.period ?? "")|\(journal.today.iso)"
        return try await person.school.viewJSON(key) { try journal.run($0) }
    }

    /// A class journal the person may read (else 404), as the view's query.
    struct JournalQuery {
        let unit: String
        let isGroup: Bool
        let subject: String
        let period: String?
        let today: CivilDate

        func run(_ source: any ViewSource) throws -> ClassJournal {
            try ClassJournal.query(source, class: isGroup ? nil : unit, group: isGroup ? unit : nil, subject: subject, period: period,
                                   today: today.daysSinceEpoch)
        }
    }

    func journalQuery(unit: String, subject: String?, period: String?, person: Person) throws -> JournalQuery {
        let isGroup = person.school.recorder.withState { $0.groups[unit] != nil }
        let subjectID = subject ?? (isGroup ? person.school.recorder.withState { $0.groups[unit]?.subjectID } : nil)
        guard let subjectID else { throw APIError.invalid("Укажите предмет: subject=<код предмета>.") }
        let visible = person.school.recorder.withState { $0.mayRead(journalOf: unit, subject: subjectID, by: person.viewer) }
        guard visible else { throw APIError.hidden("\(person.personID) may not read the journal of \(unit) in \(subjectID)") }
        return JournalQuery(unit: unit, isGroup: isGroup, subject: subjectID, period: period, today: today)
    }

    // MARK: Entries

    struct HoldRequest: Decodable {
        var unit: String
        var date: String
        var slot: Int
        var subject: String
        var topic: String
        /// A lesson in place of another teacher's (or outside the timetable).
        var substitute: Bool?
        var replacedTeacher: String?
    }

    func holdLesson(_ request: Request, context: SignedInContext) async throws -> Response {
        let body = try await decodeBody(HoldRequest.self, request, context)
        let person = context.person
        let date = try parseDate(body.date, field: "date")
        let command = HoldLesson(unitID: body.unit, date: date, slot: body.slot, subjectID: body.subject, teacherID: person.personID,
                                 substitute: body.substitute ?? false, replacedTeacherID: body.replacedTeacher ?? "", topic: body.topic)
        let actor = person.school.recorder.withState { actingActor(for: person.personID, person: person, state: $0) }
        return try await record([command], as: actor, person: person, id: command.lessonID)
    }

    struct TopicRequest: Decodable {
        var lesson: String
        var topic: String
        /// Needed to change a topic already entered.
        var reason: String?
    }

    /// The topic of a lesson; for a lesson of the timetable not entered yet, the
    /// lesson itself with its topic.
    func topic(_ request: Request, context: SignedInContext) async throws -> Response {
        let body = try await decodeBody(TopicRequest.self, request, context)
        let (result, id) = try await recordTopic(lesson: body.lesson, topic: body.topic, reason: body.reason, person: context.person)
        return try json(Recorded(sequences: result.sequences, id: id), status: .created)
    }

    /// The topic of a lesson the person may see; for one of the timetable not
    /// entered yet, the lesson itself (its id is returned then).
    func recordTopic(lesson id: String, topic: String, reason: String?, person: Person) async throws -> (AppendResult, String?) {
        let planned = try visibleLesson(id, person: person)
        let (held, actor) = person.school.recorder.withState { state in
            (state.lessons[id].flatMap { $0.voided ? nil : $0 }, actingActor(for: planned.teacherID, person: person, state: state))
        }
        if let held {
            return (try await person.school.record([RecordTopic(lessonID: held.id, topic: topic, reason: reason ?? "")], as: actor), nil)
        }
        let command = HoldLesson(unitID: planned.unitID, date: planned.date, slot: planned.slot, subjectID: planned.subjectID,
                                 teacherID: planned.teacherID, topic: topic)
        return (try await person.school.record([command], as: actor), command.lessonID)
    }

    struct HomeworkRequest: Decodable {
        var lesson: String
        var text: String
        var dueOn: String?
    }

    func homework(_ request: Request, context: SignedInContext) async throws -> Response {
        let body = try await decodeBody(HomeworkRequest.self, request, context)
        let result = try await assignHomework(lesson: body.lesson, text: body.text, dueOn: body.dueOn, person: context.person)
        return try json(Recorded(sequences: result.sequences), status: .created)
    }

    /// Homework set at a held lesson, due on a date or (without one) at the next lesson.
    func assignHomework(lesson id: String, text: String, dueOn: String?, person: Person) async throws -> AppendResult {
        let (lesson, actor) = try heldLesson(id, person: person)
        let due = try dueOn.flatMap { $0.isEmpty ? nil : $0 }.map { try parseDate($0, field: "dueOn") }
        return try await person.school.record([AssignHomework(lessonID: lesson.id, text: text, dueOn: due)], as: actor)
    }

    struct AttendanceRequest: Decodable {
        var lesson: String
        /// Student id → code (Н, Б, УП, ОП); everyone else was present.
        var absences: [String: String]
    }

    func attendance(_ request: Request, context: SignedInContext) async throws -> Response {
        let body = try await decodeBody(AttendanceRequest.self, request, context)
        let result = try await takeAttendance(lesson: body.lesson, absences: body.absences, person: context.person)
        return try json(Recorded(sequences: result.sequences), status: .created)
    }

    /// The roll of a held lesson: the absent and late by code, everyone else present.
    func takeAttendance(lesson id: String, absences: [String: String], person: Person) async throws -> AppendResult {
        let (lesson, actor) = try heldLesson(id, person: person)
        return try await person.school.record([TakeAttendance(lessonID: lesson.id, marks: absences)], as: actor)
    }

    struct AttendanceCorrectionRequest: Decodable {
        var lesson: String
        var student: String
        /// Empty: present.
        var code: String
        var reason: String
    }

    func correctAttendance(_ request: Request, context: SignedInContext) async throws -> Response {
        let body = try await decodeBody(AttendanceCorrectionRequest.self, request, context)
        let result = try await correctAttendance(lesson: body.lesson, student: body.student, code: body.code, reason: body.reason,
                                                 person: context.person)
        return try json(Recorded(sequences: result.sequences), status: .created)
    }

    /// One student's mark of a roll already taken, with a reason (an empty code: present).
    func correctAttendance(lesson id: String, student: String, code: String, reason: String, person: Person) async throws -> AppendResult {
        let (lesson, actor) = try heldLesson(id, person: person)
        return try await person.school.record([CorrectAttendance(lessonID: lesson.id, studentID: student, code: code, reason: reason)],
                                              as: actor)
    }

    struct VoidLessonRequest: Decodable {
        var lesson: String
        var reason: String
    }

    func voidLesson(_ request: Request, context: SignedInContext) async throws -> Response {
        let body = try await decodeBody(VoidLessonRequest.self, request, context)
        let (lesson, actor) = try heldLesson(body.lesson, person: context.person)
        return try await record([VoidLesson(lessonID: lesson.id, reason: body.reason)], as: actor, person: context.person)
    }

    struct GradeRequest: Decodable {
        var lesson: String
        var student: String
        var value: String
        var workType: String
        var comment: String?
    }

    /// One grade, or several at once (a whole column): all or none.
    func grade(_ request: Request, context: SignedInContext) async throws -> Response {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let decoder = JSONDecoder()
        let grades: [GradeRequest]
        // An array decodes as one, so a bad element is named in the error («поле «2.value»…»).
        if buffer.readableBytesView.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "[") {
            grades = try decoder.decode([GradeRequest].self, from: buffer)
        } else {
            grades = [try decoder.decode(GradeRequest.self, from: buffer)]
        }
        let (result, ids) = try await recordGrades(grades, person: context.person)
        return try json(Recorded(sequences: result.sequences, id: ids.first, ids: ids.count > 1 ? ids : nil), status: .created)
    }

    /// Grades of held lessons, all or none, each in the role its lesson asks
    /// for; returns their ids in the order asked.
    func recordGrades(_ grades: [GradeRequest], person: Person) async throws -> (AppendResult, [String]) {
        guard !grades.isEmpty else { throw APIError.invalid("Нет ни одной оценки.") }
        // Each grade is entered in the role its own lesson asks for.
        var actors: [String: Actor] = [:]
        for lessonID in Set(grades.map(\.lesson)) { actors[lessonID] = try heldLesson(lessonID, person: person).1 }
        let submissions = grades.map { grade in
            Submission(RecordGrade(lessonID: grade.lesson, studentID: grade.student, value: grade.value, workTypeID: grade.workType,
                                   comment: grade.comment ?? ""), as: actors[grade.lesson]!)
        }
        let result = try await person.school.record(submissions)
        // The grades' ids, in the order they were asked for.
        var ids: [String] = []
        for sequence in result.sequences {
            if let event = try person.school.log.event(at: sequence), case .gradeRecorded(let grade) = try event.decoded() {
                ids.append(grade.gradeID)
            }
        }
        return (result, ids)
    }

    struct CorrectionRequest: Decodable {
        var value: String?
        var workType: String?
        var reason: String
    }

    func correctGrade(_ request: Request, context: SignedInContext) async throws -> Response {
        let body = try await decodeBody(CorrectionRequest.self, request, context)
        let result = try await correctGrade(try pathParameter(context, "grade"), value: body.value, workType: body.workType,
                                            reason: body.reason, person: context.person)
        return try json(Recorded(sequences: result.sequences), status: .created)
    }

    /// A new value or kind of work for a mark the person may see, with a reason.
    func correctGrade(_ gradeID: String, value: String?, workType: String?, reason: String, person: Person) async throws -> AppendResult {
        let actor = try visibleGrade(gradeID, person: person)
        guard value != nil || workType != nil else { throw APIError.invalid("Укажите новую оценку (value) или вид работы (workType).") }
        let current = person.school.recorder.withState { $0.grades[gradeID]?.value } ?? ""
        return try await person.school.record([CorrectGrade(gradeID: gradeID, value: value ?? current, workTypeID: workType, reason: reason)],
                                              as: actor)
    }

    struct ReasonRequest: Decodable {
        var reason: String
    }

    func voidGrade(_ request: Request, context: SignedInContext) async throws -> Response {
        let body = try await decodeBody(ReasonRequest.self, request, context)
        let result = try await voidGrade(try pathParameter(context, "grade"), reason: body.reason, person: context.person)
        return try json(Recorded(sequences: result.sequences), status: .created)
    }

    /// A mark the person may see made void, with a reason.
    func voidGrade(_ gradeID: String, reason: String, person: Person) async throws -> AppendResult {
        let actor = try visibleGrade(gradeID, person: person)
        return try await person.school.record([CorrectGrade(gradeID: gradeID, value: nil, reason: reason)], as: actor)
    }

    struct FinalRequest: Decodable {
        var student: String
        var subject: String
        var period: String
        var value: String
        var reason: String?
    }

    func final(_ request: Request, context: SignedInContext) async throws -> Response {
        let body = try await decodeBody(FinalRequest.self, request, context)
        let person = context.person
        let actor: Actor? = person.school.recorder.withState { state in
            guard state.mayRead(marksOf: body.student, subject: body.subject, by: person.viewer) else { return nil }
            // As the subject's teacher when they teach it to the student, else as the administration.
            let own = state.teaches(person.personID, subject: body.subject, student: body.student)
            return state.actor(person.personID, preferring: own ? [.teacher, .classTeacher, .administration]
                                                                : [.administration, .teacher, .classTeacher])
        }
        guard let actor else {
            throw APIError.hidden("\(person.personID) may not see \(body.student)'s marks in \(body.subject)")
        }
        return try await record([SetFinalGrade(studentID: body.student, subjectID: body.subject, periodID: body.period,
                                               value: body.value, reason: body.reason ?? "")], as: actor, person: person)
    }

    // MARK: Finding the lesson and the role

    /// A lesson the person may see — held, or planned by the timetable — or 404.
    private func visibleLesson(_ id: String, person: Person) throws -> Lesson {
        let found: Lesson? = person.school.recorder.withState { state in
            let lesson = state.lessons[id].flatMap { $0.voided ? nil : $0 } ?? state.plannedLesson(id)
            guard let lesson, state.mayRead(lesson: lesson, by: person.viewer) else { return nil }
            return lesson
        }
        guard let found else { throw APIError.hidden("\(person.personID) may not see the lesson \(id)") }
        return found
    }

    /// A held lesson the person may see, and the actor its entries are made as.
    private func heldLesson(_ id: String, person: Person) throws -> (Lesson, Actor) {
        let lesson = try visibleLesson(id, person: person)
        let found: (Lesson, Actor)? = person.school.recorder.withState { state in
            guard let held = state.lessons[id], !held.voided else { return nil }
            return (held, actingActor(for: lesson.teacherID, person: person, state: state))
        }
        guard let found else {
            throw APIError(RuleViolation(.unknownRecord, record: "урок \(id)", detail: "урок ещё не записан",
                                         remedy: "Сначала запишите тему урока: так урок появится в журнале."))
        }
        return found
    }

    private func visibleGrade(_ gradeID: String, person: Person) throws -> Actor {
        let actor: Actor? = person.school.recorder.withState { state in
            guard let grade = state.grades[gradeID], let lesson = state.lessons[grade.lessonID],
                  state.mayRead(lesson: lesson, by: person.viewer) else { return nil }
            return actingActor(for: lesson.teacherID, person: person, state: state)
        }
        guard let actor else { throw APIError.hidden("\(person.personID) may not see the grade \(gradeID)") }
        return actor
    }

    /// The role a person enters a lesson's records in: as its teacher when it
    /// is theirs, else as the administration when they hold it; otherwise the
    /// rules say why not.
    private func actingRole(for teacherID: String, person: Person, state: SchoolState) -> Role {
        Role(rawValue: actingActor(for: teacherID, person: person, state: state).role) ?? .teacher
    }

    func actingActor(for teacherID: String, person: Person, state: SchoolState) -> Actor {
        let own: [Role] = teacherID == person.personID ? [.teacher, .classTeacher, .administration] : [.administration, .teacher, .classTeacher]
        return state.actor(person.personID, preferring: own)
    }

    private var today: CivilDate { ServerClock.moscowDay(of: configuration.clock()) }

    private func record(_ commands: [any Command], as actor: Actor, person: Person, id: String? = nil) async throws -> Response {
        let result = try await person.school.record(commands, as: actor)
        return try json(Recorded(sequences: result.sequences, id: id), status: .created)
    }
}

/// A query parameter, or nil.
func query(_ request: Request, _ name: String) throws -> String? {
    guard let value = request.uri.queryParameters.get(name), !value.isEmpty else { return nil }
    return value
}

func required(_ request: Request, _ name: String) throws -> String {
    guard let value = try query(request, name) else { throw APIError.invalid("Не хватает параметра «\(name)».") }
    return value
}

func parseDate(_ text: String, field: String) throws -> CivilDate {
    if let date = CivilDate(iso: text) { return date }
    let parts = text.split(separator: ".").compactMap { Int($0) }
    if parts.count == 3, let date = CivilDate(year: parts[2], month: parts[1], day: parts[0]) { return date }
    throw APIError.invalid("«\(field)»: «\(text)» — не дата; пишите ГГГГ-ММ-ДД, например 2024-09-02.")
}
