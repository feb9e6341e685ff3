import Audit
import Catalog
import EventLog
import Foundation
import Hummingbird
import Records

/// One mark's history — who set it, when, each correction or void with its
/// reason, read from the mark's own stream `grade/<id>` in the log — and its
/// receipt: those events with inclusion proofs against the school's latest
/// signed checkpoint (`ReceiptDocument`, checked offline by `letopis verify-proof`).
/// Whoever may read the mark may read both: the student, their parents with
/// consent in force, the lesson's teacher or substitute, the teachers of that
/// subject in the class, the class teacher, the whole school's readers. A mark
/// anyone else asks for is answered exactly as one that does not exist.
struct MarkController {
    let configuration: ServerConfiguration

    struct Who: Encodable {
        var id: String
        var name: String
        var role: String
        var roleName: String
    }

    struct Value: Encodable {
        var value: String
        var workType: String
        var workTypeName: String
    }

    struct Change: Encodable {
        /// `correction` or `void`.
        var kind: String
        var sequence: UInt64
        var at: String
        var atMoscow: String
        var by: Who
        var before: Value
        /// Nil for a void.
        var after: Value?
        var reason: String
    }

    struct LessonRef: Encodable {
        var id: String
        var date: String
        var slot: Int
        var unit: String
        var unitName: String
        var subject: String
        var subjectName: String
        var teacher: String
        var teacherName: String
    }

    struct History: Encodable {
        var grade: String
        var student: String
        var studentName: String
        var lesson: LessonRef
        /// The mark as it stands (the last value, even when voided).
        var current: Value
        var voided: Bool
        var sequence: UInt64
        var setAt: String
        var setAtMoscow: String
        var setBy: Who
        var changes: [Change]
    }

    func history(_ request: Request, context: SignedInContext) async throws -> Response {
        try json(try history(of: try pathParameter(context, "grade"), person: context.person))
    }

    func receipt(_ request: Request, context: SignedInContext) async throws -> Response {
        let gradeID = try visibleGrade(try pathParameter(context, "grade"), person: context.person)
        return try receiptResponse(of: gradeID, person: context.person)
    }

    /// The receipt as a download, `mark-<id>-receipt.json`.
    func receiptResponse(of gradeID: String, person: Person) throws -> Response {
        let receipt = try ReceiptDocument.make(log: person.school.log, stream: Streams.grade(gradeID), madeAt: configuration.clock())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        var response = rawJSON(try encoder.encode(receipt))
        let safe = String(gradeID.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" })
        response.headers[.contentDisposition] = "attachment; filename=\"mark-\(safe)-receipt.json\""
        return response
    }

    /// The history of a mark the person may read (else 404), from the log.
    func history(of gradeID: String, person: Person) throws -> History {
        let gradeID = try visibleGrade(gradeID, person: person)
        let events = try person.school.log.stream(Streams.grade(gradeID))
        guard let first = events.first, case .gradeRecorded(let recorded)? = try? first.decoded() else {
            throw APIError.hidden("the grade \(gradeID) has no GradeRecorded in the log")
        }
        return person.school.recorder.withState { state in
            func who(_ actor: Actor) -> Who {
                let id = actor.userID
                let name = state.staff[id]?.name.full ?? state.guardians[id]?.name.full ?? state.students[id]?.name.full ?? id
                return Who(id: id, name: name, role: actor.role, roleName: Self.roleNames[actor.role] ?? actor.role)
            }
            func value(_ value: String, _ workType: String) -> Value {
                Value(value: value, workType: workType, workTypeName: state.workTypes[workType]?.name ?? workType)
            }
            var current = value(recorded.value, recorded.workTypeID)
            var voided = false
            var changes: [Change] = []
            for event in events.dropFirst() {
                switch try? event.decoded() {
                case .gradeCorrected(let m)?:
                    let after = value(m.value.isEmpty ? current.value : m.value, m.workTypeID.isEmpty ? current.workType : m.workTypeID)
                    changes.append(Change(kind: "correction", sequence: event.sequence, at: event.recordedAt.iso,
                                          atMoscow: Self.moscow(event.recordedAt), by: who(event.actor), before: current, after: after,
                                          reason: m.reason))
                    current = after
                case .gradeVoided(let m)?:
                    changes.append(Change(kind: "void", sequence: event.sequence, at: event.recordedAt.iso,
                                          atMoscow: Self.moscow(event.recordedAt), by: who(event.actor), before: current, after: nil,
                                          reason: m.reason))
                    voided = true
                default: continue
                }
            }
            let lesson = state.lessons[recorded.lessonID]
            let subject = lesson?.subjectID ?? ""
            let teacher = lesson?.teacherID ?? ""
            return History(
                grade: gradeID, student: recorded.studentID, studentName: state.students[recorded.studentID]?.name.full ?? recorded.studentID,
                lesson: LessonRef(id: recorded.lessonID, date: lesson?.date.iso ?? "", slot: lesson?.slot ?? 0, unit: lesson?.unitID ?? "",
                                  unitName: lesson.map { state.unitName($0.unitID) } ?? "", subject: subject,
                                  subjectName: state.subjects[subject]?.name ?? subject, teacher: teacher,
                                  teacherName: state.staff[teacher]?.name.full ?? teacher),
                current: current, voided: voided, sequence: first.sequence, setAt: first.recordedAt.iso,
                setAtMoscow: Self.moscow(first.recordedAt), setBy: who(first.actor), changes: changes)
        }
    }

    /// `gradeID`, if the person may read the mark; else 404, as for one that does not exist.
    func visibleGrade(_ gradeID: String, person: Person) throws -> String {
        let visible = person.school.recorder.withState { state -> Bool in
            guard let grade = state.grades[gradeID] else { return false }
            if state.mayRead(student: grade.studentID, by: person.viewer) { return true }
            guard let lesson = state.lessons[grade.lessonID] else { return false }
            return state.mayRead(lesson: lesson, by: person.viewer)
                || state.mayRead(marksOf: grade.studentID, subject: lesson.subjectID, by: person.viewer)
        }
        guard visible else { throw APIError.hidden("\(person.personID) may not see the grade \(gradeID)") }
        return gradeID
    }

    /// A moment in the school's Moscow time, ISO 8601 with the offset: `2024-09-23T14:50:00+03:00`.
    static func moscow(_ time: Timestamp) -> String {
        String(time.adding(seconds: 3 * 3600).iso.prefix(19)) + "+03:00"
    }

    static let roleNames = [
        "teacher": "учитель", "class-teacher": "классный руководитель", "administration": "администрация",
        "coordinator": "администратор системы", "parent": "родитель", "student": "ученик", "auditor": "аудитор",
        "district": "район", "system": "система",
    ]
}
